import { Icmp6Type, IcmpType } from '../types';

/** Every ICMP type name pfctl accepts after `icmp-type`. */
export const ICMP_TYPE_NAMES: readonly string[] = Object.values(IcmpType);
/** Every ICMPv6 type name pfctl accepts after `icmp6-type` (plus listenrepv2 of newer pfctl). */
export const ICMP6_TYPE_NAMES: readonly string[] = [...Object.values(Icmp6Type), 'listenrepv2'];

/** The ICMPv6 types IPv6 cannot work without (neighbour discovery). */
export const ICMP6_ND_TYPES: readonly Icmp6Type[] = [Icmp6Type.NEIGHBRSOL, Icmp6Type.NEIGHBRADV];

/** Default ICMP types passed in: ping, and the errors TCP and path MTU discovery need. */
export const DEFAULT_ICMP_TYPES: readonly IcmpType[] = [IcmpType.ECHOREQ, IcmpType.UNREACH, IcmpType.TIMEX, IcmpType.PARAMPROB];

/** Default ICMPv6 types passed in: what IPv6 needs to work (RFC 4890's must-not-drop set) plus ping. */
export const DEFAULT_ICMP6_TYPES: readonly Icmp6Type[] = [
  Icmp6Type.UNREACH, Icmp6Type.TOOBIG, Icmp6Type.TIMEX, Icmp6Type.PARAMPROB, Icmp6Type.ECHOREQ,
  Icmp6Type.NEIGHBRSOL, Icmp6Type.NEIGHBRADV, Icmp6Type.ROUTERSOL, Icmp6Type.ROUTERADV,
];
