/**
 * parse.y's filtering statements: pfrule (pass / block / match), anchorrule (with inline
 * `{ … }` anchors), antispoof and scrubrule, with the checks of their actions, of
 * filter_consistent() and of expand_rule() ("port only applies to tcp/udp", "keep state is
 * great, but only for pass rules", "rule expands to no valid combination" …).
 *
 * Internal to lib/testing (not exported from lib/index.ts).
 */
import { GAf, GFilterRule, GFromTo, GHost, GOther, GStatement } from './ast';
import { filterOpts, GFilterOpts, logquick, scrubOpts } from './filter-opts';
import { PfToken } from './lexer';
import { ICMP_CODES, MAX_LABEL, PROTOCOLS } from './names';
import { fromtoSpec, host } from './hosts';
import { PfParser, RuleState } from './parser';
import { poolOpts } from './translation';

const PORT_PROTOS = [6, 17, 132];

/** `action`: pass | match | block [drop | return | return-rst [(ttl n)] | return-icmp [(…)] | return-icmp6 [(…)]]. */
function action(p: PfParser): { action: GFilterRule['action']; blockPolicy?: string } {
  if (p.acceptKw('pass')) return { action: 'pass' };
  if (p.acceptKw('match')) return { action: 'match' };
  p.expectKw('block');
  if (p.acceptKw('drop')) return { action: 'block', blockPolicy: 'drop' };
  if (p.acceptKw('return')) return { action: 'block', blockPolicy: 'return' };
  if (p.acceptKw('return-rst')) {
    if (p.acceptPunct('(')) {
      p.expectKw('ttl');
      const v = p.tok;
      const n = p.expectNumber('a TTL');
      if (n < 0 || n > 255) p.fail(`illegal ttl value ${n}`, v);
      p.expectPunct(')');
    }
    return { action: 'block', blockPolicy: 'return-rst' };
  }
  if (p.isKw('return-icmp', 'return-icmp6')) {
    const kw = p.advance().text;
    if (p.acceptPunct('(')) {
      icmpCode(p, kw === 'return-icmp6');
      if (kw === 'return-icmp' && !p.isPunct(')')) {
        p.comma();
        icmpCode(p, true);
      }
      p.expectPunct(')');
    }
    return { action: 'block', blockPolicy: kw };
  }
  return { action: 'block' };
}

/** reticmpspec / reticmp6spec: a code of "unreachable", by name or number. */
function icmpCode(p: PfParser, v6: boolean): void {
  const t = p.numberString('an icmp code');
  if (t.type === 'number' || /^[0-9]+$/.test(t.text)) {
    if (Number(t.text) > 255) p.fail(`invalid icmp code ${t.text}`, t);
    return;
  }
  const ok = v6 ? ['admin-unr', 'noroute-unr', 'notnbr-unr', 'beyond-unr', 'addr-unr', 'port-unr'].includes(t.text) : ICMP_CODES.get(t.text) === 3;
  if (!ok) p.fail(`unknown icmp code ${t.text}`, t);
}

/** `route`: fastroute | route-to / reply-to / dup-to routespec pool_opts. */
function route(p: PfParser): GFilterRule['route'] {
  if (p.acceptKw('fastroute')) return { type: 'fastroute', hosts: [], pool: { staticPort: false, stickyAddress: false } };
  if (!p.isKw('route-to', 'reply-to', 'dup-to')) return undefined;
  const type = p.advance().text;
  const routeHost = (): string => {
    if (p.acceptPunct('(')) {
      const ifname = p.ifItem();
      const h = host(p);
      p.expectPunct(')');
      return `(${ifname} ${h.text})`;
    }
    return p.ifItem();
  };
  const hosts = p.list(routeHost);
  return { type, hosts, pool: poolOpts(p) };
}

/** The protocol numbers of a proto list (0: no proto given). */
function protoNumbers(protocols: string[]): number[] {
  return protocols.length === 0 ? [0] : protocols.map((x) => (/^[0-9]+$/.test(x) ? Number(x) : PROTOCOLS.get(x)!));
}

