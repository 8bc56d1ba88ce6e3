import { Construct } from 'constructs';
import { Diagnostics, checkInt } from '../core/diagnostics';
import { AddressFamily, InterfaceAddress, IpAddress } from '../net/address';
import type { CarpCluster } from './carp-cluster';
import { checkInit, constructId } from '../core/private/check-props';

/**
 * Properties of a CARP virtual host (a vhid and its addresses).
 */
export interface CarpVipProps {
  /** The virtual host id, 1–255, unique on the network segment. */
  readonly vhid: number;
  /**
   * IPv4 virtual addresses, with or without a prefix length (`10.1.60.200/32` or `10.1.60.200`,
   * which means /32).
   * @default - none
   */
  readonly ipv4?: string[];
  /**
   * IPv6 virtual addresses, with or without a prefix length (`fd5e:d1c2:c9de:60::200/128` or
   * without, which means /128).
   * @default - none
   */
  readonly ipv6?: string[];
}

/** @internal One parsed VIP address with the prefix length it is configured with. */
export interface VipAddress {
  readonly address: IpAddress;
  readonly prefixLength: number;
}

/**
 * A CARP virtual host: a vhid carrying one or more IPv4 and/or IPv6 addresses that fail over
 * together between the members of its cluster. Create it with `cluster.addVip(id, props)`.
 * Other constructs (HAProxy binds, PF rules) take it by reference.
 *
 * @example
 * const vip = cluster.addVip('Web', { vhid: 1, ipv4: ['192.0.2.50/32'], ipv6: ['2001:db8::50'] });
 * proxy.addFrontend('fe_web', { vips: [vip] });
 */
export class CarpVip extends Construct {
  /** The virtual host id. */
  public readonly vhid: number;
  /** The cluster this VIP belongs to. */
  public readonly cluster: CarpCluster;
  /** @internal */
  public readonly _addresses: VipAddress[] = [];

  /** @internal Use `CarpCluster.addVip`. */
  constructor(cluster: CarpCluster, id: string, props: CarpVipProps) {
    super(cluster, constructId(cluster, id));
    checkInit(this, 'cdkbsd.CarpVip', props);
    this.cluster = cluster;
    this.vhid = props.vhid;
    checkInt(this, 'vhid', props.vhid, 1, 255);
    this.parse(props.ipv4 ?? [], AddressFamily.IPV4);
    this.parse(props.ipv6 ?? [], AddressFamily.IPV6);
    if (this._addresses.length === 0 && (props.ipv4 ?? []).length + (props.ipv6 ?? []).length === 0) {
      Diagnostics.error(this, 'VIP has no address', { value: `vhid ${props.vhid}`, allowed: 'at least one IPv4 or IPv6 address' });
    }
  }

  private parse(list: string[], family: AddressFamily): void {
    const label = family === AddressFamily.IPV4 ? 'ipv4' : 'ipv6';
    if (!Array.isArray(list)) {
      Diagnostics.error(this, `${label} must be a list of addresses`, { value: String(list), allowed: 'a list of strings' });
      return;
    }
    for (const text of list) {
      const p = Diagnostics.tryParse(this, `VIP address in ${label}`, () =>
        String(text).includes('/') ? InterfaceAddress.parse(String(text)) : undefined) ;
      const bare = String(text).includes('/') ? undefined : Diagnostics.tryParse(this, `VIP address in ${label}`, () => IpAddress.parse(String(text)));
      const address = p ? p.address : bare;
      if (!address) continue;
      if (address.family !== family) {
        Diagnostics.error(this, `${label} holds an address of the other family`, { value: String(text), allowed: family === AddressFamily.IPV4 ? 'IPv4 addresses' : 'IPv6 addresses' });
        continue;
      }
      if (address.isLinkLocal) {
        Diagnostics.error(this, 'A VIP cannot be a link-local address', { value: String(text), allowed: 'a global or ULA address' });
        continue;
      }
      if (this._addresses.some((a) => a.address.sameAs(address))) {
        Diagnostics.error(this, 'VIP address is listed twice', { value: String(text), allowed: 'each address once' });
        continue;
      }
      this._addresses.push({ address, prefixLength: p ? p.prefixLength : address.isIpv4 ? 32 : 128 });
    }
  }

  /** Every address of this VIP, IPv4 first, in the order given. */
  public get addresses(): IpAddress[] {
    return [
      ...this._addresses.filter((a) => a.address.isIpv4),
      ...this._addresses.filter((a) => !a.address.isIpv4),
    ].map((a) => a.address);
  }

  /** The IPv4 addresses (canonical text). */
  public get ipv4Addresses(): string[] {
    return this.addresses.filter((a) => a.isIpv4).map((a) => a.text);
  }

  /** The IPv6 addresses (canonical text). */
  public get ipv6Addresses(): string[] {
    return this.addresses.filter((a) => !a.isIpv4).map((a) => a.text);
  }

  /** @internal The addresses with their configured prefix lengths, IPv4 first. */
  public get _configured(): VipAddress[] {
    return [...this._addresses.filter((a) => a.address.isIpv4), ...this._addresses.filter((a) => !a.address.isIpv4)];
  }
}
