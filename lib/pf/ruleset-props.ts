import { ITargetHosts } from '../core/host';
import { PfTimeouts } from './timeouts';
import { Icmp6Type, IcmpType, PfBlockPolicy, PfStatePolicy } from './types';

/**
 * Who may reach SSH (and the management services: HAProxy's stats page, metrics) on one
 * interface: the admins' networks, as they arrive at the host.
 */
export interface PfManagementAccess {
  /** Source prefixes (or single addresses), both families may be mixed. */
  readonly from: string[];
  /**
   * The interface the admins' traffic arrives on. It must exist on every target host.
   * @default - derived per prefix from each host's addresses: the interface whose on-link
   *   prefix overlaps it (an error when none does; then name the interface)
   */
  readonly interfaceName?: string;
}

/**
 * How one construct's openings are rendered instead of as derived: narrower or wider sources,
 * other interfaces. Used with `PfRuleset.overrideOpening`.
 */
export interface PfOpeningOverride {
  /**
   * Allowed source prefixes (or single addresses) instead of the owner's. Both families may be
   * mixed (each rule keeps those of its destination's family).
   * @default - the owner's sources (any, unless the owner restricts them)
   */
  readonly from?: string[];
  /**
   * Interfaces the traffic may arrive on, instead of the interface where the service's
   * addresses live. Each must exist on every target host.
   * @default - the interface of the service's addresses
   */
  readonly interfaceNames?: string[];
}

/**
 * Kernel limits of pf (`set limit { … }`).
 */
export interface PfLimits {
  /**
   * The most states (`states`).
   * @default - pf's default (`pfctl -s memory` shows it)
   */
  readonly states?: number;
  /**
   * The most source-tracking entries (`src-nodes`).
   * @default - pf's default (`pfctl -s memory` shows it)
   */
  readonly srcNodes?: number;
  /**
   * The most packet fragments waiting for reassembly (`frags`).
   * @default - pf's default
   */
  readonly frags?: number;
  /**
   * The most addresses in all tables together (`table-entries`).
   * @default - pf's default (`pfctl -s memory` shows it)
   */
  readonly tableEntries?: number;
}

/**
 * Properties of a PF ruleset.
 */
export interface PfRulesetProps {
  /** The hosts that get this /etc/pf.conf: one host, or every member of a cluster. */
  readonly target: ITargetHosts;
  /** The external interface (`vnet0`, `vtnet0` …), written as a macro. It must exist on every target host. */
  readonly externalInterface: string;
  /**
   * The name of the external interface's macro.
   * @default 'ext_if'
   */
  readonly externalInterfaceMacro?: string;
  /**
   * What block rules do (`set block-policy`).
   * @default PfBlockPolicy.DROP
   */
  readonly blockPolicy?: PfBlockPolicy;
  /**
   * Interfaces (or interface groups) pf does not filter (`set skip on …`).
   * @default ['lo'] - the loopback group
   */
  readonly skipInterfaces?: string[];
  /**
   * Whether to normalise incoming packets (`scrub in all`, which reassembles fragments).
   * @default true
   */
  readonly scrub?: boolean;
  /**
   * Whether the default policy blocks everything inbound (`block in all`) before the pass rules.
   * @default true
   */
  readonly defaultBlockIn?: boolean;
  /**
   * Whether the default block rule logs (`block in log all`), which turns on `pflog_enable`.
   * @default true
   */
  readonly logBlocked?: boolean;
  /**
   * Whether everything outbound passes (`pass out all`, keeping state for the replies).
   * @default true
   */
  readonly passOut?: boolean;
  /**
   * Prefixes (or single addresses) allowed to reach SSH on the external interface. Both
   * families may be mixed. The shorthand of a `management` entry on the external interface.
   * @default - none (a warning says the default block locks you out, unless `management` or a
   *   rule of your own passes the SSH port)
   */
  readonly sshFrom?: string[];
  /**
   * Who may reach SSH and the management services, per interface (admin networks behind
   * another interface than the external one). Each entry is one pass rule per interface.
   * @default - only `sshFrom`
   */
  readonly management?: PfManagementAccess[];
  /**
   * The SSH port.
   * @default 22
   */
  readonly sshPort?: number;
  /**
   * Whether to pass the ICMP (IPv4) types of `icmpTypes` in, on hosts with an IPv4 address.
   * @default true
   */
  readonly allowIcmp?: boolean;
  /**
   * The ICMP types passed in, as the `icmp_types` macro.
   * @default [ECHOREQ, UNREACH, TIMEX, PARAMPROB]
   */
  readonly icmpTypes?: IcmpType[];
  /**
   * Whether to pass the ICMPv6 types of `icmp6Types` in, on hosts with IPv6. IPv6 does not work
   * without neighbour discovery: turning this off without a rule of your own that passes it is
   * an error.
   * @default true
   */
  readonly allowIcmp6?: boolean;
  /**
   * The ICMPv6 types passed in, as the `icmp6_types` macro.
   * @default [UNREACH, TOOBIG, TIMEX, PARAMPROB, ECHOREQ, NEIGHBRSOL, NEIGHBRADV, ROUTERSOL, ROUTERADV]
   */
  readonly icmp6Types?: Icmp6Type[];
  /**
   * Whether to pass CARP (`proto carp`, in and out, quick, no-sync) for every CARP cluster the
   * host is a member of, and pfsync on the interface a cluster syncs on (`CarpCluster` `pfsync`).
   * @default true
   */
  readonly allowCarp?: boolean;
  /**
   * Whether to pass what services on the hosts need: every opening other constructs contribute
   * (HAProxy frontends' bind addresses and ports, the stats page, HAProxy peers …), each as wide
   * as the service. `false` renders none of them except those `overrideOpening` names; to leave
   * out one service only, use `omitOpening`.
   * @default true
   */
  readonly allowServices?: boolean;
  /**
   * The name of the macro for the interface pfsync runs on (when a cluster of the host syncs).
   * @default 'sync_if'
   */
  readonly pfsyncInterfaceMacro?: string;
  /**
   * Whether to block spoofed sources on every interface with an address
   * (`antispoof quick for { … }`): packets claiming an address of an interface's network that
   * arrive on another interface, and packets from the host's own addresses.
   * @default false
   */
  readonly antispoof?: boolean;
  /**
   * Kernel limits (`set limit { states …, src-nodes …, frags …, table-entries … }`).
   * @default - pf's defaults
   */
  readonly limits?: PfLimits;
  /**
   * Timeouts for every state (`set timeout { … }`). Rules may set their own.
   * @default - pf's defaults
   */
  readonly timeouts?: PfTimeouts;
  /**
   * Where states match by default (`set state-policy if-bound|floating`).
   * @default - pf's default (floating)
   */
  readonly statePolicy?: PfStatePolicy;
  /**
   * The interface pf collects statistics for (`set loginterface`, `pfctl -s info`). It must
   * exist on every target host.
   * @default - none
   */
  readonly logInterface?: string;
}
