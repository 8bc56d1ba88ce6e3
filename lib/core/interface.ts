import { Construct, IConstruct } from 'constructs';
import type { AliasLine, KeySetting } from './contribution';
import { Diagnostics } from './diagnostics';
import { AddressFamily, InterfaceAddress } from '../net/address';
import { INTERFACE_NAME, INTERFACE_NAME_ALLOWED, rcInterfaceName } from '../net/names';
import { checkInit, constructId } from './private/check-props';

/**
 * Addresses of one network interface of a host.
 */
export interface NetworkInterfaceProps {
  /**
   * The IPv4 address with its on-link prefix length, e.g. `10.1.60.201/24`
   * (rendered as `ifconfig_<if>="inet 10.1.60.201/24"`). For several IPv4 addresses use
   * `ipv4Addresses` instead (not both).
   * @default - no IPv4 address
   */
  readonly ipv4?: string;
  /**
   * Several IPv4 addresses with their prefix lengths. The first is the interface's main address
   * (`ifconfig_<if>="inet …"`); the others become alias lines (`ifconfig_<if>_aliasN="inet …"`),
   * in this order, before any CARP address. Use either `ipv4` or this, not both.
   * @default - the address of `ipv4`, if any
   */
  readonly ipv4Addresses?: string[];
  /**
   * IPv6 addresses with prefix lengths. The first is the interface's main IPv6 address
   * (`ifconfig_<if>_ipv6`); the others (e.g. a ULA) become alias lines, in this order.
   * @default - no IPv6 address
   */
  readonly ipv6?: string[];
}

/** What kind of interface a `NetworkInterface` is: how FreeBSD's rc.d brings it into being. */
export enum InterfaceKind {
  /** An interface the kernel has at boot: a NIC (`igb0`, `vtnet0`) or one handed to a VNET jail (`vnet0`, `epair0b`). */
  PHYSICAL = 'physical',
  /** An 802.1Q VLAN on a parent interface, created by rc.d from `vlans_<parent>`. */
  VLAN = 'vlan',
  /** A link aggregation (lagg(4)), created from `cloned_interfaces`. */
  LAGG = 'lagg',
  /** A bridge (if_bridge(4)), created from `cloned_interfaces`. */
  BRIDGE = 'bridge',
  /** The `a` end of an epair(4), created from `cloned_interfaces` (the `b` end goes to a VNET jail). */
  EPAIR = 'epair',
}

/** @internal What the plan knows of an interface (plain values). */
export interface InterfaceFacts {
  readonly name: string;
  /** The rc.conf spelling of the name (`igb0.100` → `igb0_100`). */
  readonly rcName: string;
  readonly kind: InterfaceKind;
  /** The first IPv4 address. */
  readonly ipv4?: InterfaceAddress;
  readonly ipv4Addresses: InterfaceAddress[];
  readonly ipv6: InterfaceAddress[];
  /** Every address, IPv4 first. */
  readonly addresses: InterfaceAddress[];
  /** The interfaces this one is made of: a VLAN's parent, a lagg's ports, a bridge's members. */
  readonly dependsOn: string[];
}

/**
 * A network interface of a `FreeBsdHost` (`vtnet0`, `em0`, a VNET jail's `vnet0` …), with its
 * addresses. Create it with `host.addInterface(name, props)`; VLANs, laggs, bridges and epairs
 * with `host.addVlan`, `addLagg`, `addBridge` and `addEpair`.
 *
 * @example
 * host.addInterface('vtnet0', { ipv4Addresses: ['192.0.2.10/24', '198.51.100.10/24'], ipv6: ['2001:db8::10/64'] });
 */
export class NetworkInterface extends Construct {
  /** The interface name as FreeBSD knows it. */
  public readonly name: string;
  /** The first IPv4 address, if any (undefined also when it did not parse, which is reported). */
  public readonly ipv4?: InterfaceAddress;
  /** Every IPv4 address, main one first. */
  public readonly ipv4Addresses: InterfaceAddress[];
  /** The IPv6 addresses, main one first. */
  public readonly ipv6: InterfaceAddress[];

  /**
   * Prefer `host.addInterface(name, props)`, which also reports an interface added twice. Made
   * with `new`, the interface joins the host that is its scope just the same.
   * @param scope the FreeBsdHost
   * @param name the FreeBSD interface name, also the construct id
   */
  constructor(scope: Construct, name: string, props: NetworkInterfaceProps) {
    super(scope, constructId(scope, name));
    checkInit(this, 'cdkbsd.NetworkInterface', props);
    this.name = name;
    if (typeof name !== 'string' || !INTERFACE_NAME.test(name)) {
      Diagnostics.error(this, 'Interface name is not valid', { value: String(name), allowed: INTERFACE_NAME_ALLOWED });
    }
    props = props ?? {};
    if (props.ipv4 !== undefined && props.ipv4Addresses !== undefined) {
      Diagnostics.error(this, 'ipv4 and ipv4Addresses are both given', { value: `${props.ipv4} and ${JSON.stringify(props.ipv4Addresses)}`, allowed: 'either ipv4 (one address) or ipv4Addresses (a list)' });
    }
    this.ipv4Addresses = this.parseList(props.ipv4 !== undefined ? [props.ipv4] : props.ipv4Addresses, AddressFamily.IPV4, props.ipv4 !== undefined ? 'ipv4' : 'ipv4Addresses');
    this.ipv4 = this.ipv4Addresses[0];
    this.ipv6 = this.parseList(props.ipv6, AddressFamily.IPV6, 'ipv6');
    // Joins its host (FreeBsdHost._adopt), however it was made.
    const host = scope as unknown as { _adopt?: (i: NetworkInterface) => void };
    if (typeof host._adopt === 'function') host._adopt(this);
  }

