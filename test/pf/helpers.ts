/**
 * Reading synthesized pf.conf files back for assertions: the parsed view (PfConfView), the
 * translation statements split into their parts (the view keeps them as text), and `set`
 * options with braces read into name → value pairs.
 */
import { App } from '../../lib/core/app';
import { PfConfView } from '../../lib/testing/parse-pf';
import { PfGrammar } from '../../lib/testing/pf-grammar';
import { SynthesizedApp, Testing } from '../../lib/testing/testing';

export const H1 = 'haproxy01.example.net';
export const H2 = 'haproxy02.example.net';

/**
 * `Testing.synth`, and every host's pf.conf checked against FreeBSD 14's pfctl grammar
 * (PfGrammar): a file pfctl would reject fails the test.
 */
export function synth(app: App): SynthesizedApp {
  const s = Testing.synth(app);
  for (const h of s.hostnames) {
    if (s.hasFile(h, '/etc/pf.conf')) PfGrammar.assertValid(s.file(h, '/etc/pf.conf'), `${h}:/etc/pf.conf`);
  }
  return s;
}

/** The parsed pf.conf of `host` (grammar-checked); fails the test when the reader saw a problem. */
export function pfOf(app: App, host: string): PfConfView {
  const v = synth(app).pfConf(host);
  if (v.problems.length > 0) throw new Error(`pf.conf of ${host} has problems: ${JSON.stringify(v.problems)}`);
  return v;
}

/** A translation statement's parts (FreeBSD 14 syntax, as parse.y's natrule/binatrule read it). */
export interface TranslationParts {
  kind: string;
  pass: boolean;
  log: boolean;
  interfaces: string[];
  af?: string;
  protocols: string[];
  from: string[];
  fromPorts: string[];
  to: string[];
  toPorts: string[];
  target: string;
  targetPort?: string;
  options: string[];
}

function words(text: string): string[] {
  return text.replace(/([{},])/g, ' $1 ').split(/\s+/).filter((w) => w !== '' && w !== ',');
}

function list(t: string[], i: number): [string[], number] {
  if (t[i] !== '{') return [[t[i]], i + 1];
  const end = t.indexOf('}', i);
  return [t.slice(i + 1, end), end + 1];
}

/** Splits `nat|rdr|binat [pass] [log] on … [af] [proto …] from … [port …] to … [port …] -> target [port p] [opts]`. */
export function translationParts(text: string): TranslationParts {
  const t = words(text);
  const r: TranslationParts = { kind: t[0], pass: false, log: false, interfaces: [], protocols: [], from: [], fromPorts: [], to: [], toPorts: [], target: '', options: [] };
  let i = 1;
  while (i < t.length) {
    const w = t[i];
    if (w === 'pass') { r.pass = true; i++; continue; }
    if (w === 'log') { r.log = true; i++; continue; }
    if (w === 'on') { [r.interfaces, i] = list(t, i + 1); continue; }
    if (w === 'inet' || w === 'inet6') { r.af = w; i++; continue; }
    if (w === 'proto') { [r.protocols, i] = list(t, i + 1); continue; }
    if (w === 'from' || w === 'to') {
      let hosts: string[];
      [hosts, i] = list(t, i + 1);
      let ports: string[] = [];
      if (t[i] === 'port') [ports, i] = list(t, i + 1);
      const h = hosts.filter((x) => x !== 'any');
      if (w === 'from') { r.from = h; r.fromPorts = ports; } else { r.to = h; r.toPorts = ports; }
      continue;
    }
    if (w === '->') {
      r.target = t[i + 1];
      i += 2;
      if (t[i] === 'port') { r.targetPort = t[i + 1]; i += 2; }
      continue;
    }
    r.options.push(w);
    i++;
  }
  return r;
}

/** The translation statements of a view, split. */
export function translations(v: PfConfView): TranslationParts[] {
  return v.translation.map((s) => translationParts(s.text));
}

/** A `set` option's value read into pairs: `limit { states 10 , frags 5 }` → { states: '10', frags: '5' }. */
export function optionPairs(v: PfConfView, name: string): Record<string, string> | undefined {
  const value = v.option(name);
  if (value === undefined) return undefined;
  const out: Record<string, string> = {};
  const t = words(value).filter((w) => w !== '{' && w !== '}');
  for (let i = 0; i + 1 < t.length; i += 2) out[t[i]] = t[i + 1];
  return out;
}
