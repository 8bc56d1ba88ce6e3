/**
 * The plain internal model of one pf.conf, as `renderPfConf` renders it.
 *
 * Internal: not exported from lib/index.ts, so ordinary TypeScript (unions, literal types) is
 * fine here. `PfRuleset` builds one model per target host; everything in it is validated and
 * canonical already (addresses in canonical text, ports as numbers), so the renderer only
 * decides syntax, layout and order.
 */

/** A trailing comment: which construct (path) wrote or implied a line, and why. */
export interface Commented {
  /** Rendered as `  # <comment>` after the statement. Omitted: no comment. */
  readonly comment?: string;
}

/** `name = "value"`. */
export interface PfMacroModel extends Commented {
  /** Letters, digits and `_`, starting with a letter. */
  readonly name: string;
  /** The value, rendered inside double quotes. */
  readonly value: string;
}

/** `table <name> [persist] [const] [counters] [file "…"] [{ addresses }]`. */
export interface PfTableModel extends Commented {
  readonly name: string;
  readonly persist: boolean;
  readonly const: boolean;
  /** Omitted: false. */
  readonly counters?: boolean;
  /** `file "path"`. Omitted: none. */
  readonly file?: string;
  /** Canonical addresses or prefixes, in the author's order. Empty: no `{ }` (a reload keeps what pf added). */
  readonly addresses: string[];
}

/** An option line, without the leading `set ` (e.g. `block-policy drop`, `skip on lo`). */
export interface PfOptionModel extends Commented {
  readonly text: string;
}

/** A normalization line (e.g. `scrub in all`), written as given. */
export interface PfScrubModel extends Commented {
  readonly text: string;
}

/** A queueing line (`altq …`), written as given. */
export interface PfLineModel extends Commented {
  readonly text: string;
}

/**
 * A translation rule (FreeBSD 14 syntax): `nat|rdr|binat [pass] [log] on <if> [af] [proto …]
 * from … [port …] to … [port …] -> <target> [port …] [options]`.
 */
export interface PfTranslationModel extends Commented {
  readonly kind: 'nat' | 'rdr' | 'binat';
  readonly pass: boolean;
  readonly log: boolean;
  /** Interface specs as written (`$ext_if`). */
  readonly interfaces: string[];
  readonly af?: 'inet' | 'inet6';
  readonly protocols: string[];
  /** Empty: any. */
  readonly from: string[];
  readonly fromPorts: PfPortModel[];
  /** Empty: any. */
  readonly to: string[];
  readonly toPorts: PfPortModel[];
  /** The address after `->` (`192.0.2.5`, `($ext_if)`). */
  readonly target: string;
  /** The port after the target (`8080`, `1000:*`). Omitted: none. */
  readonly targetPort?: string;
  /** Pool options after the target (`static-port`). */
  readonly options: string[];
}

/** A port operand: a single port, or an inclusive range `from:to`. */
export interface PfPortModel {
  readonly from: number;
  /** Omitted: a single port. */
  readonly to?: number;
}

/** State tracking of a rule. Omitted on the rule: pf's default (`keep state` for pass). */
export interface PfStateModel {
  readonly kind: 'keep' | 'modulate' | 'synproxy' | 'no';
  /** State options, rendered in parentheses (`no-sync`, `max 100`, `sloppy`, `if-bound` …). */
  readonly options: string[];
}

/** One filter rule (`antispoof` renders `antispoof [log] [quick] for <interfaces>`). */
export interface PfRuleModel extends Commented {
  readonly action: 'pass' | 'block' | 'antispoof';
  /** Omitted: both directions. */
  readonly direction?: 'in' | 'out';
  readonly log: boolean;
  readonly quick: boolean;
  /** Interface specs, already spelled as written (`$ext_if`, `vtnet1`). Empty: any interface. */
  readonly interfaces: string[];
  /** Omitted: both families. */
  readonly af?: 'inet' | 'inet6';
  /** Protocol names (`tcp`, `udp`, `icmp`, `icmp6`, `carp`, `pfsync`). Empty: any. */
  readonly protocols: string[];
  /** Source hosts, as written (`2003:…::/60`, `<mgmt>`, `self`, `$vip4`). Empty: any. */
  readonly from: string[];
  readonly fromPorts: PfPortModel[];
  /** Destination hosts, as `from`. Empty: any. */
  readonly to: string[];
  readonly toPorts: PfPortModel[];
  /** `icmp-type` operand: names, or one `$macro`. */
  readonly icmpTypes: string[];
  /** `icmp6-type` operand: names, or one `$macro`. */
  readonly icmp6Types: string[];
  readonly state?: PfStateModel;
  /** `label "…"`. */
  readonly label?: string;
}

/** One whole pf.conf, its sections in the order pfctl requires. */
export interface PfConfModel {
  readonly macros: PfMacroModel[];
  readonly tables: PfTableModel[];
  readonly options: PfOptionModel[];
  readonly normalization: PfScrubModel[];
  readonly queueing: PfLineModel[];
  readonly translation: PfTranslationModel[];
  readonly filter: PfRuleModel[];
}