  /** What kind of interface this is. */
  public get kind(): InterfaceKind {
    return InterfaceKind.PHYSICAL;
  }

  private parseList(list: string[] | undefined, family: AddressFamily, prop: string): InterfaceAddress[] {
    const v4 = family === AddressFamily.IPV4;
    const example = v4 ? '10.1.60.201/24' : '2001:db8::1/64';
    const out: InterfaceAddress[] = [];
    if (list === undefined) return out;
    if (!Array.isArray(list)) {
      Diagnostics.error(this, `${prop} must be a list of addresses`, { value: String(list), allowed: `a list such as ['${example}']` });
      return out;
    }
    for (const text of list) {
      const a = Diagnostics.tryParse(this, `${v4 ? 'IPv4' : 'IPv6'} address`, () => InterfaceAddress.parse(text));
      if (!a) continue;
      if (a.family !== family) {
        Diagnostics.error(this, `${prop} holds an ${v4 ? 'IPv6' : 'IPv4'} address`, { value: text, allowed: `an ${v4 ? 'IPv4' : 'IPv6'} address with prefix length, e.g. ${example}` });
        continue;
      }
      if (out.some((x) => x.address.sameAs(a.address))) {
        Diagnostics.error(this, `${v4 ? 'IPv4' : 'IPv6'} address is listed twice`, { value: text, allowed: 'each address once' });
        continue;
      }
      out.push(a);
    }
    return out;
  }

  /** The rc.conf spelling of the name (`vtnet0.100` → `vtnet0_100`). */
  public get rcName(): string {
    return rcInterfaceName(this.name);
  }

  /** Every address of the interface (IPv4 first). */
  public get addresses(): InterfaceAddress[] {
    return [...this.ipv4Addresses, ...this.ipv6];
  }

  /** @internal The interfaces this one is made of (a VLAN's parent, a lagg's ports, a bridge's members). */
  public _dependsOn(): string[] {
    return [];
  }

  /** @internal The kind's own ifconfig parameters (`laggproto lacp laggport igb0 …`, `addm em0 …`). */
  public _ifconfigParams(): string[] {
    return [];
  }

  /** @internal The interface's facts for the plan. */
  public _facts(): InterfaceFacts {
    return {
      name: this.name, rcName: this.rcName, kind: this.kind, ipv4: this.ipv4, ipv4Addresses: [...this.ipv4Addresses],
      ipv6: [...this.ipv6], addresses: this.addresses, dependsOn: this._dependsOn(),
    };
  }

  /**
   * @internal The rc.conf lines of this interface: its own addresses, then the aliases other
   * constructs contributed (sorted), numbered `_alias0`, `_alias1`, … without a gap, as rc.d
   * reads them (network.subr's ifalias_af_common walks the numbers in order).
   */
  public _rcKeys(aliases: ReadonlyArray<AliasLine & { owner: IConstruct }>): Array<{ owner: IConstruct; k: KeySetting }> {
    const n = this.rcName;
    const out: Array<{ owner: IConstruct; k: KeySetting }> = [];
    if (typeof this.name !== 'string' || !INTERFACE_NAME.test(this.name)) return out; // reported at construction
    const own = (key: string, value: string) => out.push({ owner: this, k: { key, value } });
    const params = this._ifconfigParams();
    // ifconfig takes the address family first, then the address and the kind's parameters in
    // any order; without an IPv4 address, `up` (rc.d also brings up a configured interface).
    if (this.ipv4) own(`ifconfig_${n}`, ['inet', this.ipv4.toString(), ...params].join(' '));
    else if (params.length > 0 || this.ipv6.length === 0) own(`ifconfig_${n}`, [...params, 'up'].join(' '));
    if (this.ipv6.length > 0) own(`ifconfig_${n}_ipv6`, `inet6 ${this.ipv6[0].toString()}`);
    let k = 0;
    for (const extra of this.ipv4Addresses.slice(1)) own(`ifconfig_${n}_alias${k++}`, `inet ${extra.toString()}`);
    for (const extra of this.ipv6.slice(1)) own(`ifconfig_${n}_alias${k++}`, `inet6 ${extra.toString()}`);
    for (const a of aliases) out.push({ owner: a.owner, k: { key: `ifconfig_${n}_alias${k++}`, value: a.value, secret: a.secret } });
    return out;
  }
}
