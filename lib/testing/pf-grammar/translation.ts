/**
 * parse.y's translation statements in FreeBSD 14 syntax: natrule (`[no] nat|rdr [pass [log]]
 * [on …] [af] [proto …] fromto [tag t] [[!] tagged t] [rtable n] [-> redirspec [port p]]
 * [pool_opts]`) and binatrule (`[no] binat … from ipspec [to ipspec] … [-> host]`), with the
 * checks of their actions, invalid_redirect(), rdr_consistent() and pool_opts.
 *
 * Internal to lib/testing (not exported from lib/index.ts).
 */
import { GAf, GHost, GPoolOpts, GTranslation } from './ast';
import { PfToken } from './lexer';
import { PROTOCOLS } from './names';
import { fromtoSpec, host, ipspec, portrange } from './hosts';
import { PfParser, RuleState } from './parser';
import { log } from './filter-opts';

const NAT_PROXY_PORT_LOW = 50001;
const NAT_PROXY_PORT_HIGH = 65535;

/** `pool_opts`: bitmask | random | source-hash [key] | round-robin | static-port | sticky-address | map-e-portset a/b/c. */
export function poolOpts(p: PfParser): GPoolOpts {
  const o: GPoolOpts = { staticPort: false, stickyAddress: false };
  for (;;) {
    const t = p.tok;
    if (p.isKw('bitmask', 'random', 'source-hash', 'round-robin')) {
      if (o.type) p.fail('pool type cannot be redefined', t);
      o.type = p.advance().text;
      if (o.type === 'source-hash' && p.isString()) {
        const k = p.tok;
        o.key = p.strings('a hash key');
        if (o.key.startsWith('0x')) {
          if (o.key.length !== 34) p.fail('hex key must be 128 bits (32 hex digits) long', k);
          if (!/^0x[0-9a-fA-F]{32}$/.test(o.key)) p.fail('invalid hex key', k);
        }
      }
    } else if (p.acceptKw('static-port')) {
      if (o.staticPort) p.fail('static-port cannot be redefined', t);
      o.staticPort = true;
    } else if (p.acceptKw('sticky-address')) {
      if (o.stickyAddress) p.fail('sticky-address cannot be redefined', t);
      o.stickyAddress = true;
    } else if (p.acceptKw('map-e-portset')) {
      if (o.mapEPortset) p.fail('map-e-portset cannot be redefined', t);
      if (o.type) p.fail('map-e-portset cannot be used with address pools', t);
      const a = p.number('the PSID offset');
      p.expectPunct('/');
      const b = p.number('the PSID length');
      p.expectPunct('/');
      const c = p.number('the PSID');
      if (a <= 0 || a >= 16) p.fail('MAP-E PSID offset must be 1-15', t);
      if (b < 0 || b >= 16 || a + b > 16) p.fail('Invalid MAP-E PSID length', t);
      if (b === 0) p.fail('PSID Length = 0: this means you do not need MAP-E', t);
      if (c < 0 || c > 65535) p.fail('Invalid MAP-E PSID', t);
      o.mapEPortset = `${a}/${b}/${c}`;
    } else {
      return o;
    }
  }
}

/** `natpasslog`: [pass] [log [(…)]]. */
function natpasslog(p: PfParser): { pass: boolean; log: boolean } {
  const r = { pass: p.acceptKw('pass'), log: false };
  if (p.isKw('log')) log(p, r);
  return r;
}

const PORT_PROTOS = [6, 17, 132];

function protoNumbers(protocols: string[]): number[] {
  return protocols.length === 0 ? [0] : protocols.map((x) => (/^[0-9]+$/.test(x) ? Number(x) : PROTOCOLS.get(x)!));
}

/** remove_invalid_hosts() + invalid_redirect() on the redirection pool. */
function redirectFamily(p: PfParser, hosts: GHost[], af: GAf, t: PfToken): { hosts: GHost[]; af: GAf } {
  let fam = af;
  const kept: GHost[] = [];
  for (const h of hosts) {
    if (fam && h.af && h.af !== fam) continue;
    if (h.af && !fam) fam = h.af;
    kept.push(h);
  }
  if (!fam && kept.some((h) => h.type !== 'table' && h.type !== 'dynif' && h.type !== 'ifname')) {
    p.fail('address family not given and translation address expands to multiple address families', t);
  }
  if (kept.length === 0) p.fail('no translation address with matching address family found.', t);
  return { hosts: kept, af: fam };
}

