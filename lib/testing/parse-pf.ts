import { parsePfGrammar, PfGrammarError } from './pf-grammar';
import { GFilterRule, GOther, GTranslation } from './pf-grammar/ast';
import { BaseRule, logicalLines, readRule, readTable, tokenize } from './pf-reader';
import { antispoofView, PfAntispoofView, PfRouteView, PfSettingsView, PfStateOptionsView, PfTranslationView, ruleExtras, settingsView, translationView } from './pf-views';

export { PfGrammar, PfGrammarError } from './pf-grammar';
export { PfAntispoofView, PfConnRateView, PfOverloadView, PfRouteView, PfSettingsView, PfStateOptionsView, PfTranslationView } from './pf-views';

/**
 * A statement of pf.conf with the line it starts on.
 */
export interface PfStatementView {
  /** The statement after macro expansion, comments removed, on one line. */
  readonly text: string;
  /** 1-based line number where it starts. */
  readonly line: number;
  /**
   * The trailing comment, without `#`.
   * @default - none
   */
  readonly comment?: string;
}

/**
 * An option line (`set block-policy drop`).
 */
export interface PfOptionView {
  /** The option name (`block-policy`, `skip`, `limit` …). */
  readonly name: string;
  /** The rest of the line (`drop`, `on lo`). */
  readonly value: string;
  /** 1-based line number. */
  readonly line: number;
}

/**
 * A table definition (`table <name> const { … }`).
 */
export interface PfTableView {
  /** The name, without `<` `>`. */
  readonly name: string;
  /** Flags such as `const`, `persist`, `counters`. */
  readonly flags: string[];
  /** The addresses, macros and lists expanded. */
  readonly addresses: string[];
  /** 1-based line number. */
  readonly line: number;
  /** `persist`: the table stays when no rule refers to it. */
  readonly persist: boolean;
  /** `const`: pfctl cannot change its addresses. */
  readonly constant: boolean;
  /** `counters`: per-address counters. */
  readonly counters: boolean;
  /** Files of `file "…"`, in order. */
  readonly files: string[];
  /** Whether the definition sets the content (`{ … }`, `{ }` or `file`), emptying the table on reload. */
  readonly initialized: boolean;
}

/**
 * A problem found while reading pf.conf: what pfctl would reject (order, undefined macro) or
 * what this reader did not understand.
 */
export interface PfProblemView {
  /** 1-based line number. */
  readonly line: number;
  /** What is wrong. */
  readonly message: string;
}

/**
 * One filter rule (`pass`, `block`, `match`, `antispoof`, `anchor`), read into its parts, with
 * macros and `{ }` lists expanded, tables as `<name>` and service-name ports as numbers.
 */
export interface PfRuleView {
  /** `pass`, `block`, `match`, `antispoof` or `anchor`. */
  readonly action: string;
  /**
   * The block policy of the rule (`drop`, `return` …).
   * @default - the global one
   */
  readonly blockPolicy?: string;
  /**
   * `in` or `out`.
   * @default - both directions
   */
  readonly direction?: string;
  /** Whether the rule logs. */
  readonly log: boolean;
  /** Whether the rule is quick. */
  readonly quick: boolean;
  /** Interfaces after `on` (macros expanded). Empty: any. */
  readonly interfaces: string[];
  /**
   * `inet` or `inet6`.
   * @default - both
   */
  readonly af?: string;
  /** Protocols after `proto`. Empty: any. */
  readonly protocols: string[];
  /** Source hosts (`!` kept as a prefix of negated ones). Empty: any. */
  readonly from: string[];
  /** Source ports: numbers, `a:b` ranges or `op n` (`> 1024`). */
  readonly fromPorts: string[];
  /** Destination hosts. Empty: any. */
  readonly to: string[];
  /** Destination ports, as `fromPorts`. */
  readonly toPorts: string[];
  /** `icmp-type` names (with `code x` appended when given). */
  readonly icmpTypes: string[];
  /** `icmp6-type` names. */
  readonly icmp6Types: string[];
  /**
   * `keep`, `modulate`, `synproxy` or `no`.
   * @default - not written (pf's default)
   */
  readonly state?: string;
  /** State options in parentheses (`no-sync`, `max 100` …). */
  readonly stateOptions: string[];
  /**
   * The label.
   * @default - none
   */
  readonly label?: string;
  /**
   * The trailing comment, without `#`.
   * @default - none
   */
  readonly comment?: string;
  /** 1-based line number. */
  readonly line: number;
  /** The expanded statement. */
  readonly text: string;
  /** Words this reader did not understand (empty when the whole rule was read). */
  readonly unparsed: string[];
  /** The state options read into values (all unset when the rule has none). */
  readonly stateOpts: PfStateOptionsView;
  /** Every label (pf allows five). */
  readonly labels: string[];
  /** The options of `log (…)` (`all`, `user`, `to pflog1`). */
  readonly logOptions: string[];
  /**
   * `flags` (`S/SA`, `any`).
   * @default - not written (pf's default S/SA on stateful rules)
   */
  readonly flags?: string;
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
  /** `queue` names (the second is the priority queue). */
  readonly queue: string[];
  /**
   * `rtable` number.
   * @default - none
   */
  readonly rtable?: number;
  /** `allow-opts`. */
  readonly allowOpts: boolean;
  /** `fragment`. */
  readonly fragment: boolean;
  /**
   * `route-to` / `reply-to` / `dup-to`.
   * @default - none
   */
  readonly route?: PfRouteView;
  /** The other filter options as written (`user …`, `prio 3`, `set prio 2`, `probability 10%` …). */
  readonly options: string[];
}


