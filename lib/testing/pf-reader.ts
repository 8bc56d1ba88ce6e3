/**
 * The line reader behind PfConfView (macro and list expansion, service names as numbers): it
 * splits pf.conf into logical lines and filter rules into their parts. The grammar checker
 * (pf-grammar.ts) decides what pfctl accepts; this reader gives the views their text.
 *
 * Internal to lib/testing (not exported from lib/index.ts).
 */
import { lookupService } from '../pf/services';
import { PfRuleView, PfTableView } from './parse-pf';

/** The fields of a rule the line reader fills. */
export type BaseRule = Pick<PfRuleView, 'action' | 'blockPolicy' | 'direction' | 'log' | 'quick' | 'interfaces' | 'af' | 'protocols' | 'from'
  | 'fromPorts' | 'to' | 'toPorts' | 'icmpTypes' | 'icmp6Types' | 'state' | 'stateOptions' | 'label' | 'comment' | 'line' | 'text' | 'unparsed'>;

/** The fields of a table the line reader fills. */
export type BaseTable = Pick<PfTableView, 'name' | 'flags' | 'addresses' | 'line'>;

export interface Logical {
  readonly text: string;
  readonly line: number;
  readonly comment?: string;
}

/** Joins `\` continuations, strips comments (outside quotes), drops blank lines. */
export function logicalLines(text: string): Logical[] {
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
export function tokenize(s: string): string[] {
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

/** Reads one item or a `{ }` list (flattened, commas optional) starting at `i`. Returns [items, next]. */
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

export function readTable(t: string[], line: number): BaseTable {
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
const WITH_VALUE = ['tag', 'tagged', 'queue', 'rtable', 'probability', 'user', 'group', 'os', 'max-mss', 'set-tos', 'tos', 'prio', 'dnpipe',
  'dnqueue', 'ridentifier'];
const ANCHOR_WORDS = ['in', 'out', 'quick', 'on', 'inet', 'inet6', 'proto', 'from', 'to', 'all', '{'];
const POOL_WORDS = ['bitmask', 'random', 'source-hash', 'round-robin', 'sticky-address', 'static-port'];

/** Reads over one option value at j: a word, `op word`, a `{ }` list or a `( )` group. Returns the next index. */
function skipValue(t: string[], j: number): number {
  if (t[j] === '{') return readList(t, j)[1];
  if (t[j] === '(') {
    const e = t.indexOf(')', j);
    return e < 0 ? t.length : e + 1;
  }
  if (PORT_OPS.includes(t[j]) || t[j] === '!') return j + 2;
  return j + 1;
}

function portText(word: string): string {
  if (/^[0-9]+$/.test(word)) return String(Number(word));
  const range = /^([^:]+):([^:]+)$/.exec(word);
  if (range) return `${portText(range[1])}:${portText(range[2])}`;
  const svc = lookupService(word);
  return svc ? String(svc.port) : word;
}

/** Reads `port …` at i (t[i] === 'port'). Returns [ports, next]. */
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

export function readRule(tokens: string[], line: number, text: string, comment: string | undefined): BaseRule {
  let t = tokens;
  const r = {
    action: t[0], blockPolicy: undefined as string | undefined, direction: undefined as string | undefined, log: false, quick: false,
    interfaces: [] as string[], af: undefined as string | undefined, protocols: [] as string[], from: [] as string[], fromPorts: [] as string[],
    to: [] as string[], toPorts: [] as string[], icmpTypes: [] as string[], icmp6Types: [] as string[], state: undefined as string | undefined,
    stateOptions: [] as string[], label: undefined as string | undefined, comment, line, text, unparsed: [] as string[],
  };
  let i = 1;
  // `load anchor name from "file"` has nothing of a rule; `anchor "name" … {` has a name and may open a body.
  if (t[0] === 'load') return r;
  if (t[0] === 'anchor' && t[1] !== undefined && !ANCHOR_WORDS.includes(t[1])) i = 2;
  if (t[0] === 'anchor' && t[t.length - 1] === '{') t = t.slice(0, -1);
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
      // An address range `a - b` (one host).
      if (t[j] === '-' && t[j + 1] !== undefined && hosts.length === 1) {
        hosts[0] = `${hosts[0]} - ${t[j + 1]}`;
        j += 2;
      }
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
    // The other options of filter_opts and route: read over (the grammar view has them).
    if (WITH_VALUE.includes(w) && t[i + 1] !== undefined) { i = skipValue(t, i + 1); continue; }
    if ((w === 'set' && (t[i + 1] === 'prio' || t[i + 1] === 'tos')) || (w === '!' && t[i + 1] === 'tagged')) { i = skipValue(t, i + 2); continue; }
    if ((w === 'set' || w === 'scrub') && t[i + 1] === '(') { i = skipValue(t, i + 1); continue; }
    if (w === 'route-to' || w === 'reply-to' || w === 'dup-to') {
      i = skipValue(t, i + 1);
      while (POOL_WORDS.includes(t[i])) i += t[i] === 'source-hash' && t[i + 1] !== undefined && /^0x/.test(t[i + 1]) ? 2 : 1;
      continue;
    }
    if (w === 'divert-to') {
      i = skipValue(t, i + 1);
      if (t[i] === 'port') i = skipValue(t, i + 1);
      continue;
    }
    if (['allow-opts', 'fragment', 'no-df', 'once', 'fastroute', 'random-id'].includes(w)) { i++; continue; }
    r.unparsed.push(w);
    i++;
  }
  return r;
}
