/**
 * Where addresses live on a host, read from its plan: the interface of an own address, of a CARP
 * VIP (an alias line of the plan), or of the on-link prefix that contains an address.
 *
 * Internal (not exported from lib/index.ts).
 */
import type { HostPlan } from '../../core/plan';
import { AddressFamily, IpAddress, IpPrefix } from '../../net/address';

/** The interface `address` lives on (own address, then a VIP alias, then the on-link prefix that holds it). */
export function interfaceOfAddress(plan: HostPlan, address: IpAddress): string | undefined {
  for (const i of plan.interfaces) {
    if (i.addresses.some((a) => a.address.sameAs(address))) return i.name;
  }
  for (const [name, lines] of plan.aliases) {
    // Alias lines carry their address in canonical text, as IpAddress.text is.
    if (lines.some((l) => l.address === address.text)) return name;
  }
  let best: { name: string; len: number } | undefined;
  for (const i of plan.interfaces) {
    for (const a of i.addresses) {
      if (a.family === address.family && a.contains(address) && (!best || a.prefixLength > best.len)) best = { name: i.name, len: a.prefixLength };
    }
  }
  return best?.name;
}

/**
 * The interface whose on-link prefix overlaps `prefix` (the most specific one), i.e. where
 * traffic from that network arrives when the network is directly attached.
 */
export function interfaceOfPrefix(plan: HostPlan, prefix: IpPrefix): string | undefined {
  const net = IpAddress._tryParse(prefix.networkAddress);
  if (!net) return undefined;
  let best: { name: string; len: number } | undefined;
  for (const i of plan.interfaces) {
    for (const a of i.addresses) {
      if (a.family !== prefix.family || a.address.isLinkLocal) continue;
      const overlaps = a.contains(net) || prefix.contains(a.address);
      if (overlaps && (!best || a.prefixLength > best.len)) best = { name: i.name, len: a.prefixLength };
    }
  }
  return best?.name;
}

/** Whether the host forwards packets of each family (gateway_enable / ipv6_gateway_enable). */
export function routes(plan: HostPlan): { inet: boolean; inet6: boolean } {
  const yes = (key: string) => plan.rcConf.some((k) => k.key === key && /^(yes|true|on|1)$/i.test(k.value));
  return { inet: yes('gateway_enable'), inet6: yes('ipv6_gateway_enable') };
}

/** The family of an address text, or undefined. */
export function familyOf(text: string): AddressFamily | undefined {
  return IpAddress._tryParse(text)?.family;
}

/** A prefix as pf.conf writes it: a host prefix as the bare address. */
export function prefixText(p: IpPrefix): string {
  return p.prefixLength === (p.family === AddressFamily.IPV4 ? 32 : 128) ? p.networkAddress : p.toString();
}