function decideAf(hosts: GHost[]): GAf {
  if (hosts.length === 0) return '';
  const af = hosts[0].af;
  return hosts.every((h) => h.af === af) ? af : '';
}

/**
 * expand_rule() + filter_consistent(): every combination of protocol, ICMP type, source and
 * destination address family is checked. The problems are reported once each.
 */
export function consistency(p: PfParser, r: Pick<GFilterRule, 'action' | 'af' | 'protocols' | 'fromto' | 'state' | 'allowOpts' | 'fragment' | 'route' | 'blockPolicy'>,
  o: Partial<GFilterOpts>, line: number): void {
  const problems = new Set<string>();
  const ruleAf: GAf = r.af || decideAf(r.fromto.from.hosts) || decideAf(r.fromto.to.hosts);
  const afs = (h: GHost[]) => (h.length === 0 ? [''] : [...new Set(h.map((x) => x.af))]);
  const icmps = [...new Set([...(o.icmpTypes ?? []).map(() => 1), ...(o.icmp6Types ?? []).map(() => 58)])];
  const hasPorts = r.fromto.from.ports.length > 0 || r.fromto.to.ports.length > 0;
  const hasFlags = o.flagBits !== undefined && (o.flagBits.set !== 0 || o.flagBits.mask !== 0);
  let added = 0;
  for (const proto of new Set(protoNumbers(r.protocols))) {
    for (const icmp of icmps.length ? icmps : [0]) {
      for (const src of afs(r.fromto.from.hosts)) {
        for (const dst of afs(r.fromto.to.hosts)) {
          if ((ruleAf && src && ruleAf !== src) || (ruleAf && dst && ruleAf !== dst) || (src && dst && src !== dst)) continue;
          const af = ruleAf || src || dst;
          added++;
          if (icmp && proto !== icmp) problems.add('icmp-type mismatch');
          if (!PORT_PROTOS.includes(proto) && hasPorts) problems.add('port only applies to tcp/udp');
          if (proto !== 1 && proto !== 58 && icmp) problems.add('icmp-type/code only applies to icmp');
          if (!af && icmp) problems.add('must indicate address family with icmp-type/code');
          if ((proto === 1 && af === 'inet6') || (proto === 58 && af === 'inet')) {
            problems.add(`proto ${proto === 1 ? 'icmp' : 'icmp6'} doesn't match address family ${af}`);
          }
          if (r.fragment && (hasPorts || hasFlags || icmp)) problems.add('fragments can be filtered only on IP header fields');
          if (r.blockPolicy === 'return-rst' && proto !== 6) problems.add('return-rst can only be applied to TCP rules');
          const kind = r.state && (r.state.kind === 'modulate' || r.state.kind === 'synproxy') && proto && proto !== 6 ? 'keep' : r.state?.kind;
          if (r.action !== 'pass' && kind !== undefined && kind !== 'no') problems.add('keep state is great, but only for pass rules');
          if (r.state?.opts.sloppy && (kind === 'modulate' || kind === 'synproxy')) problems.add('sloppy state matching cannot be used with synproxy state or modulate state');
          if (r.allowOpts && r.action !== 'pass') problems.add('allow-opts can only be specified for pass rules');
          const so = r.state?.opts;
          if (so?.overload && so.maxSrcConn === undefined && so.maxSrcConnRate === undefined) problems.add("'overload' requires 'max-src-conn' or 'max-src-conn-rate'");
          if (r.action === 'match' && r.route && r.route.type !== 'fastroute') problems.add('route-to, reply-to, dup-to and fastroute must not be used on match rules');
        }
      }
    }
  }
  for (const m of problems) p.error(m, line, '');
  if (problems.size > 0) p.error('skipping rule due to errors', line, '');
  if (added === 0) p.error('rule expands to no valid combination', line, '');
}

