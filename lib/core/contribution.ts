import { IConstruct } from 'constructs';
import type { FileTarget, FreeBsdHost } from './host';
import type { HostPlan } from './plan';
import type { IReporter } from './diagnostics';

/*
 * The plain data that flows through a synth (see docs/architecture.md):
 *
 *   construct ──_contribute()──▶ HostContribution[] ──App──▶ HostPlan per host ──renderers──▶ text
 *
 * A contribution says what one construct wants one host to receive. It holds values, never
 * callbacks into the tree: renderers receive the finished plan of their host and nothing else.
 * Everything here is internal (not exported from lib/index.ts).
 */

/** @internal A key of rc.conf, sysctl.conf or loader.conf. */
export interface KeySetting {
  readonly key: string;
  readonly value: string;
  /** Whether the value carries a secret (never shown in errors, the file becomes 0600). */
  readonly secret?: boolean;
  /** Whether the user set it explicitly (`host.rcConf.set`), named so in conflict errors. */
  readonly explicit?: boolean;
}

/** @internal An extra address line on an interface (`ifconfig_<if>_aliasN`), e.g. a CARP VIP. */
export interface AliasLine {
  readonly interfaceName: string;
  /** `inet` or `inet6`. */
  readonly family: 'inet' | 'inet6';
  /** The whole value of the rc.conf line, e.g. `inet vhid 1 advskew 0 pass … alias 10.1.60.200/32`. */
  readonly value: string;
  /** Sort key among contributed aliases of the interface (own addresses always come first). */
  readonly sortKey: number[];
  /** The address the line adds (canonical text), for cross-checks. */
  readonly address: string;
  readonly secret?: boolean;
  /** The construct the line stands for (e.g. the CarpVip), named in conflicts. @default the contribution's owner */
  readonly owner?: IConstruct;
}

/** @internal A file a host receives: where, how, and a pure renderer of the host's plan. */
export interface PlannedFile {
  readonly path: string;
  readonly mode: number;
  readonly secret: boolean;
  readonly target: FileTarget;
  /** The construct named in the file's header and the manifest. */
  readonly owner: IConstruct;
  /** The model the renderer reads (for tests and tools that inspect it). */
  readonly model?: unknown;
  /** Pure: renders the file from its model and the host's finished plan. Never reads the tree. */
  readonly render: (plan: HostPlan) => string;
}

/** @internal Transport of an opening. */
export type OpeningProtocol = 'tcp' | 'udp' | 'carp' | 'pfsync';

/**
 * @internal Traffic a service needs to let in, as narrow as the service: the firewall renders
 * each opening as one pass rule, and knows nothing else about the service.
 */
export interface FirewallOpening {
  /** The construct that needs it (named in the rule's comment). */
  readonly owner: IConstruct;
  /** What it is for, e.g. `HAProxy frontend fe_web`. */
  readonly purpose: string;
  readonly protocol: OpeningProtocol;
  /** Destination ports, sorted and unique (empty for carp and pfsync). */
  readonly ports: number[];
  /**
   * Destination addresses (canonical). Empty, or an unspecified address (`0.0.0.0`, `::`, a
   * bind on every address): the host itself (pf `self`), on `interfaceName` when given. PF
   * renders each address on the interface it lives on (own address, CARP VIP, on-link prefix).
   */
  readonly to: string[];
  /** Allowed source prefixes (canonical). Empty: any source. */
  readonly from: string[];
  /** Sources refused although `from` allows them (a deny list). Rendered as a block rule after the pass. */
  readonly exceptFrom?: string[];
  /** Only the firewall's management allow-list may use it (stats page, metrics). */
  readonly fromManagement?: boolean;
  /** The interface the traffic arrives on, when the service knows it. */
  readonly interfaceName?: string;
  /** Protocols that must pass in and out before anything can block them (CARP, pfsync). */
  readonly bothWays?: boolean;
}

/** @internal An app-level file (under the output folder, not a host's), e.g. the deploy playbook. */
export interface AppFile {
  readonly path: string;
  readonly mode?: number;
  readonly owner: IConstruct;
  readonly render: () => string;
}

/** @internal What one construct contributes to one host. */
export interface HostContribution {
  readonly host: FreeBsdHost;
  readonly owner: IConstruct;
  readonly rcConf?: KeySetting[];
  readonly sysctlConf?: KeySetting[];
  readonly loaderConf?: KeySetting[];
  readonly aliases?: AliasLine[];
  readonly files?: PlannedFile[];
  readonly openings?: FirewallOpening[];
  /** rc.d services the host runs because of this construct (e.g. `haproxy`, `pf`). */
  readonly services?: string[];
  /** Packages the deploy installs (FreeBSD pkg names). */
  readonly packages?: string[];
  /** Commands the deploy runs on the host, around the start of its services. */
  readonly commands?: DeployCommands;
}

/** @internal Commands the deploy runs on a host (absolute paths and plain words only). */
export interface DeployCommands {
  /** Before the services are (re)started, e.g. a placeholder certificate HAProxy needs to start. */
  readonly beforeServices?: string[];
  /** Once the services run, e.g. the first ACME issuance; a failure is reported, not fatal. */
  readonly afterServices?: string[];
}

/** @internal What one synth offers the constructs taking part in it. */
export interface SynthContext {
  /** Every construct of the tree, in pre-order (walked once per synth). */
  readonly constructs: readonly IConstruct[];
  /**
   * A value derived from the whole tree once per synth (e.g. every HAProxy by host, for a file
   * that one host receives once). It lives in this context and dies with the synth: the tree
   * does not change while it runs, so nothing has to be invalidated.
   */
  index<T>(name: string, compute: () => T): T;
}

/** @internal The plans of every host of an app, in hostname order. */
export interface PlanSet extends SynthContext {
  readonly plans: HostPlan[];
  /** The plan of `host`, or undefined for a host outside the app. */
  planOf(host: FreeBsdHost): HostPlan | undefined;
}

/**
 * @internal A construct that takes part in the synth beyond validation. Every method is
 * optional; the App calls them in pipeline order on every construct of the tree that has them.
 */
export interface IContributor extends IConstruct {
  /** Step 2: what this construct gives each host it serves, as plain data. */
  _contribute?(ctx: SynthContext): HostContribution[];
  /** Step 4: checks over the finished plans (e.g. openings against the firewall). */
  _checkPlans?(plans: PlanSet, report: IReporter): void;
  /** App-level files, rendered from the finished plans (deploy playbook, diagram). */
  _appFiles?(plans: PlanSet): AppFile[];
}

/** @internal Ports sorted and unique. Anything not a port is left out (reported by its owner). */
export function sortedPorts(ps: readonly number[]): number[] {
  return [...new Set(ps.filter((p) => Number.isInteger(p) && p >= 1 && p <= 65535))].sort((a, b) => a - b);
}
