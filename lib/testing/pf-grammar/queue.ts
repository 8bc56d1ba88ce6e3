/**
 * parse.y's queueing and Ethernet statements: altqif (`altq on if scheduler … queue { … }`),
 * queuespec (`queue name [on if] … [{ children }]`) and etherrule / etheranchorrule, read to
 * the grammar with the main checks (a scheduler, bandwidth units, child queues).
 *
 * Internal to lib/testing (not exported from lib/index.ts).
 */
import { GOther } from './ast';
import { fromtoSpec } from './hosts';
import { PfParser, RuleState } from './parser';

const SCHEDULERS = ['cbq', 'priq', 'hfsc', 'fairq', 'codelq'];

/** `bandwidth`: a NUMBER (bits/s) or `N[.N](b|Kb|Mb|Gb|%)`. */
function bandwidth(p: PfParser): string {
  const t = p.numberString('a bandwidth');
  if (t.type === 'number') return t.text;
  const m = /^([0-9]*\.?[0-9]+)(b|K|M|G|Kb|Mb|Gb|KB|MB|GB|Kbit|Mbit|Gbit|%)?$/.exec(t.text);
  if (!m) p.fail(`unknown unit ${t.text.replace(/^[0-9.]+/, '')}`, t);
  if (m[2] === '%' && Number(m[1]) > 100) p.fail('bandwidth spec out of range', t);
  return t.text;
}

/** The words between balanced parentheses (scheduler options), read loosely. */
function parenthesized(p: PfParser): string {
  const words: string[] = [];
  let depth = 1;
  while (depth > 0) {
    if (p.tok.type === 'newline' || p.tok.type === 'eof') p.syntax("')'");
    const t = p.advance();
    if (t.text === '(' && t.type === 'punct') depth++;
    if (t.text === ')' && t.type === 'punct') depth--;
    if (depth > 0) words.push(t.text);
  }
  return words.join(' ');
}

/** `queue_opts`: bandwidth, priority, qlimit, tbrsize and the scheduler, each once. */
function queueOpts(p: PfParser): { scheduler?: string; words: string[] } {
  const seen = new Set<string>();
  const words: string[] = [];
  let scheduler: string | undefined;
  for (;;) {
    const t = p.tok;
    const once = (name: string) => {
      if (seen.has(name)) p.fail(`${name} cannot be respecified`, t);
      seen.add(name);
    };
    if (p.acceptKw('bandwidth')) {
      once('bandwidth');
      words.push(`bandwidth ${bandwidth(p)}`);
    } else if (p.isKw('priority', 'qlimit', 'tbrsize')) {
      p.advance();
      once(t.text);
      const v = p.tok;
      const n = p.expectNumber('a number');
      const max = t.text === 'priority' ? 255 : t.text === 'qlimit' ? 65535 : 0xffffffff;
      if (n < 0 || n > max) p.fail(`${t.text} out of range: max ${max}`, v);
      words.push(`${t.text} ${n}`);
    } else if (p.isKw(...SCHEDULERS)) {
      p.advance();
      once('scheduler');
      scheduler = t.text;
      words.push(p.acceptPunct('(') ? `${t.text}(${parenthesized(p)})` : t.text);
    } else {
      return { scheduler, words };
    }
  }
}

/** `qassign`: nothing, a queue name, or `{ name [,] name … }`. */
function qassign(p: PfParser): string[] {
  if (p.isString() || p.isPunct('{')) return p.list(() => p.expectString('a queue name').text);
  return [];
}

/** `altqif`. */
export function altq(p: PfParser): GOther {
  const t = p.expectKw('altq');
  const interfaces = p.interfaces();
  const o = queueOpts(p);
  p.expectKw('queue');
  const children = qassign(p);
  p.checkRulestate(RuleState.QUEUE, t);
  if (!o.scheduler) p.fail('no scheduler specified!', t);
  if (children.length === 0 && o.scheduler !== 'codelq') p.fail('no child queues specified', t);
  return { kind: 'queue', line: t.line, data: { type: 'altq', interfaces, opts: o.words, children } };
}

/** `queuespec`. */
export function queue(p: PfParser): GOther {
  const t = p.expectKw('queue');
  const name = p.expectString('a queue name');
  const interfaces = p.interfaces();
  const o = queueOpts(p);
  const children = qassign(p);
  p.checkRulestate(RuleState.QUEUE, t);
  if (name.text.length > 63) p.fail('queue name too long (max 63 chars)', name);
  if (o.words.some((w) => w.startsWith('tbrsize'))) p.fail('cannot specify tbrsize for queue', t);
  return { kind: 'queue', line: t.line, data: { type: 'queue', name: name.text, interfaces, opts: o.words, children } };
}

/** A MAC address spec: `[!] mac[/len]` or a `{ }` list. */
function macspec(p: PfParser): string[] {
  const one = () => {
    const not = p.acceptPunct('!');
    const m = p.expectString('a MAC address');
    const mac = m.text.split('&')[0];
    if (!/^([0-9a-fA-F]{1,2}:){5}[0-9a-fA-F]{1,2}$/.test(mac)) p.fail('invalid MAC address', m);
    let s = m.text;
    if (p.acceptPunct('/')) s += `/${p.expectNumber('a mask length')}`;
    return `${not ? '!' : ''}${s}`;
  };
  return p.list(one);
}

/** `etherrule` / `etheranchorrule` (anchors without inline bodies). */
export function ether(p: PfParser): GOther {
  const t = p.expectKw('ether');
  let action: string;
  let name: string | undefined;
  if (p.acceptKw('anchor')) {
    action = 'anchor';
    if (p.isString()) name = p.advance().text;
  } else if (p.isKw('pass', 'block')) {
    action = p.advance().text;
  } else {
    p.syntax("'pass', 'block' or 'anchor'");
  }
  const direction = p.dir();
  const quick = p.acceptKw('quick');
  const interfaces = p.interfaces();
  if (action !== 'anchor' && p.acceptKw('bridge-to')) p.expectString('an interface name');
  if (p.acceptKw('proto')) {
    p.list(() => {
      const v = p.numberString('an EtherType');
      if (v.type === 'string' && !/^0x[0-9a-fA-F]{1,4}$/.test(v.text)) p.fail(v.text.startsWith('0x') ? 'invalid EtherType hex' : 'Symbolic EtherType not yet supported', v);
      return v.text;
    });
  }
  if (!p.acceptKw('all')) {
    if (p.acceptKw('from')) macspec(p);
    if (p.acceptKw('to')) macspec(p);
  }
  if (p.acceptKw('l3')) fromtoSpec(p);
  for (;;) {
    if (p.acceptKw('queue')) {
      if (p.acceptPunct('(')) {
        p.expectString('a queue name');
        p.expectPunct(')');
      } else {
        p.expectString('a queue name');
      }
    } else if (p.acceptKw('ridentifier') || p.acceptKw('dnpipe') || p.acceptKw('dnqueue')) {
      p.number('a number');
    } else if (p.acceptKw('label')) {
      p.expectString('a label');
    } else if (p.acceptKw('tag')) {
      p.tagName();
    } else if (p.isKw('tagged') || p.isPunct('!')) {
      p.tagged();
    } else {
      break;
    }
  }
  p.checkRulestate(RuleState.ETHER, t);
  if (action === 'anchor' && name === undefined) p.fail('anchors without explicit rules must specify a name', t);
  return { kind: 'ether', line: t.line, data: { action, name, direction, quick, interfaces } };
}
