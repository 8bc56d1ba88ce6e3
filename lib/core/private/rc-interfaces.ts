import { IConstruct } from 'constructs';
import type { KeySetting } from '../contribution';
import type { EpairInterface } from '../epair';
import { InterfaceKind, NetworkInterface } from '../interface';
import { ROUTE_NAME, StaticRoute } from '../routes';
import type { VlanInterface } from '../vlan';
import { AddressFamily } from '../../net/address';
import { rcInterfaceName } from '../../net/names';

/*
 * The rc.conf keys that make a host's interfaces exist and its routes known, as FreeBSD's
 * rc.d reads them (libexec/rc/network.subr, rc.d/netif, rc.d/routing):
 *
 *   cloned_interfaces="lagg0 epair0 bridge0"   clone_up creates them before any is configured;
 *                                              they are configured in this order, after the
 *                                              kernel's own interfaces: laggs first (a VLAN or
 *                                              bridge may sit on one), bridges last (their
 *                                              members must exist when `addm` runs).
 *   vlans_igb0="100 dmz0"                      childif_create, right after igb0 is configured:
 *   create_args_dmz0="vlan 200"                `100` → igb0.100; a name → `vlandev igb0` + its args
 *   static_routes="office" route_office="…"   rc.d/routing, after every interface
 *   ipv6_static_routes / ipv6_route_<name>
 *
 * The interface lines themselves (ifconfig_<if>, _ipv6, _aliasN) are the interfaces' own
 * (NetworkInterface._rcKeys), derived in the plan once every alias is known.
 */

const CLONE_ORDER: InterfaceKind[] = [InterfaceKind.LAGG, InterfaceKind.EPAIR, InterfaceKind.BRIDGE];

/** @internal The keys, grouped by the construct they stand for (named in conflicts). */
export function networkKeys(host: IConstruct, ifaces: readonly NetworkInterface[], routes: readonly StaticRoute[]): Array<{ owner: IConstruct; keys: KeySetting[] }> {
  const out: Array<{ owner: IConstruct; keys: KeySetting[] }> = [];
  const cloned = CLONE_ORDER.flatMap((kind) => ifaces.filter((i) => i.kind === kind))
    .map((i) => (i.kind === InterfaceKind.EPAIR ? (i as EpairInterface).pairName : i.name));
  const hostKeys: KeySetting[] = [];
  if (cloned.length > 0) hostKeys.push({ key: 'cloned_interfaces', value: cloned.join(' ') });

  // vlans_<parent>: one key per parent, its VLANs in the order added.
  const byParent = new Map<string, VlanInterface[]>();
  for (const i of ifaces) {
    if (i.kind !== InterfaceKind.VLAN) continue;
    const v = i as VlanInterface;
    if (typeof v.parent !== 'string') continue;
    byParent.set(v.parent, [...(byParent.get(v.parent) ?? []), v]);
  }
  for (const [parent, vlans] of byParent) {
    hostKeys.push({ key: `vlans_${rcInterfaceName(parent)}`, value: vlans.map((v) => (v.conventionalName ? String(v.vlanId) : v.name)).join(' ') });
    for (const v of vlans) {
      if (!v.conventionalName) out.push({ owner: v, keys: [{ key: `create_args_${v.rcName}`, value: `vlan ${v.vlanId}` }] });
    }
  }

  for (const [family, listKey, prefix] of [[AddressFamily.IPV4, 'static_routes', 'route_'], [AddressFamily.IPV6, 'ipv6_static_routes', 'ipv6_route_']] as const) {
    // A route whose props were rejected renders nothing (its error says why): no follow-on.
    const list = routes.filter((r) => r.family === family && ROUTE_NAME.test(r.name) && r._routeArgs() !== undefined);
    if (list.length === 0) continue;
    hostKeys.push({ key: listKey, value: list.map((r) => r.name).join(' ') });
    for (const r of list) out.push({ owner: r, keys: [{ key: `${prefix}${r.name}`, value: r._routeArgs()! }] });
  }
  return [{ owner: host, keys: hostKeys }, ...out];
}