/** `natrule`: nat and rdr. */
export function natRule(p: PfParser): GTranslation {
  const t = p.tok;
  const no = p.acceptKw('no');
  const type = p.isKw('nat', 'rdr') ? (p.advance().text as 'nat' | 'rdr') : p.syntax("'nat', 'rdr' or 'binat'");
  const pl = natpasslog(p);
  if (no && pl.pass) p.fail('"pass" not valid with "no"', t);
  const interfaces = p.interfaces();
  const af0 = p.af();
  const protocols = p.protocols();
  const fromto = fromtoSpec(p);
  const tag = p.acceptKw('tag') ? p.expectString('a tag name').text : undefined;
  const tagged = p.tagged();
  const rtable = p.rtable();
  let redirect: GTranslation['redirect'];
  let rport: { from: number; to?: number; star?: boolean } | undefined;
  const arrow = p.tok;
  if (p.tok.type === 'arrow') {
    p.advance();
    const hosts = p.list(() => host(p));
    let port: string | undefined;
    if (p.acceptKw('port')) {
      const pt = p.tok;
      rport = portrange(p, true);
      port = pt.text;
    }
    redirect = { hosts, port };
  }
  const pool = poolOpts(p);
  p.checkRulestate(RuleState.NAT, t);
  let af: GAf = af0 || fromto.from.hosts[0]?.af || fromto.to.hosts[0]?.af || '';
  if (no) {
    if (redirect) p.fail("translation rule with 'no' does not need '->'", arrow);
  } else {
    if (!redirect) p.fail("translation rule requires '-> address'", p.tok.type === 'newline' ? t : p.tok);
    if (!af) af = redirect.hosts[0].af;
    const fam = redirectFamily(p, redirect.hosts, af, arrow);
    const hosts = fam.hosts;
    let ptype = pool.type;
    if (!ptype && (hosts.length > 1 || hosts[0].type === 'table' || hosts[0].multiaddr)) ptype = 'round-robin';
    if (ptype !== 'round-robin' && hosts.some((h) => h.type === 'table')) p.fail('tables are only supported in round-robin redirection pools', arrow);
    const alias = hosts.find((h) => h.multiaddr);
    if (ptype !== 'round-robin' && alias) p.fail(`interface ${alias.text} is only supported in round-robin redirection pools`, arrow);
    if (hosts.length > 1 && ptype !== 'round-robin') p.fail('only round-robin valid for multiple redirection addresses', arrow);
  }
  if (pool.staticPort) {
    if (type !== 'nat') p.fail("the 'static-port' option is only valid with nat rules", t);
    if (rport && rport.from !== NAT_PROXY_PORT_LOW && (rport.to ?? rport.from) !== NAT_PROXY_PORT_HIGH) {
      p.fail("the 'static-port' option can't be used when specifying a port range", t);
    }
  }
  if (pool.mapEPortset) {
    if (type !== 'nat') p.fail("the 'map-e-portset' option is only valid with nat rules", t);
    if (pool.staticPort) p.fail("the 'map-e-portset' option can't be used 'static-port'", t);
    if (rport && rport.from !== NAT_PROXY_PORT_LOW && (rport.to ?? rport.from) !== NAT_PROXY_PORT_HIGH) {
      p.fail("the 'map-e-portset' option can't be used when specifying a port range", t);
    }
  }
  expand(p, type, af, protocols, fromto, rport !== undefined, t.line);
  return { kind: 'translation', line: t.line, type, no, ...pl, interfaces, af: af0, protocols, fromto, tag, tagged, rtable, redirect, pool };
}

