import type { IReporter } from '../diagnostics';
import type { FreeBsdHost } from '../host';
import { InterfaceKind, NetworkInterface } from '../interface';
import type { LaggInterface } from '../lagg';
import type { BridgeInterface } from '../bridge';
import type { EpairInterface } from '../epair';
import type { StaticRoute } from '../routes';
import type { VlanInterface } from '../vlan';
import { IpAddress } from '../../net/address';

/*
 * Tree-wide checks of a host's networking: what one interface's props cannot know alone
 * (parents, ports and members exist and are of the right kind, addresses are unique, routes
 * and link-local gateways are reachable). Every error names the value and what is allowed.
 */

interface Problem { readonly message: string; readonly value: string; readonly allowed: string }

/** @internal Runs every check of `host`'s interfaces and routes. */
export function validateHostNetwork(host: FreeBsdHost, r: IReporter): void {
  const ifaces = host.interfaces;
  const byName = new Map(ifaces.map((i) => [i.name, i]));
  const names = () => ifaces.map((i) => i.name).join(', ') || '(none)';
  const report = (p: Problem | undefined) => p && r.error(p.message, { value: p.value, allowed: p.allowed });

  // Which lagg owns a port, which bridge a member.
  const portOf = new Map<string, LaggInterface>();
  const memberOf = new Map<string, BridgeInterface>();
  for (const i of ifaces) {
    if (i.kind === InterfaceKind.LAGG) {
      const lagg = i as LaggInterface;
      for (const p of lagg.ports) {
        const prev = portOf.get(p);
        if (prev && prev !== lagg) r.error(`Interface ${p} is a port of both ${prev.name} and ${lagg.name}`, { value: p, allowed: 'each port in one lagg' });
        else portOf.set(p, lagg);
      }
    } else if (i.kind === InterfaceKind.BRIDGE) {
      const bridge = i as BridgeInterface;
      for (const m of bridge.members) {
        const prev = memberOf.get(m);
        if (prev && prev !== bridge) r.error(`Interface ${m} is a member of both ${prev.name} and ${bridge.name}`, { value: m, allowed: 'each interface in one bridge' });
        else memberOf.set(m, bridge);
      }
    }
  }

  const vlanTags = new Map<string, VlanInterface>();
  for (const i of ifaces) {
    switch (i.kind) {
      case InterfaceKind.VLAN: {
        const v = i as VlanInterface;
        if (typeof v.parent !== 'string' || v.parent === '') break;
        const parent = byName.get(v.parent);
        if (!parent) {
          r.error(`VLAN ${v.name}: the host has no parent interface ${v.parent}`, { value: v.parent, allowed: `an interface of ${host.hostname}: ${names()}` });
          break;
        }
        if (parent.kind !== InterfaceKind.PHYSICAL && parent.kind !== InterfaceKind.LAGG) {
          r.error(`VLAN ${v.name}: its parent ${v.parent} is a ${parent.kind}`, { value: v.parent, allowed: 'a physical interface or a lagg' });
        }
        const lagg = portOf.get(v.parent);
        if (lagg) r.error(`VLAN ${v.name}: its parent ${v.parent} is a port of ${lagg.name}, which takes its traffic`, { value: v.parent, allowed: `the lagg itself: parent '${lagg.name}'` });
        const key = `${v.parent}|${v.vlanId}`;
        const prev = vlanTags.get(key);
        if (prev) r.error(`VLAN ${v.name}: ${prev.name} already has tag ${v.vlanId} on ${v.parent}`, { value: String(v.vlanId), allowed: 'one VLAN per tag and parent' });
        else vlanTags.set(key, v);
        break;
      }
      case InterfaceKind.LAGG:
        for (const p of (i as LaggInterface).ports) report(portProblem(i as LaggInterface, p, byName.get(p), memberOf.has(p), names));
        break;
      case InterfaceKind.BRIDGE:
        for (const m of (i as BridgeInterface).members) {
          if (m === i.name) continue; // reported by the bridge itself
          const member = byName.get(m);
          if (!member) r.error(`Bridge ${i.name}: the host has no member interface ${m}`, { value: m, allowed: `an interface of ${host.hostname}: ${names()}` });
          else if (portOf.has(m)) r.error(`Bridge ${i.name}: ${m} is a port of ${portOf.get(m)!.name}`, { value: m, allowed: `the lagg itself: '${portOf.get(m)!.name}'` });
          else if (member.kind === InterfaceKind.BRIDGE) r.error(`Bridge ${i.name}: ${m} is a bridge`, { value: m, allowed: 'physical interfaces, VLANs, laggs and epairs' });
          else if (member.addresses.length > 0) {
            r.warning(`Bridge member ${m} has addresses of its own: if_bridge(4) wants them on the bridge (recent FreeBSD refuses them on members by default)`, { value: member.addresses.map((a) => a.toString()).join(', '), allowed: `the addresses on ${i.name}` });
          }
        }
        break;
      case InterfaceKind.EPAIR: {
        const peer = (i as EpairInterface).peerName;
        if (byName.has(peer)) {
          r.error(`${peer} is the other end of ${(i as EpairInterface).pairName}, created on this host: as an interface of the host it would stop rc.d from creating the pair`, { value: peer, allowed: `give ${peer} to the VNET jail's FreeBsdHost (jail.addInterface('${peer}', …))` });
        }
        break;
      }
      default:
        break;
    }
  }

  // One address, one interface.
  const owner = new Map<string, NetworkInterface>();
  for (const i of ifaces) {
    for (const a of i.addresses) {
      const prev = owner.get(a.address.text);
      if (prev && prev !== i) r.error(`Address ${a.address.text} is on both ${prev.name} and ${i.name}`, { value: a.toString(), allowed: 'each address on one interface of the host' });
      else owner.set(a.address.text, i);
    }
  }

  if (host.ipv6DefaultRouter) report(zoneProblem(host, 'ipv6DefaultRouter', host.ipv6DefaultRouter, host.ipv6DefaultRouterZone));
  validateRoutes(host, host.routes, byName, names, r);
}