/** Checks shared by pfrule and anchorrule on the flags and OS options. */
function tcpOnly(p: PfParser, protocols: string[], o: GFilterOpts, fromto: GFromTo, t: PfToken): void {
  const flags = o.flagBits !== undefined && (o.flagBits.set !== 0 || o.flagBits.mask !== 0);
  if ((flags || fromto.os.length > 0) && protocols.length > 0 && !protoNumbers(protocols).includes(6)) {
    p.fail(flags ? 'flags only apply to tcp' : 'OS fingerprinting only apply to tcp', o.at.flags ?? t);
  }
}

/** `pfrule`. */
export function pfRule(p: PfParser): GFilterRule {
  const t = p.tok;
  const a = action(p);
  const direction = p.dir();
  const lq = logquick(p);
  const interfaces = p.interfaces();
  const rt = route(p);
  const af = p.af();
  const protocols = p.protocols();
  const fromto = fromtoSpec(p);
  const o = filterOpts(p);
  p.checkRulestate(RuleState.FILTER, t);
  const r: GFilterRule = {
    kind: 'filter', line: t.line, ...a, direction, ...lq, interfaces, route: rt, af, protocols, fromto, flags: o.flags,
    icmpTypes: o.icmpTypes, icmp6Types: o.icmp6Types, state: o.state, labels: o.labels, tag: o.tag, tagged: o.tagged, queue: o.queue,
    rtable: o.rtable, allowOpts: o.allowOpts, fragment: o.fragment, other: o.other,
  };
  tcpOnly(p, protocols, o, fromto, t);
  const so = o.state?.opts;
  if (so?.sourceTrack === 'global') {
    for (const [k, n] of [['maxSrcNodes', 'max-src-nodes'], ['maxSrcConn', 'max-src-conn'], ['maxSrcConnRate', 'max-src-conn-rate']] as const) {
      if (so[k] !== undefined) p.fail(`'${n}' is incompatible with 'source-track global'`, o.at.keep ?? t);
    }
  }
  if (rt && rt.type !== 'fastroute') {
    if (!direction) p.fail('direction must be explicit with rules that specify routing', t);
    if (rt.hosts.length > 1 && rt.pool.type !== undefined && rt.pool.type !== 'round-robin') p.fail('r.rpool.opts must be PF_POOL_ROUNDROBIN', t);
  }
  consistency(p, r, o, t.line);
  return r;
}

/** `anchorrule`: anchor [name] [dir] [quick] [on …] [af] [proto …] [fromto] [opts] [{ … }]. */
export function anchorRule(p: PfParser, inner: (p: PfParser) => GStatement): GOther {
  const t = p.expectKw('anchor');
  const name = p.isString() ? p.advance().text : undefined;
  const direction = p.dir();
  const quick = p.acceptKw('quick');
  const interfaces = p.interfaces();
  const af = p.af();
  const protocols = p.protocols();
  const fromto = fromtoSpec(p);
  const o = filterOpts(p);
  let body: GStatement[] | undefined;
  if (p.acceptPunct('{')) {
    if (p.tok.type !== 'newline') p.syntax('a newline after {');
    body = [];
    for (;;) {
      p.optnl();
      if (p.acceptPunct('}')) break;
      if (!p.isKw('pass', 'block', 'match', 'anchor')) p.syntax('a rule or }');
      body.push(inner(p));
      if (p.tok.type !== 'newline') p.syntax('the end of the rule');
    }
  }
  p.checkRulestate(RuleState.FILTER, t);
  if (name !== undefined && (name.startsWith('_') || name.includes('/_'))) p.fail("anchor names beginning with '_' are reserved for internal use", t, name);
  if (body && name?.includes('/')) p.fail("anchor paths containing '/' cannot be used for inline anchors.", t, name);
  if (!body && name === undefined) p.fail('anchors without explicit rules must specify a name', t);
  tcpOnly(p, protocols, o, fromto, t);
  if (o.state) p.fail('cannot specify state handling on anchors', o.at.keep ?? t);
  return { kind: 'anchor', line: t.line, data: { type: 'anchor', name, direction, quick, interfaces, af, protocols, fromto, labels: o.labels, body } };
}

