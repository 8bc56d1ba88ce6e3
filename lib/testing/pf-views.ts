/**
 * The parts of PfConfView read by the grammar checker: translation rules, state options,
 * antispoof, `set` options, and the filter-rule options beyond the line reader's.
 */
import { GFilterRule, GHost, GInterface, GOther, GSettings, GStateOpts, GTranslation } from './pf-grammar/ast';

/** `max-src-conn-rate connections/seconds`. */
export interface PfConnRateView {
  /** The number of connections… */
  readonly connections: number;
  /** …allowed within this many seconds. */
  readonly seconds: number;
}

/** `overload <table> [flush [global]]`. */
export interface PfOverloadView {
  /** The table, without `<` `>`. */
  readonly table: string;
  /** Whether the source's states are flushed (`flush`). */
  readonly flush: boolean;
  /** Whether every state of the source is flushed, whichever rule made it (`flush global`). */
  readonly global: boolean;
}

/** The state options of a rule (`keep state (…)`), read into values. */
export interface PfStateOptionsView {
  /**
   * `max N`.
   * @default - no limit
   */
  readonly max?: number;
  /** `no-sync`. */
  readonly noSync: boolean;
  /**
   * `max-src-states N`.
   * @default - no limit
   */
  readonly maxSrcStates?: number;
  /**
   * `max-src-conn N`.
   * @default - no limit
   */
  readonly maxSrcConn?: number;
  /**
   * `max-src-conn-rate N/S`.
   * @default - no limit
   */
  readonly maxSrcConnRate?: PfConnRateView;
  /**
   * `overload <table> …`.
   * @default - none
   */
  readonly overload?: PfOverloadView;
  /**
   * `max-src-nodes N`.
   * @default - no limit
   */
  readonly maxSrcNodes?: number;
  /**
   * `source-track`: `rule`, `global`, or `''` when written bare.
   * @default - no source tracking option
   */
  readonly sourceTrack?: string;
  /**
   * `if-bound` or `floating`.
   * @default - the ruleset's state-policy
   */
  readonly statePolicy?: string;
  /** `sloppy`. */
  readonly sloppy: boolean;
  /** `pflow`. */
  readonly pflow: boolean;
  /** Per-rule timeouts (`tcp.established 600`), by name. */
  readonly timeouts: { [name: string]: number };
}

/** `route-to` / `reply-to` / `dup-to` / `fastroute` of a rule. */
export interface PfRouteView {
  /** `route-to`, `reply-to`, `dup-to` or `fastroute`. */
  readonly type: string;
  /** The route hosts (`em1`, `(em1 10.0.0.1)`). */
  readonly hosts: string[];
  /**
   * The pool type (`round-robin` …).
   * @default - none written
   */
  readonly poolType?: string;
}

/** A translation rule (`nat`, `rdr`, `binat`, and their `no` forms), read into its parts. */
export interface PfTranslationView {
  /** `nat`, `rdr` or `binat`. */
  readonly kind: string;
  /** Whether it is a `no nat` / `no rdr` / `no binat`. */
  readonly no: boolean;
  /** `pass`: translated packets skip the filter rules. */
  readonly pass: boolean;
  /** `log`. */
  readonly log: boolean;
  /** Interfaces after `on` (`!` kept as a prefix). Empty: any. */
  readonly interfaces: string[];
  /**
   * `inet` or `inet6`.
   * @default - not written
   */
  readonly af?: string;
  /** Protocols. Empty: any. */
  readonly protocols: string[];
  /** Source hosts (`!` kept as a prefix). Empty: any. */
  readonly from: string[];
  /** Source ports, as PfRuleView's. */
  readonly fromPorts: string[];
  /** Destination hosts. Empty: any. */
  readonly to: string[];
  /** Destination ports. */
  readonly toPorts: string[];
  /** The translation addresses after `->` (`1.2.3.4`, `(em0)`, `<pool>`). Empty for `no …`. */
  readonly targets: string[];
  /**
   * The port after `-> … port` (`8080`, `1000:2000`, `1000:*`), as written.
   * @default - none
   */
  readonly targetPort?: string;
  /**
   * `bitmask`, `random`, `source-hash` or `round-robin`.
   * @default - none written
   */
  readonly poolType?: string;
  /** `sticky-address`. */
  readonly stickyAddress: boolean;
  /** `static-port`. */
  readonly staticPort: boolean;
  /**
   * `tag` name.
   * @default - none
   */
  readonly tag?: string;
  /**
   * `tagged` name (`!name` when negated).
   * @default - none
   */
  readonly tagged?: string;
  /** 1-based line number. */
  readonly line: number;
}

