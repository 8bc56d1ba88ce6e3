import { Construct, IConstruct } from 'constructs';
import type { AliasLine, KeySetting } from './contribution';
import { Diagnostics } from './diagnostics';
import { AddressFamily, InterfaceAddress } from '../net/address';
import { INTERFACE_NAME, INTERFACE_NAME_ALLOWED, rcInterfaceName } from '../net/names';

/**
 * Addresses of one network interface of a host.
 */
export interface NetworkInterfaceProps {
  /**
   * The IPv4 address with its on-link prefix length, e.g. `10.1.60.201/24`
   * (rendered as `ifconfig_<if>="inet 10.1.60.201/24"`).
   * @default - no IPv4 address
   */
  readonly ipv4?: string;
  /**
   * IPv6 addresses with prefix lengths. The first is the interface's main IPv6 address
   * (`ifconfig_<if>_ipv6`); the others (e.g. a ULA) become alias lines, in this order.
   * @default - no IPv6 address
   */
  readonly ipv6?: string[];
}

/** @internal What the plan knows of an interface (plain values). */
export interface InterfaceFacts {
  readonly name: string;
  /** The rc.conf spelling of the name (`igb0.100` → `igb0_100`). */
  readonly rcName: string;
  readonly ipv4?: InterfaceAddress;
  readonly ipv6: InterfaceAddress[];
  /** Every address, IPv4 first. */
  readonly addresses: InterfaceAddress[];
}

/**
 * A network interface of a `FreeBsdHost` (`vtnet0`, `em0`, a VNET jail's `vnet0` …), with its
 * addresses. Create it with `host.addInterface(name, props)`.
 */
export class NetworkInterface extends Construct {
  /** The interface name as FreeBSD knows it. */
  public readonly name: string;
  /** The IPv4 address, if any (undefined also when it did not parse; the error is reported). */
  public readonly ipv4?: InterfaceAddress;
  /** The IPv6 addresses, main one first. */
  public readonly ipv6: InterfaceAddress[];

  /** @internal Use `FreeBsdHost.addInterface`. */
  constructor(scope: Construct, name: string, props: NetworkInterfaceProps) {
    super(scope, name);
    this.name = name;
    if (typeof name !== 'string' || !INTERFACE_NAME.test(name)) {
      Diagnostics.error(this, 'Interface name is not valid', { value: String(name), allowed: INTERFACE_NAME_ALLOWED });
    }
    if (props.ipv4 !== undefined) {
      const a = Diagnostics.tryParse(this, 'IPv4 address', () => InterfaceAddress.parse(props.ipv4!));
      if (a && a.family !== AddressFamily.IPV4) {
        Diagnostics.error(this, 'ipv4 holds an IPv6 address', { value: props.ipv4, allowed: 'an IPv4 address with prefix length, e.g. 10.1.60.201/24' });
      } else {
        this.ipv4 = a;
      }
    }
    this.ipv6 = [];
    if (props.ipv6 !== undefined && !Array.isArray(props.ipv6)) {
      Diagnostics.error(this, 'ipv6 must be a list of addresses', { value: String(props.ipv6), allowed: "a list such as ['2001:db8::1/64']" });
    }
    for (const text of Array.isArray(props.ipv6) ? props.ipv6 : []) {
      const a = Diagnostics.tryParse(this, 'IPv6 address', () => InterfaceAddress.parse(text));
      if (!a) continue;
      if (a.family !== AddressFamily.IPV6) {
        Diagnostics.error(this, 'ipv6 holds an IPv4 address', { value: text, allowed: 'an IPv6 address with prefix length, e.g. 2001:db8::1/64' });
        continue;
      }
      if (this.ipv6.some((x) => x.address.sameAs(a.address))) {
        Diagnostics.error(this, 'IPv6 address is listed twice', { value: text, allowed: 'each address once' });
        continue;
      }
      this.ipv6.push(a);
    }
  }

  /** The rc.conf spelling of the name (`vtnet0.100` → `vtnet0_100`). */
  public get rcName(): string {
    return rcInterfaceName(this.name);
  }

  /** Every address of the interface (IPv4 first). */
  public get addresses(): InterfaceAddress[] {
    return [...(this.ipv4 ? [this.ipv4] : []), ...this.ipv6];
  }

  /** @internal The interface's facts for the plan. */
  public _facts(): InterfaceFacts {
    return { name: this.name, rcName: this.rcName, ipv4: this.ipv4, ipv6: [...this.ipv6], addresses: this.addresses };
  }

  /**
   * @internal The rc.conf lines of this interface: its own addresses, then the aliases other
   * constructs contributed (sorted), numbered `_alias0`, `_alias1`, … as rc.d reads them.
   */
  public _rcKeys(aliases: ReadonlyArray<AliasLine & { owner: IConstruct }>): Array<{ owner: IConstruct; k: KeySetting }> {
    const n = this.rcName;
    const out: Array<{ owner: IConstruct; k: KeySetting }> = [];
    const own = (key: string, value: string) => out.push({ owner: this, k: { key, value } });
    if (this.ipv4) own(`ifconfig_${n}`, `inet ${this.ipv4.toString()}`);
    else if (this.ipv6.length === 0) own(`ifconfig_${n}`, 'up');
    if (this.ipv6.length > 0) own(`ifconfig_${n}_ipv6`, `inet6 ${this.ipv6[0].toString()}`);
    let k = 0;
    for (const extra of this.ipv6.slice(1)) own(`ifconfig_${n}_alias${k++}`, `inet6 ${extra.toString()}`);
    for (const a of aliases) out.push({ owner: a.owner, k: { key: `ifconfig_${n}_alias${k++}`, value: a.value, secret: a.secret } });
    return out;
  }
}
