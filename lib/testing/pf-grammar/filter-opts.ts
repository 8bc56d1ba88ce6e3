/**
 * parse.y's option lists of filter rules: filter_opts (flags, icmp-type, keep state …, label,
 * tag, queue, rtable …, the state options are in state-opts.ts), scrub_opts and logquick,
 * with the checks their actions make ("flags cannot be redefined" …).
 *
 * Internal to lib/testing (not exported from lib/index.ts).
 */
import { GFilterRule, GStateOpts } from './ast';
import { PfToken } from './lexer';
import { ICMP6_CODES, ICMP6_TYPES, ICMP_CODES, ICMP_TYPES, MAX_LABEL, TCP_FLAGS, TOS_NAMES, UINT_MAX } from './names';
import { stateOptList } from './state-opts';
import { service } from './hosts';
import { PfParser } from './parser';

/** The options a filter rule (or an anchor rule) may carry after fromto. */
export type GFilterOpts = Pick<GFilterRule, 'flags' | 'icmpTypes' | 'icmp6Types' | 'state' | 'labels' | 'tag' | 'tagged' | 'queue' | 'rtable' | 'allowOpts' | 'fragment' | 'other'> & {
  /** The tokens where some options were written, for messages. */
  at: Record<string, PfToken>;
  flagBits?: { set: number; mask: number };
};

const OPT_STARTS = ['user', 'group', 'flags', 'icmp-type', 'icmp6-type', 'prio', 'tos', 'no', 'keep', 'modulate', 'synproxy', 'ridentifier',
  'fragment', 'allow-opts', 'label', 'queue', 'dnpipe', 'dnqueue', 'tag', 'tagged', 'probability', 'rtable', 'divert-to', 'divert-reply',
  'scrub', 'set'];