/** An `antispoof` statement. */
export interface PfAntispoofView {
  /** The interfaces after `for` (`(em0)` when dynamic). */
  readonly interfaces: string[];
  /** `log`. */
  readonly log: boolean;
  /** `quick`. */
  readonly quick: boolean;
  /**
   * `inet` or `inet6`.
   * @default - both
   */
  readonly af?: string;
  /** Labels. */
  readonly labels: string[];
  /** 1-based line number. */
  readonly line: number;
}

/** The `set` options of a pf.conf, read into values. */
export interface PfSettingsView {
  /**
   * `set block-policy`: `drop` or `return`.
   * @default - not set (drop)
   */
  readonly blockPolicy?: string;
  /**
   * `set fail-policy`: `drop` or `return`.
   * @default - not set (drop)
   */
  readonly failPolicy?: string;
  /**
   * `set state-policy`: `if-bound` or `floating`.
   * @default - not set (floating)
   */
  readonly statePolicy?: string;
  /** Interfaces of `set skip on …`. */
  readonly skip: string[];
  /** `set limit …` by name (`states`, `src-nodes`, `frags`, `table-entries`). */
  readonly limits: { [name: string]: number };
  /** `set timeout …` by name (`tcp.established`, `interval` …). */
  readonly timeouts: { [name: string]: number };
  /**
   * `set loginterface`: an interface, or `none`.
   * @default - not set
   */
  readonly loginterface?: string;
  /**
   * `set optimization`.
   * @default - not set (normal)
   */
  readonly optimization?: string;
  /**
   * `set ruleset-optimization`: `none`, `basic` or `profile`.
   * @default - not set (basic)
   */
  readonly rulesetOptimization?: string;
  /**
   * `set debug`: `none`, `urgent`, `misc` or `loud`.
   * @default - not set
   */
  readonly debug?: string;
  /**
   * `set hostid`.
   * @default - not set (random)
   */
  readonly hostid?: number;
  /**
   * `set fingerprints`: the file.
   * @default - not set
   */
  readonly fingerprints?: string;
  /**
   * `set reassemble yes|no`.
   * @default - not set
   */
  readonly reassemble?: boolean;
  /** `set reassemble … no-df`. */
  readonly reassembleNoDf: boolean;
  /**
   * `set require-order`.
   * @default - not set (yes)
   */
  readonly requireOrder?: boolean;
  /**
   * `set syncookies never|adaptive|always`.
   * @default - not set
   */
  readonly syncookies?: string;
  /**
   * `set syncookies adaptive (start N%)`.
   * @default - not set
   */
  readonly syncookiesStart?: number;
  /**
   * `set syncookies adaptive (end N%)`.
   * @default - not set
   */
  readonly syncookiesEnd?: number;
  /** `set keepcounters`. */
  readonly keepCounters: boolean;
  /**
   * `set state-defaults …`.
   * @default - not set
   */
  readonly stateDefaults?: PfStateOptionsView;
}

const hostText = (h: GHost) => `${h.not ? '!' : ''}${h.text}`;
const ifText = (i: GInterface) => `${i.not ? '!' : ''}${i.name}`;

