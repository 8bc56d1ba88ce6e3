import { lookupService } from '../pf/services';

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
}

const SECTION_RANK: Record<string, number> = { options: 1, ethernet: 2, normalization: 3, queueing: 4, translation: 5, filtering: 6 };
const SECTION_ORDER = 'options, ethernet, normalization, queueing, translation, filtering';

/**
 * A pf.conf read back into structured data, for tests and for users asserting on their own
 * firewall. It reads the subset cdkbsd writes and the common hand-written style (macros, tables,
 * `set`, `scrub`, `nat`/`rdr`, `pass`/`block` rules with lists, ports by name or number, ICMP
 * types, state options), and reports what pfctl would reject for order or undefined macros.
 * It is a reader, not pfctl: it does not check every keyword.
 */
export class PfConfView {
  /**
   * Reads pf.conf text.
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
  /** Normalization statements (`scrub …`). */
  public readonly normalization: PfStatementView[] = [];
  /** Queueing statements (`altq`, `queue`). */
  public readonly queueing: PfStatementView[] = [];
  /** Translation statements (`nat`, `rdr`, `binat`). */
  public readonly translation: PfStatementView[] = [];
  /** Filter rules, in file order. */
  public readonly rules: PfRuleView[] = [];
  /** Statements out of pfctl's required order ("Rules must be in order"). */
  public readonly orderErrors: PfProblemView[] = [];
  /** Uses of macros that are not defined before (pfctl: "macro 'x' not defined"). */
  public readonly undefinedMacros: PfProblemView[] = [];
  /** Lines this reader could not classify, and rules with words it did not understand. */
  public readonly unreadable: PfProblemView[] = [];

  private constructor(text: string) {
    let maxRank = 0;
    let maxSection = '';
    for (const st of logicalLines(text)) {
      const macro = /^([A-Za-z][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(st.text);
      if (macro) {
        const raw = macro[2].trim();
        const value = raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2 ? raw.slice(1, -1) : raw;
        this.macros[macro[1]] = this.expand(value, st.line, 0);
        continue;
      }
      const expanded = this.expand(st.text, st.line, 0);
      const tokens = tokenize(expanded);
      if (tokens.length === 0) continue;
      const head = tokens[0];
      let section: string | undefined;
      if (head === 'table') {
        this.tables.push(readTable(tokens, st.line));
      } else if (head === 'set') {
        section = 'options';
        this.options.push({ name: tokens[1] ?? '', value: tokens.slice(2).join(' '), line: st.line });
      } else if (head === 'ether') {
        section = 'ethernet';
      } else if (head === 'scrub') {
        section = 'normalization';
        this.normalization.push({ text: expanded, line: st.line, comment: st.comment });
      } else if (head === 'altq' || head === 'queue') {
        section = 'queueing';
        this.queueing.push({ text: expanded, line: st.line, comment: st.comment });
      } else if (/^(no-)?(nat|rdr|binat)(-anchor)?$/.test(head)) {
        section = 'translation';
        this.translation.push({ text: expanded, line: st.line, comment: st.comment });
      } else if (['pass', 'block', 'match', 'antispoof', 'anchor', 'load'].includes(head)) {
        section = 'filtering';
        const rule = readRule(tokens, st.line, expanded, st.comment);
        this.rules.push(rule);
        if (rule.unparsed.length > 0) this.unreadable.push({ line: st.line, message: `words not understood: ${rule.unparsed.join(' ')}` });
      } else {
        this.unreadable.push({ line: st.line, message: `statement not understood: ${expanded}` });
      }
      if (section !== undefined) {
        const rank = SECTION_RANK[section];
        if (rank < maxRank) {
          this.orderErrors.push({ line: st.line, message: `${section} after ${maxSection}: Rules must be in order: ${SECTION_ORDER}` });
        } else {
          maxRank = rank;
          maxSection = section;
        }
      }
    }
  }

  /** Every problem: order errors, undefined macros and unreadable lines, by line. */
  public get problems(): PfProblemView[] {
    return [...this.orderErrors, ...this.undefinedMacros, ...this.unreadable].sort((a, b) => a.line - b.line);
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

  private expand(text: string, line: number, depth: number): string {
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
          if (v === undefined) {
            this.undefinedMacros.push({ line, message: `macro '${m[0]}' not defined` });
            out += c + m[0];
          } else {
            out += this.expand(v, line, depth + 1);
          }
          i += m[0].length;
          continue;
        }
      }
      out += c;
    }
    return out;
  }
}

interface Logical {
  readonly text: string;
  readonly line: number;
  readonly comment?: string;
}