/** `filter_opts`: any number of filter_opt, in any order. */
export function filterOpts(p: PfParser): GFilterOpts {
  const o: GFilterOpts = { icmpTypes: [], icmp6Types: [], labels: [], queue: [], allowOpts: false, fragment: false, other: [], at: {} };
  for (;;) {
    if (p.isPunct('!')) {
      o.tagged = tagged(p, o);
      continue;
    }
    if (!p.isKw(...OPT_STARTS)) return o;
    const t = p.tok;
    const kw = t.text;
    if (kw === 'user' || kw === 'group') {
      p.advance();
      o.other.push(`${kw} ${p.list(() => ugid(p)).join(', ')}`);
    } else if (kw === 'flags') {
      if (o.at.flags) p.fail('flags cannot be redefined', t);
      o.at.flags = t;
      p.advance();
      const [flags, bits] = flagsSpec(p);
      o.flags = flags;
      o.flagBits = bits;
    } else if (kw === 'icmp-type' || kw === 'icmp6-type') {
      if (o.at.icmp) p.fail('icmp-type cannot be redefined', t);
      o.at.icmp = t;
      p.advance();
      const v6 = kw === 'icmp6-type';
      (v6 ? o.icmp6Types : o.icmpTypes).push(...p.list(() => icmpItem(p, v6)));
    } else if (kw === 'prio') {
      if (o.at.prio) p.fail('prio cannot be redefined', t);
      o.at.prio = t;
      p.advance();
      o.other.push(`prio ${prioValue(p)}`);
    } else if (kw === 'tos') {
      if (o.at.tos) p.fail('tos cannot be redefined', t);
      o.at.tos = t;
      p.advance();
      o.other.push(`tos ${tos(p)}`);
    } else if (kw === 'no' || kw === 'keep' || kw === 'modulate' || kw === 'synproxy') {
      if (o.at.keep) p.fail('modulate or keep cannot be redefined', t);
      o.at.keep = t;
      p.advance();
      p.expectKw('state');
      const opts: GStateOpts = { timeouts: {}, words: [] };
      if (kw !== 'no' && p.acceptPunct('(')) {
        stateOptList(p, opts);
        p.expectPunct(')');
      }
      o.state = { kind: kw, opts };
    } else if (kw === 'ridentifier') {
      p.advance();
      o.other.push(`ridentifier ${p.number('a number')}`);
    } else if (kw === 'fragment') {
      p.advance();
      o.fragment = true;
    } else if (kw === 'allow-opts') {
      p.advance();
      o.allowOpts = true;
    } else if (kw === 'label') {
      p.advance();
      const l = p.expectString('a label');
      if (o.labels.length >= 5) p.fail('label can only be used 5 times', t);
      if (l.text.length > MAX_LABEL) p.fail(`rule label too long (max ${MAX_LABEL} chars)`, l);
      o.labels.push(l.text);
    } else if (kw === 'queue') {
      if (o.queue.length > 0) p.fail('queue cannot be redefined', t);
      p.advance();
      if (p.acceptPunct('(')) {
        o.queue.push(p.expectString('a queue name').text);
        if (!p.isPunct(')')) {
          p.comma();
          o.queue.push(p.expectString('a queue name').text);
        }
        p.expectPunct(')');
      } else {
        o.queue.push(p.expectString('a queue name').text);
      }
    } else if (kw === 'dnpipe' || kw === 'dnqueue') {
      p.advance();
      if (p.acceptPunct('(')) {
        const a = p.number('a pipe number');
        let b: number | undefined;
        if (!p.isPunct(')')) {
          p.comma();
          b = p.number('a pipe number');
        }
        p.expectPunct(')');
        o.other.push(`${kw} (${a}${b === undefined ? '' : `, ${b}`})`);
      } else {
        o.other.push(`${kw} ${p.number('a pipe number')}`);
      }
    } else if (kw === 'tag') {
      p.advance();
      o.tag = p.tagName();
    } else if (kw === 'tagged') {
      o.tagged = tagged(p, o);
    } else if (kw === 'probability') {
      p.advance();
      const v = p.numberString('a probability');
      const m = /^([0-9]*\.?[0-9]+)(%?)$/.exec(v.text);
      if (!m) p.fail(`invalid probability: ${v.text}`, v);
      const prob = Number(m[1]) * (m[2] ? 0.01 : 1);
      if (prob < 0 || prob > 1) p.fail(`invalid probability: ${v.text}`, v);
      o.other.push(`probability ${v.text}`);
    } else if (kw === 'rtable') {
      o.rtable = p.rtable();
    } else if (kw === 'divert-to') {
      p.advance();
      const a = p.numberString('a port or an address');
      if (p.acceptKw('port')) {
        const port = p.numberString('a port');
        if (service(p, port.text, port) === 0) p.fail(`invalid divert port: ${port.text}`, port);
        o.other.push(`divert-to ${a.text} port ${port.text}`);
      } else {
        if (service(p, a.text, a) === 0) p.fail(`invalid divert port: ${a.text}`, a);
        o.other.push(`divert-to ${a.text}`);
      }
    } else if (kw === 'divert-reply') {
      p.fail('divert-reply has no meaning in FreeBSD pf(4)', t);
    } else if (kw === 'scrub') {
      p.advance();
      p.expectPunct('(');
      o.other.push(`scrub (${scrubOpts(p).join(', ')})`);
      p.expectPunct(')');
    } else {
      // set ( prio …, tos … ) | set prio … | set tos …
      p.advance();
      const sets: string[] = [];
      const one = () => {
        if (p.isKw('prio')) {
          if (o.at.setPrio) p.fail('prio cannot be redefined', p.tok);
          o.at.setPrio = p.advance();
          sets.push(`prio ${prioValue(p)}`);
        } else if (p.isKw('tos')) {
          if (o.at.setTos) p.fail('tos cannot be respecified', p.tok);
          o.at.setTos = p.advance();
          sets.push(`tos ${tos(p)}`);
        } else {
          p.syntax("'prio' or 'tos'");
        }
      };
      if (p.acceptPunct('(')) {
        one();
        while (!p.isPunct(')')) {
          p.comma();
          one();
        }
        p.advance();
      } else {
        one();
      }
      o.other.push(`set ${sets.join(', ')}`);
    }
  }
}