/** expand_rule() for a translation rule: address-family combinations, and rdr_consistent(). */
function expand(p: PfParser, type: string, af: GAf, protocols: string[], fromto: GTranslation['fromto'], rport: boolean, line: number): void {
  const afs = (h: GHost[]) => (h.length === 0 ? [''] : [...new Set(h.map((x) => x.af))]);
  const problems = new Set<string>();
  let added = 0;
  for (const proto of new Set(protoNumbers(protocols))) {
    for (const src of afs(fromto.from.hosts)) {
      for (const dst of afs(fromto.to.hosts)) {
        if ((af && src && af !== src) || (af && dst && af !== dst) || (src && dst && src !== dst)) continue;
        added++;
        if (type !== 'rdr') continue;
        if (!PORT_PROTOS.includes(proto)) {
          if (fromto.from.ports.length) problems.add('src port only applies to tcp/udp');
          if (fromto.to.ports.length) problems.add('dst port only applies to tcp/udp');
          if (rport) problems.add('rpool port only applies to tcp/udp');
        }
        if (fromto.to.ports.some((x) => x.op !== '=' && x.op !== ':')) problems.add('invalid port operator for rdr destination port');
      }
    }
  }
  for (const m of problems) p.error(m, line, '');
  if (problems.size) p.error('skipping rule due to errors', line, '');
  if (added === 0) p.error('rule expands to no valid combination', line, '');
}

/** `binatrule`. */
export function binatRule(p: PfParser): GTranslation {
  const t = p.tok;
  const no = p.acceptKw('no');
  p.expectKw('binat');
  const pl = natpasslog(p);
  const interfaces = p.interfaces();
  const af0 = p.af();
  const protocols = p.protocols();
  p.expectKw('from');
  const src = ipspec(p);
  const dst = p.acceptKw('to') ? ipspec(p) : [];
  const tag = p.acceptKw('tag') ? p.expectString('a tag name').text : undefined;
  const tagged = p.tagged();
  const rtable = p.rtable();
  const arrow = p.tok;
  let redirect: GTranslation['redirect'];
  if (p.tok.type === 'arrow') {
    p.advance();
    const h = host(p);
    let port: string | undefined;
    if (p.acceptKw('port')) {
      port = p.tok.text;
      portrange(p, true);
    }
    redirect = { hosts: [h], port };
  }
  p.checkRulestate(RuleState.NAT, t);
  if (dst.some((h) => h.type === 'urpf')) p.fail('"urpf-failed" is not permitted as a binat destination', t);
  if (no && pl.pass) p.fail('"pass" not valid with "no"', t);
  const af: GAf = af0 || src[0]?.af || dst[0]?.af || redirect?.hosts[0].af || '';
  if (!af) p.fail('address family (inet/inet6) undefined', t);
  const table = src.find((h) => h.type === 'table');
  if (table) p.fail(`invalid use of table ${table.text} as the source address of a binat rule`, t);
  const alias = src.find((h) => h.multiaddr);
  if (alias) p.fail(`invalid use of interface ${alias.text} as the source address of a binat rule`, t);
  const rh = redirect?.hosts[0];
  if (rh?.type === 'table') p.fail(`invalid use of table ${rh.text} as the redirect address of a binat rule`, arrow);
  if (rh?.multiaddr) p.fail(`invalid use of interface ${rh.text} as the redirect address of a binat rule`, arrow);
  for (const side of [src, dst]) {
    if (side.length > 1) p.fail('multiple binat ip addresses', t);
    if (side.length === 1 && side[0].af && side[0].af !== af) p.fail('binat ip versions must match', t);
  }
  if (no) {
    if (redirect) p.fail("'no binat' rule does not need '->'", arrow);
  } else {
    if (!redirect || !rh) p.fail("'binat' rule requires '-> address'", t);
    redirectFamily(p, redirect.hosts, af, arrow);
    const full = af === 'inet' ? 32 : 128;
    const sbits = src.length === 1 && src[0].type !== 'ifname' && src[0].type !== 'dynif' ? (src[0].bits ?? full) : undefined;
    const rbits = rh.type === 'ifname' || rh.type === 'dynif' ? sbits : (rh.bits ?? full);
    if (sbits !== undefined && sbits !== 0 && sbits !== rbits) p.fail("'binat' source mask and redirect mask must be the same", arrow);
  }
  const fromto = { all: false, from: { hosts: src, ports: [] }, to: { hosts: dst, ports: [] }, os: [] };
  return { kind: 'translation', line: t.line, type: 'binat', no, ...pl, interfaces, af: af0, protocols, fromto, tag, tagged, rtable, redirect, pool: { staticPort: false, stickyAddress: false } };
}