/**
 * A pf.conf read back into structured data, for tests and for users asserting on their own
 * firewall. Every text is checked against FreeBSD 14's pfctl grammar (PfGrammar: section order,
 * undefined macros, syntax, the checks pfctl makes while parsing), and read into macros, tables,
 * `set` options, normalization, translation rules, filter rules (lists and macros expanded,
 * service names as port numbers), state options and antispoof.
 */
export class PfConfView {
  /**
   * Reads pf.conf text (it never throws: what pfctl would reject is in `grammarErrors` and
   * `problems`).
   */
  public static parse(text: string): PfConfView {
    return new PfConfView(text);
  }

  /**
   * A rule as one canonical line built from its parts (lists in braces, ports as numbers,
   * macros expanded), for readable comparisons in tests.
   */
  public static canonical(r: PfRuleView): string {
    const list = (x: string[]) => (x.length === 1 ? x[0] : `{ ${x.join(', ')} }`);
    const t: string[] = [r.action];
    if (r.blockPolicy) t.push(r.blockPolicy);
    if (r.direction) t.push(r.direction);
    if (r.log) t.push('log');
    if (r.quick) t.push('quick');
    if (r.interfaces.length) t.push('on', list(r.interfaces));
    if (r.af) t.push(r.af);
    if (r.protocols.length) t.push('proto', list(r.protocols));
    if (!r.from.length && !r.to.length && !r.fromPorts.length && !r.toPorts.length) {
      t.push('all');
    } else {
      t.push('from', r.from.length ? list(r.from) : 'any');
      if (r.fromPorts.length) t.push('port', list(r.fromPorts));
      t.push('to', r.to.length ? list(r.to) : 'any');
      if (r.toPorts.length) t.push('port', list(r.toPorts));
    }
    if (r.icmpTypes.length) t.push('icmp-type', list(r.icmpTypes));
    if (r.icmp6Types.length) t.push('icmp6-type', list(r.icmp6Types));
    if (r.state) t.push(`${r.state} state${r.stateOptions.length ? ` (${r.stateOptions.join(', ')})` : ''}`);
    if (r.label !== undefined) t.push('label', `"${r.label}"`);
    return t.join(' ');
  }

  /** Macro definitions, by name, values fully expanded. */
  public readonly macros: { [name: string]: string } = {};
  /** Table definitions, in file order. */
  public readonly tables: PfTableView[] = [];
  /** `set` options, in file order. */
  public readonly options: PfOptionView[] = [];
  /** The `set` options read into values. */
  public readonly settings: PfSettingsView;
  /** Normalization statements (`scrub …`). */
  public readonly normalization: PfStatementView[] = [];
  /** Queueing statements (`altq`, `queue`). */
  public readonly queueing: PfStatementView[] = [];
  /** Translation statements (`nat`, `rdr`, `binat`), as text. */
  public readonly translation: PfStatementView[] = [];
  /** Translation rules read into their parts (the ones the grammar accepts), in file order. */
  public readonly translations: PfTranslationView[];
  /** Filter rules, in file order. */
  public readonly rules: PfRuleView[] = [];
  /** `antispoof` statements (the ones the grammar accepts). */
  public readonly antispoofs: PfAntispoofView[];
  /** Everything pfctl would reject, as FreeBSD 14's grammar says, by line. */
  public readonly grammarErrors: PfGrammarError[];
  /** Statements out of pfctl's required order ("Rules must be in order"). */
  public readonly orderErrors: PfProblemView[];
  /** Uses of macros that are not defined before (pfctl: "macro 'x' not defined"). */
  public readonly undefinedMacros: PfProblemView[];
  /** Lines this reader could not classify, and rules with words it did not understand. */
  public readonly unreadable: PfProblemView[] = [];