/** Joins `\` continuations, strips comments (outside quotes), drops blank lines. */
function logicalLines(text: string): Logical[] {
  const out: Logical[] = [];
  const lines = text.split(/\r?\n/);
  let buf = '';
  let start = 0;
  let comment: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    if (buf === '') start = i + 1;
    const [code, c] = splitComment(lines[i]);
    if (c !== undefined) comment = comment === undefined ? c : `${comment} ${c}`;
    if (/\\\s*$/.test(code) && c === undefined) {
      buf += code.replace(/\\\s*$/, ' ');
      continue;
    }
    buf += code;
    if (buf.trim() !== '') out.push({ text: buf.trim().replace(/\s+/g, ' '), line: start, comment });
    buf = '';
    comment = undefined;
  }
  if (buf.trim() !== '') out.push({ text: buf.trim(), line: start, comment });
  return out;
}

function splitComment(line: string): [string, string | undefined] {
  let inQuote = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"') inQuote = !inQuote;
    if (line[i] === '#' && !inQuote) return [line.slice(0, i), line.slice(i + 1).trim()];
  }
  return [line, undefined];
}

/** Splits a statement into words, lists' punctuation, tables and operators. */
function tokenize(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '"') {
      const j = s.indexOf('"', i + 1);
      const end = j < 0 ? s.length : j;
      out.push(s.slice(i, end + 1));
      i = end + 1;
      continue;
    }
    const table = /^<[A-Za-z][A-Za-z0-9_-]*>/.exec(s.slice(i));
    if (table) { out.push(table[0]); i += table[0].length; continue; }
    const op = /^(<>|><|<=|>=|!=|<|>|=)/.exec(s.slice(i));
    if (op) { out.push(op[0]); i += op[0].length; continue; }
    if ('{},()!'.includes(c)) { out.push(c); i++; continue; }
    let j = i;
    while (j < s.length && !/[\s{},()!"<>=]/.test(s[j])) j++;
    out.push(s.slice(i, j));
    i = j;
  }
  return out;
}

/** Reads one item or a `{ }` list (flattened, commas optional) starting at `i`; returns [items, next]. */
function readList(t: string[], i: number): [string[], number] {
  if (t[i] !== '{') {
    if (t[i] === '!') return [[`!${t[i + 1] ?? ''}`], i + 2];
    if (t[i] === '(') {
      const j = t.indexOf(')', i);
      return [[`(${t.slice(i + 1, j < 0 ? t.length : j).join('')})`], (j < 0 ? t.length : j) + 1];
    }
    return [[t[i]], i + 1];
  }
  const items: string[] = [];
  let j = i + 1;
  let neg = false;
  while (j < t.length && t[j] !== '}') {
    if (t[j] === '{') {
      const [inner, next] = readList(t, j);
      items.push(...inner);
      j = next;
      continue;
    }
    if (t[j] === ',') { j++; continue; }
    if (t[j] === '!') { neg = true; j++; continue; }
    items.push(neg ? `!${t[j]}` : t[j]);
    neg = false;
    j++;
  }
  return [items, j + 1];
}

function readTable(t: string[], line: number): PfTableView {
  const name = (t[1] ?? '').replace(/^<|>$/g, '');
  const flags: string[] = [];
  const addresses: string[] = [];
  let i = 2;
  while (i < t.length) {
    if (t[i] === '{') {
      const [items, next] = readList(t, i);
      addresses.push(...items);
      i = next;
    } else if (t[i] === 'file') {
      flags.push(`file ${t[i + 1] ?? ''}`);
      i += 2;
    } else {
      flags.push(t[i]);
      i++;
    }
  }
  return { name, flags, addresses, line };
}

const PORT_OPS = ['=', '!=', '<', '<=', '>', '>=', '<>', '><'];

function portText(word: string): string {
  if (/^[0-9]+$/.test(word)) return String(Number(word));
  const range = /^([^:]+):([^:]+)$/.exec(word);
  if (range) return `${portText(range[1])}:${portText(range[2])}`;
  const svc = lookupService(word);
  return svc ? String(svc.port) : word;
}

/** Reads `port …` at i (t[i] === 'port'); returns [ports, next]. */
function readPorts(t: string[], i: number): [string[], number] {
  let j = i + 1;
  if (PORT_OPS.includes(t[j]) && t[j + 1] !== undefined) {
    return [[`${t[j]} ${portText(t[j + 1])}`], j + 2];
  }
  const [items, next] = readList(t, j);
  j = next;
  // Binary range operators: `port 1000 >< 2000`.
  if ((t[j] === '<>' || t[j] === '><') && items.length === 1 && t[j + 1] !== undefined) {
    return [[`${portText(items[0])} ${t[j]} ${portText(t[j + 1])}`], j + 2];
  }
  return [items.map(portText), j];
}