function tagged(p: PfParser, o: GFilterOpts): { name: string; not: boolean } {
  o.at.tagged = p.tok;
  return p.tagged()!;
}

function ugid(p: PfParser): string {
  const one = () => {
    const t = p.numberString('a user or group');
    if (t.type === 'number' && (t.value! < 0 || t.value! >= UINT_MAX)) p.fail(`illegal uid value ${t.text}`, t);
    return t.text;
  };
  for (const op of ['=', '<', '>']) {
    if (p.isPunct(op)) {
      p.advance();
      const eq = op !== '=' && p.acceptPunct('=');
      return `${op}${eq ? '=' : ''} ${one()}`;
    }
  }
  if (p.acceptPunct('!')) {
    p.expectPunct('=');
    return `!= ${one()}`;
  }
  const a = one();
  if (p.tok.type === 'portbinary') {
    const bin = p.advance().text;
    return `${a} ${bin} ${one()}`;
  }
  return a;
}

function flagBits(p: PfParser, t: PfToken): number {
  let f = 0;
  for (const c of t.text) {
    const i = TCP_FLAGS.indexOf(c);
    if (i < 0) p.fail(`bad flags ${t.text}`, t);
    f |= 1 << i;
  }
  return f;
}

/** `flags`: `flags S/SA`, `flags /SA`, `flags any`. */
function flagsSpec(p: PfParser): [string, { set: number; mask: number }] {
  if (p.acceptKw('any')) return ['any', { set: 0, mask: 0 }];
  if (p.acceptPunct('/')) {
    const m = p.expectString('TCP flags');
    return [`/${m.text}`, { set: 0, mask: flagBits(p, m) }];
  }
  const s = p.expectString('TCP flags');
  p.expectPunct('/');
  const m = p.expectString('TCP flags');
  const bits = { set: flagBits(p, s), mask: flagBits(p, m) };
  if ((bits.set & bits.mask) !== bits.set) p.fail('flags always false', s);
  return [`${s.text}/${m.text}`, bits];
}

/** `icmp_item` / `icmp6_item`: a type (name or number) and an optional code. */
function icmpItem(p: PfParser, v6: boolean): string {
  const what = v6 ? 'icmp6-type' : 'icmp-type';
  const t = p.numberString(`an ${what}`);
  const types = v6 ? ICMP6_TYPES : ICMP_TYPES;
  const type = t.type === 'number' ? t.value! : types.get(t.text);
  if (type === undefined) p.fail(`unknown ${what} ${t.text}`, t);
  if (type < 0 || type > 255) p.fail(`illegal ${what} ${t.text}`, t);
  if (!p.acceptKw('code')) return t.text;
  const c = p.numberString('an icmp code');
  if (c.type === 'number') {
    if (c.value! < 0 || c.value! > 255) p.fail(`illegal icmp-code ${c.text}`, c);
  } else if ((v6 ? ICMP6_CODES : ICMP_CODES).get(c.text) !== type) {
    p.fail(`unknown ${v6 ? 'icmp6' : 'icmp'}-code ${c.text}`, c);
  }
  return `${t.text} code ${c.text}`;
}

function prioValue(p: PfParser): string {
  const one = () => {
    const t = p.tok;
    const n = p.expectNumber('a priority 0–7');
    if (n < 0 || n > 7) p.fail('prio must be 0 - 7', t);
    return n;
  };
  if (!p.acceptPunct('(')) return String(one());
  const a = one();
  p.comma();
  const b = one();
  p.expectPunct(')');
  return `(${a}, ${b})`;
}