/** @internal */
export function stateOptionsView(o: GStateOpts | undefined): PfStateOptionsView {
  return {
    max: o?.max, noSync: o?.noSync ?? false, maxSrcStates: o?.maxSrcStates, maxSrcConn: o?.maxSrcConn,
    maxSrcConnRate: o?.maxSrcConnRate ? { ...o.maxSrcConnRate } : undefined, overload: o?.overload ? { ...o.overload } : undefined,
    maxSrcNodes: o?.maxSrcNodes, sourceTrack: o?.sourceTrack, statePolicy: o?.statePolicy, sloppy: o?.sloppy ?? false,
    pflow: o?.pflow ?? false, timeouts: { ...(o?.timeouts ?? {}) },
  };
}

/** @internal */
export function translationView(t: GTranslation): PfTranslationView {
  return {
    kind: t.type, no: t.no, pass: t.pass, log: t.log, interfaces: t.interfaces.map(ifText), af: t.af || undefined, protocols: t.protocols,
    from: t.fromto.from.hosts.map(hostText), fromPorts: t.fromto.from.ports.map((x) => x.text),
    to: t.fromto.to.hosts.map(hostText), toPorts: t.fromto.to.ports.map((x) => x.text),
    targets: t.redirect?.hosts.map(hostText) ?? [], targetPort: t.redirect?.port, poolType: t.pool.type,
    stickyAddress: t.pool.stickyAddress, staticPort: t.pool.staticPort, tag: t.tag,
    tagged: t.tagged ? `${t.tagged.not ? '!' : ''}${t.tagged.name}` : undefined, line: t.line,
  };
}

/** @internal */
export function antispoofView(s: GOther): PfAntispoofView {
  const d = s.data as { log: boolean; quick: boolean; interfaces: string[]; af: string; labels: string[] };
  return { interfaces: d.interfaces, log: d.log, quick: d.quick, af: d.af || undefined, labels: d.labels, line: s.line };
}

/** @internal */
export function settingsView(s: GSettings): PfSettingsView {
  return {
    blockPolicy: s.blockPolicy, failPolicy: s.failPolicy, statePolicy: s.statePolicy, skip: [...s.skip], limits: { ...s.limits },
    timeouts: { ...s.timeouts }, loginterface: s.loginterface, optimization: s.optimization, rulesetOptimization: s.rulesetOptimization,
    debug: s.debug, hostid: s.hostid, fingerprints: s.fingerprints, reassemble: s.reassemble?.enabled, reassembleNoDf: s.reassemble?.noDf ?? false,
    requireOrder: s.requireOrder, syncookies: s.syncookies?.mode, syncookiesStart: s.syncookies?.start, syncookiesEnd: s.syncookies?.end,
    keepCounters: s.keepCounters ?? false, stateDefaults: s.stateDefaults ? stateOptionsView(s.stateDefaults) : undefined,
  };
}

/** @internal The filter-rule fields the grammar reads (defaults when it could not read the rule). */
export function ruleExtras(g: GFilterRule | undefined): {
  stateOpts: PfStateOptionsView; labels: string[]; logOptions: string[]; flags?: string; tag?: string; tagged?: string; queue: string[];
  rtable?: number; allowOpts: boolean; fragment: boolean; route?: PfRouteView; options: string[];
} {
  return {
    stateOpts: stateOptionsView(g?.state?.opts), labels: g?.labels ?? [], logOptions: g?.logOpts ?? [], flags: g?.flags, tag: g?.tag,
    tagged: g?.tagged ? `${g.tagged.not ? '!' : ''}${g.tagged.name}` : undefined, queue: g?.queue ?? [], rtable: g?.rtable,
    allowOpts: g?.allowOpts ?? false, fragment: g?.fragment ?? false,
    route: g?.route ? { type: g.route.type, hosts: g.route.hosts, poolType: g.route.pool.type } : undefined, options: g?.other ?? [],
  };
}