  private constructor(text: string) {
    const g = parsePfGrammar(text);
    this.grammarErrors = g.errors.map((e) => ({ line: e.line, token: e.token, message: e.message, kind: e.kind }));
    this.orderErrors = g.errors.filter((e) => e.kind === 'order').map((e) => ({ line: e.line, message: e.context ? `${e.context}: ${e.message}` : e.message }));
    this.undefinedMacros = g.errors.filter((e) => e.kind === 'macro').map((e) => ({ line: e.line, message: e.message }));
    this.settings = settingsView(g.settings);
    this.translations = g.statements.filter((s): s is GTranslation => s.kind === 'translation').map(translationView);
    this.antispoofs = g.statements.filter((s): s is GOther => s.kind === 'antispoof').map(antispoofView);
    const filters = new Map<number, GFilterRule>();
    const tables = new Map<number, GOther>();
    const walk = (list: readonly unknown[]) => {
      for (const s of list as Array<GFilterRule | GOther | GTranslation>) {
        if (s.kind === 'filter') filters.set(s.line, s);
        if (s.kind === 'table') tables.set(s.line, s);
        if (s.kind === 'anchor' && Array.isArray(s.data.body)) walk(s.data.body);
      }
    };
    walk(g.statements);
    for (const st of logicalLines(text)) {
      const macro = /^([A-Za-z][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(st.text);
      if (macro) {
        const raw = macro[2].trim();
        const value = raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2 ? raw.slice(1, -1) : raw;
        this.macros[macro[1]] = this.expand(value, 0);
        continue;
      }
      const expanded = this.expand(st.text, 0);
      const tokens = tokenize(expanded);
      if (tokens.length === 0) continue;
      const head = tokens[0];
      if (head === 'table') {
        const base = readTable(tokens, st.line);
        const d = tables.get(st.line)?.data as { persist: boolean; const: boolean; counters: boolean; files: string[]; initialized: boolean } | undefined;
        const flag = (f: string) => d?.[f as 'persist'] ?? base.flags.includes(f);
        this.tables.push({
          ...base, persist: flag('persist'), constant: d?.const ?? base.flags.includes('const'), counters: flag('counters'),
          files: d?.files ?? [], initialized: d?.initialized ?? tokens.includes('{'),
        });
      } else if (head === 'set') {
        this.options.push({ name: tokens[1] ?? '', value: tokens.slice(2).join(' '), line: st.line });
      } else if (head === 'scrub' || (head === 'no' && tokens[1] === 'scrub')) {
        this.normalization.push({ text: expanded, line: st.line, comment: st.comment });
      } else if (head === 'altq' || head === 'queue') {
        this.queueing.push({ text: expanded, line: st.line, comment: st.comment });
      } else if (/^(nat|rdr|binat)(-anchor)?$/.test(head) || (head === 'no' && /^(nat|rdr|binat)$/.test(tokens[1] ?? ''))) {
        this.translation.push({ text: expanded, line: st.line, comment: st.comment });
      } else if (['pass', 'block', 'match', 'antispoof', 'anchor', 'load'].includes(head)) {
        const base: BaseRule = readRule(tokens, st.line, expanded, st.comment);
        this.rules.push({ ...base, ...ruleExtras(filters.get(st.line)) });
        if (base.unparsed.length > 0) this.unreadable.push({ line: st.line, message: `words not understood: ${base.unparsed.join(' ')}` });
      } else if (head !== 'ether' && head !== 'include' && head !== '}') {
        this.unreadable.push({ line: st.line, message: `statement not understood: ${expanded}` });
      }
    }
  }

  /**
   * Every problem, by line: the grammar's errors (order, undefined macros, syntax, checks) and
   * what this reader could not read on lines the grammar accepted.
   */
  public get problems(): PfProblemView[] {
    const lines = new Set(this.grammarErrors.map((e) => e.line));
    const other = this.grammarErrors.filter((e) => e.kind !== 'order' && e.kind !== 'macro').map((e) => ({
      line: e.line,
      message: e.kind !== 'syntax' && e.token !== '' && !e.message.includes(e.token) ? `${e.message} (token '${e.token}')` : e.message,
    }));
    const all = [...this.orderErrors, ...this.undefinedMacros, ...other, ...this.unreadable.filter((u) => !lines.has(u.line))];
    return all.map((p, i) => ({ p, i })).sort((a, b) => a.p.line - b.p.line || a.i - b.i).map((x) => x.p);
  }

  /** The value of an option (`blockPolicy` → `option('block-policy')`), or undefined. */
  public option(name: string): string | undefined {
    return this.options.find((o) => o.name === name)?.value;
  }

  /** The table called `name`, or undefined. */
  public table(name: string): PfTableView | undefined {
    return this.tables.find((t) => t.name === name);
  }

  /** The rules whose trailing comment contains `text`. */
  public rulesCommented(text: string): PfRuleView[] {
    return this.rules.filter((r) => (r.comment ?? '').includes(text));
  }

  private expand(text: string, depth: number): string {
    if (depth > 16) return text;
    let out = '';
    let inQuote = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '"') inQuote = !inQuote;
      if (c === '$' && !inQuote) {
        const m = /^[A-Za-z][A-Za-z0-9_]*/.exec(text.slice(i + 1));
        if (m) {
          const v = this.macros[m[0]];
          out += v === undefined ? c + m[0] : this.expand(v, depth + 1);
          i += m[0].length;
          continue;
        }
      }
      out += c;
    }
    return out;
  }
}