/** `nat-anchor` / `rdr-anchor` / `binat-anchor` string [on …] [af] [proto …] [fromto] [rtable n]. */
export function transAnchor(p: PfParser): GOther {
  const t = p.advance();
  const name = p.strings('an anchor name');
  const interfaces = p.interfaces();
  const af = p.af();
  const protocols = p.protocols();
  const fromto = fromtoSpec(p);
  p.rtable();
  p.checkRulestate(RuleState.NAT, t);
  if (t.text === 'rdr-anchor') {
    if (fromto.from.ports.length > 0) p.fail('source port parameter not supported in rdr-anchor', t);
    if (fromto.to.ports.length > 1) p.fail('destination port list expansion not supported in rdr-anchor', t);
    if (fromto.to.ports.length === 1 && fromto.to.ports[0].op !== '=') p.fail('destination port operators not supported in rdr-anchor', t);
  }
  if (t.text === 'binat-anchor') {
    if (protocols.length > 1) p.fail('proto list expansion not supported in binat-anchor', t);
    if (fromto.from.hosts.length || fromto.from.ports.length || fromto.to.hosts.length || fromto.to.ports.length) {
      p.fail('fromto parameter not supported in binat-anchor', t);
    }
  }
  return { kind: 'anchor', line: t.line, data: { type: t.text, name, interfaces, af, protocols, fromto } };
}

/** `antispoof` [log] [quick] for if | for { … } [af] [label …] [ridentifier n] [rtable n]. */
export function antispoof(p: PfParser): GOther {
  const t = p.expectKw('antispoof');
  const lq = logquick(p);
  p.expectKw('for');
  const one = (): string => {
    if (p.acceptPunct('(')) {
      const n = p.ifItem();
      p.expectPunct(')');
      return `(${n})`;
    }
    return p.ifItem();
  };
  const interfaces = p.list(one);
  const af = p.af();
  const labels: string[] = [];
  let rtable: number | undefined;
  for (;;) {
    if (p.acceptKw('label')) {
      const l = p.expectString('a label');
      if (labels.length >= 5) p.fail('label can only be used 5 times', l);
      if (l.text.length > MAX_LABEL) p.fail(`rule label too long (max ${MAX_LABEL} chars)`, l);
      labels.push(l.text);
    } else if (p.acceptKw('ridentifier')) {
      p.number('a number');
    } else if (p.isKw('rtable')) {
      rtable = p.rtable();
    } else {
      break;
    }
  }
  p.checkRulestate(RuleState.FILTER, t);
  return { kind: 'antispoof', line: t.line, data: { ...lq, interfaces, af, labels, rtable } };
}

/** `scrubrule`: [no] scrub [dir] [log] [on …] [af] [proto …] fromto [scrub_opts]. */
export function scrubRule(p: PfParser): GOther {
  const t = p.tok;
  const no = p.acceptKw('no');
  p.expectKw('scrub');
  const direction = p.dir();
  const lq = logquick(p);
  const interfaces = p.interfaces();
  const af = p.af();
  const protocols = p.protocols();
  const fromto = fromtoSpec(p);
  const opts = scrubOpts(p);
  p.checkRulestate(RuleState.SCRUB, t);
  if (lq.quick) p.fail("scrub rules do not support 'quick'", t);
  if (opts.includes('reassemble tcp') && direction) p.fail('reassemble tcp rules can not specify direction', t);
  consistency(p, { action: 'pass', af, protocols, fromto, allowOpts: false, fragment: false }, {}, t.line);
  return { kind: 'scrub', line: t.line, data: { no, direction, log: lq.log, interfaces, af, protocols, fromto, opts } };
}

