/**
 * What the pf.conf grammar checker reads a statement into: plain data, close to parse.y's
 * nonterminals (fromto, ipspec, portspec, filter_opts, state_opt_list, redirpool, pool_opts …),
 * with macros and lists expanded. Hosts and ports keep a canonical text for assertions.
 *
 * Internal to lib/testing (not exported from lib/index.ts); PfConfView turns it into its views.
 */

/** An address family: '' when not given. */
export type GAf = '' | 'inet' | 'inet6';

/** One host of an ipspec (`10.0.0.0/8`, `<t>`, `(em0:network)`, `self`, `no-route` …). */
export interface GHost {
  /** Canonical text without the `!` (`10.0.0.0/8`, `<t>`, `(em0)`, `10.0.0.1 - 10.0.0.9`). */
  readonly text: string;
  readonly not: boolean;
  readonly type: 'addr' | 'range' | 'table' | 'dynif' | 'noroute' | 'urpf' | 'ifname';
  readonly af: GAf;
  /** The prefix length when one was written. */
  readonly bits?: number;
  /** parse.y DYNIF_MULTIADDR: `(if)` that may stand for several addresses. */
  readonly multiaddr?: boolean;
}

/** One port item: `80`, `1000:2000`, `> 1023`, `6000 >< 6010`. */
export interface GPort {
  readonly text: string;
  /** `=`, `!=`, `<`, `<=`, `>`, `>=`, `><`, `<>` or `:` (a range). */
  readonly op: string;
  readonly from: number;
  readonly to?: number;
}

/** A side of fromto: hosts (empty: any) and ports (empty: any). */
export interface GEndpoint {
  readonly hosts: GHost[];
  readonly ports: GPort[];
}

/** parse.y fromto. */
export interface GFromTo {
  readonly all: boolean;
  readonly from: GEndpoint;
  readonly to: GEndpoint;
  readonly os: string[];
}

/** An interface of `on …` (or of `for …` in antispoof: `(if)` when dynamic). */
export interface GInterface {
  readonly name: string;
  readonly not: boolean;
}

/** The state options of a rule (parse.y state_opt_item), each as pf.conf writes it too. */
export interface GStateOpts {
  max?: number;
  noSync?: boolean;
  maxSrcStates?: number;
  maxSrcConn?: number;
  maxSrcConnRate?: { connections: number; seconds: number };
  overload?: { table: string; flush: boolean; global: boolean };
  maxSrcNodes?: number;
  /** `rule`, `global`, or '' for a bare `source-track`. */
  sourceTrack?: string;
  /** `if-bound` or `floating`. */
  statePolicy?: string;
  sloppy?: boolean;
  pflow?: boolean;
  timeouts: Record<string, number>;
  /** Each option as written, canonical (`max-src-conn-rate 10/5`). */
  words: string[];
}

/** A filter rule (parse.y pfrule). */
export interface GFilterRule {
  readonly kind: 'filter';
  readonly line: number;
  action: 'pass' | 'block' | 'match';
  /** `drop`, `return`, `return-rst`, `return-icmp`, `return-icmp6`. */
  blockPolicy?: string;
  direction?: 'in' | 'out';
  log: boolean;
  logOpts: string[];
  quick: boolean;
  interfaces: GInterface[];
  route?: { type: string; hosts: string[]; pool: GPoolOpts };
  af: GAf;
  protocols: string[];
  fromto: GFromTo;
  flags?: string;
  icmpTypes: string[];
  icmp6Types: string[];
  state?: { kind: 'keep' | 'modulate' | 'synproxy' | 'no'; opts: GStateOpts };
  labels: string[];
  tag?: string;
  tagged?: { name: string; not: boolean };
  queue: string[];
  rtable?: number;
  allowOpts: boolean;
  fragment: boolean;
  /** Every other option as written (`user`, `group`, `prio`, `set prio`, `probability` …). */
  other: string[];
}

/** parse.y pool_opts. */
export interface GPoolOpts {
  /** `bitmask`, `random`, `source-hash`, `round-robin`. */
  type?: string;
  key?: string;
  staticPort: boolean;
  stickyAddress: boolean;
  mapEPortset?: string;
}

/** A translation rule (parse.y natrule / binatrule). */
export interface GTranslation {
  readonly kind: 'translation';
  readonly line: number;
  type: 'nat' | 'rdr' | 'binat';
  no: boolean;
  pass: boolean;
  log: boolean;
  interfaces: GInterface[];
  af: GAf;
  protocols: string[];
  fromto: GFromTo;
  tag?: string;
  tagged?: { name: string; not: boolean };
  rtable?: number;
  redirect?: { hosts: GHost[]; port?: string };
  pool: GPoolOpts;
}

/** Everything else, with what views need. */
export interface GOther {
  readonly kind: 'macro' | 'table' | 'option' | 'scrub' | 'queue' | 'ether' | 'antispoof' | 'anchor' | 'load' | 'include';
  readonly line: number;
  /** A few fields, depending on the kind (table: name, persist …, antispoof: interfaces …). */
  readonly data: Record<string, unknown>;
}

export type GStatement = GFilterRule | GTranslation | GOther;

/** One error, as pfctl would report it (`pf.conf:LINE: message`). */
export interface GError {
  readonly line: number;
  /** The token the error is about (the offending one for a syntax error). '' at the end of the file. */
  readonly token: string;
  readonly message: string;
  readonly kind: 'syntax' | 'order' | 'macro' | 'semantic' | 'lexical';
  /** For an order error: which section came after which (`translation after filtering`). */
  readonly context?: string;
}

/** The `set` options, read. */
export interface GSettings {
  blockPolicy?: string;
  failPolicy?: string;
  statePolicy?: string;
  skip: string[];
  limits: Record<string, number>;
  timeouts: Record<string, number>;
  loginterface?: string;
  optimization?: string;
  rulesetOptimization?: string;
  debug?: string;
  hostid?: number;
  fingerprints?: string;
  reassemble?: { enabled: boolean; noDf: boolean };
  requireOrder?: boolean;
  syncookies?: { mode: string; start?: number; end?: number };
  keepCounters?: boolean;
  stateDefaults?: GStateOpts;
}