function readRule(t: string[], line: number, text: string, comment: string | undefined): PfRuleView {
  const r = {
    action: t[0], blockPolicy: undefined as string | undefined, direction: undefined as string | undefined, log: false, quick: false,
    interfaces: [] as string[], af: undefined as string | undefined, protocols: [] as string[], from: [] as string[], fromPorts: [] as string[],
    to: [] as string[], toPorts: [] as string[], icmpTypes: [] as string[], icmp6Types: [] as string[], state: undefined as string | undefined,
    stateOptions: [] as string[], label: undefined as string | undefined, comment, line, text, unparsed: [] as string[],
  };
  let i = 1;
  if (t[0] === 'block' && /^(drop|return|return-rst|return-icmp|return-icmp6)$/.test(t[1] ?? '')) {
    r.blockPolicy = t[1];
    i = 2;
    if (t[i] === '(') i = t.indexOf(')', i) + 1;
  }
  while (i < t.length) {
    const w = t[i];
    if (w === 'in' || w === 'out') { r.direction = w; i++; continue; }
    if (w === 'log') {
      r.log = true;
      i++;
      if (t[i] === '(') i = t.indexOf(')', i) + 1;
      continue;
    }
    if (w === 'quick') { r.quick = true; i++; continue; }
    if (w === 'on' || (w === 'for' && t[0] === 'antispoof')) {
      const [items, next] = readList(t, i + 1);
      r.interfaces.push(...items);
      i = next;
      continue;
    }
    if (w === 'inet' || w === 'inet6') { r.af = w; i++; continue; }
    if (w === 'proto') {
      const [items, next] = readList(t, i + 1);
      r.protocols.push(...items);
      i = next;
      continue;
    }
    if (w === 'all') { i++; continue; }
    if (w === 'from' || w === 'to') {
      const [items, next] = t[i + 1] === 'port' ? [[], i + 1] : readList(t, i + 1);
      const hosts = items.filter((x) => x !== 'any');
      let j = next;
      let ports: string[] = [];
      if (t[j] === 'port') [ports, j] = readPorts(t, j);
      if (w === 'from') { r.from.push(...hosts); r.fromPorts.push(...ports); } else { r.to.push(...hosts); r.toPorts.push(...ports); }
      i = j;
      continue;
    }
    if (w === 'port') {
      // `to port 80` without a host was handled above; a bare `port` after `to any` too.
      const [ports, next] = readPorts(t, i);
      r.toPorts.push(...ports);
      i = next;
      continue;
    }
    if (w === 'icmp-type' || w === 'icmp6-type') {
      const [items, next] = readList(t, i + 1);
      let j = next;
      const types = [...items];
      if (t[j] === 'code' && t[j + 1] !== undefined) {
        types[types.length - 1] = `${types[types.length - 1]} code ${t[j + 1]}`;
        j += 2;
      }
      (w === 'icmp-type' ? r.icmpTypes : r.icmp6Types).push(...types);
      i = j;
      continue;
    }
    if ((w === 'keep' || w === 'modulate' || w === 'synproxy' || w === 'no') && t[i + 1] === 'state') {
      r.state = w;
      i += 2;
      if (t[i] === '(') {
        const end = t.indexOf(')', i);
        const inner = t.slice(i + 1, end < 0 ? t.length : end);
        let cur: string[] = [];
        for (const x of inner) {
          if (x === ',') { if (cur.length) r.stateOptions.push(cur.join(' ')); cur = []; } else cur.push(x);
        }
        if (cur.length) r.stateOptions.push(cur.join(' '));
        i = (end < 0 ? t.length : end) + 1;
      }
      continue;
    }
    if (w === 'label' && t[i + 1] !== undefined) { r.label = t[i + 1].replace(/^"|"$/g, ''); i += 2; continue; }
    if (w === 'flags' && t[i + 1] !== undefined) { i += 2; continue; }
    if (['tag', 'tagged', 'queue', 'rtable', 'probability', 'user', 'group', 'os', 'max-mss', 'set-tos', 'tos', 'prio', 'dnpipe', 'dnqueue', 'ridentifier'].includes(w) && t[i + 1] !== undefined) {
      i += 2;
      continue;
    }
    if (['allow-opts', 'fragment', 'no-df', 'once'].includes(w)) { i++; continue; }
    r.unparsed.push(w);
    i++;
  }
  return r;
}