function portProblem(lagg: LaggInterface, p: string, port: NetworkInterface | undefined, bridged: boolean, names: () => string): Problem | undefined {
  if (!port) return { message: `lagg ${lagg.name}: the host has no port interface ${p}`, value: p, allowed: `a physical interface of the host (add it with addInterface('${p}')): ${names()}` };
  if (port.kind !== InterfaceKind.PHYSICAL) return { message: `lagg ${lagg.name}: port ${p} is a ${port.kind}`, value: p, allowed: 'physical interfaces' };
  if (port.addresses.length > 0) {
    return { message: `lagg ${lagg.name}: port ${p} has addresses of its own; a lagg port carries no address`, value: port.addresses.map((a) => a.toString()).join(', '), allowed: `no address on ${p}; put them on ${lagg.name}` };
  }
  if (bridged) return { message: `lagg ${lagg.name}: port ${p} is also a bridge member`, value: p, allowed: `bridge the lagg (${lagg.name}) instead` };
  return undefined;
}

/**
 * @internal Whether a gateway (with its zone) can be used on `host`: a link-local gateway needs
 * the zone, the zone an interface of the host on which rc.d enables IPv6.
 */
export function zoneProblem(host: FreeBsdHost, what: string, gw: IpAddress, zone: string | undefined): Problem | undefined {
  const v6 = host.interfaces.filter((i) => i.ipv6.length > 0).map((i) => i.name);
  if (!gw.isLinkLocal) return undefined;
  if (zone === undefined) {
    const example = `${gw.text}%${v6[0] ?? 'vtnet0'}`;
    return { message: `${what} ${gw.text} is link-local: FreeBSD needs the interface it is reached on`, value: gw.text, allowed: `${gw.text}%<interface>, e.g. ${example}` };
  }
  const iface = host.findInterface(zone);
  if (!iface) return { message: `${what}: zone ${zone} is not an interface of the host`, value: `${gw.text}%${zone}`, allowed: `an interface of ${host.hostname}: ${host.interfaces.map((i) => i.name).join(', ') || '(none)'}` };
  if (iface.ipv6.length === 0) {
    return { message: `${what}: interface ${zone} has no IPv6 address, so rc.d leaves IPv6 disabled on it (ifdisabled) and the router is unreachable`, value: `${gw.text}%${zone}`, allowed: `an interface with an IPv6 address (${v6.join(', ') || 'none yet: add ipv6 to it'})` };
  }
  return undefined;
}

function validateRoutes(host: FreeBsdHost, routes: StaticRoute[], byName: Map<string, NetworkInterface>, names: () => string, r: IReporter): void {
  const ifaces = [...byName.values()];
  const byDest = new Map<string, StaticRoute>();
  for (const route of routes) {
    const rr: IReporter = { error: (m, d) => r.error(`Route ${route.name}: ${m}`, d), warning: (m, d) => r.warning(`Route ${route.name}: ${m}`, d) };
    const d = route.destination;
    if (d) {
      const prev = byDest.get(d.toString());
      if (prev) rr.error(`destination ${d.toString()} is also routed by ${prev.name}`, { value: d.toString(), allowed: 'one route per destination' });
      else byDest.set(d.toString(), route);
      const onLink = ifaces.find((i) => i.addresses.some((a) => a.network.toString() === d.toString()));
      if (onLink) rr.error(`${d.toString()} is the on-link network of ${onLink.name}: the kernel routes it already (route add would fail: File exists)`, { value: d.toString(), allowed: 'a network not attached to the host' });
    }
    if (route.interfaceName !== undefined && !byName.has(route.interfaceName)) {
      rr.error(`the host has no interface ${route.interfaceName}`, { value: route.interfaceName, allowed: `an interface of ${host.hostname}: ${names()}` });
    }
    const gw = route.gateway;
    if (!gw) continue;
    const zp = zoneProblem(host, 'gateway', gw, route.gatewayZone);
    if (zp) rr.error(zp.message, { value: zp.value, allowed: zp.allowed });
    if (gw.isLinkLocal) continue;
    if (ifaces.some((i) => i.addresses.some((a) => a.address.sameAs(gw)))) {
      rr.error(`gateway ${gw.text} is an address of the host itself`, { value: gw.text, allowed: 'the address of the next router' });
      continue;
    }
    const viaIface = routes.some((o) => o !== route && o.interfaceName !== undefined && o.destination?.contains(gw));
    if (!viaIface && !ifaces.some((i) => i.addresses.some((a) => a.family === gw.family && a.contains(gw)))) {
      const prefixes = ifaces.flatMap((i) => i.addresses.filter((a) => a.family === gw.family).map((a) => `${a.network.toString()} (${i.name})`));
      rr.error(`gateway ${gw.text} is not on-link: no interface has a prefix containing it (FreeBSD does not resolve a gateway through another route)`, { value: gw.text, allowed: `an address inside ${prefixes.join(' or ') || `a ${gw.isIpv4 ? 'IPv4' : 'IPv6'} prefix of an interface (add one)`}` });
    }
  }
}