/** `tos`: a name of map_tos(), 0x.. or a number 0–255. */
function tos(p: PfParser): string {
  const t = p.numberString('a TOS value');
  const ok = t.type === 'number' ? t.value! >= 0 && t.value! <= 255
    : TOS_NAMES.includes(t.text.toLowerCase()) || (/^0x[0-9a-fA-F]+$/.test(t.text) && parseInt(t.text, 16) <= 255);
  if (!ok) p.fail(`illegal tos value ${t.text}`, t);
  return t.text;
}

/** `scrub_opts`: scrub_opt { [,] scrub_opt } (no-df, min-ttl, max-mss, set-tos, fragment …). */
export function scrubOpts(p: PfParser): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const once = (name: string, t: PfToken) => {
    if (seen.has(name)) p.fail(`${name} cannot be respecified`, t);
    seen.add(name);
  };
  const starts = ['no-df', 'min-ttl', 'max-mss', 'set-tos', 'fragment', 'reassemble', 'random-id', 'rtable', 'tagged'];
  for (let first = true; ; first = false) {
    const before = p.consumed;
    if (!first) p.comma();
    if (!p.isKw(...starts) && !p.isPunct('!')) {
      if (p.consumed !== before) p.syntax('a scrub option');
      return out;
    }
    const t = p.tok;
    if (p.acceptKw('no-df')) {
      once('no-df', t);
      out.push('no-df');
    } else if (p.acceptKw('min-ttl') || p.acceptKw('max-mss')) {
      once(t.text, t);
      const v = p.tok;
      const n = p.expectNumber('a number');
      const max = t.text === 'min-ttl' ? 255 : 65535;
      if (n < 0 || n > max) p.fail(`illegal ${t.text} value ${n}`, v);
      out.push(`${t.text} ${n}`);
    } else if (p.acceptKw('set-tos')) {
      once('set-tos', t);
      out.push(`set-tos ${tos(p)}`);
    } else if (p.acceptKw('fragment')) {
      once('fragcache', t);
      const no = p.acceptKw('no');
      p.expectKw('reassemble');
      out.push(`fragment ${no ? 'no ' : ''}reassemble`);
    } else if (p.acceptKw('reassemble')) {
      const w = p.expectString("'tcp'");
      if (w.text.toLowerCase() !== 'tcp') p.fail(`scrub reassemble supports only tcp, not '${w.text}'`, w);
      once('reassemble tcp', t);
      out.push('reassemble tcp');
    } else if (p.acceptKw('random-id')) {
      once('random-id', t);
      out.push('random-id');
    } else if (p.isKw('rtable')) {
      out.push(`rtable ${p.rtable()}`);
    } else {
      const tg = p.tagged()!;
      out.push(`${tg.not ? '! ' : ''}tagged ${tg.name}`);
    }
  }
}

/** `logquick`: [log [(opts)]] [quick], in either order. */
export function logquick(p: PfParser): { log: boolean; logOpts: string[]; quick: boolean } {
  const r = { log: false, logOpts: [] as string[], quick: false };
  if (p.isKw('log')) r.logOpts = log(p, r);
  if (p.acceptKw('quick')) {
    r.quick = true;
    if (!r.log && p.isKw('log')) r.logOpts = log(p, r);
  }
  return r;
}

/** `log`: log [( all | user | group | to pflogN … )]. */
export function log(p: PfParser, r: { log: boolean }): string[] {
  p.expectKw('log');
  r.log = true;
  const out: string[] = [];
  if (!p.acceptPunct('(')) return out;
  const one = () => {
    if (p.isKw('all', 'user', 'group')) {
      out.push(p.advance().text);
    } else if (p.acceptKw('to')) {
      const t = p.tok;
      const s = p.strings('a pflog interface');
      if (!/^pflog/.test(s)) p.fail(`${s}: should be a pflog interface`, t);
      if (!/^pflog([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])$/.test(s)) p.fail(`${s}: invalid`, t);
      out.push(`to ${s}`);
    } else {
      p.syntax("'all', 'user', 'group' or 'to'");
    }
  };
  one();
  while (!p.isPunct(')')) {
    p.comma();
    one();
  }
  p.advance();
  return out;
}
