/**
 * parse.y's address and port nonterminals: fromto, ipportspec, ipspec, host (with
 * pfctl_parser.c host(): IPv4 with inet_net_pton's short forms, IPv6, interfaces, groups, self),
 * dynaddr, portspec / port_item / unaryop / portrange / portstar, and getservice().
 *
 * Internal to lib/testing (not exported from lib/index.ts).
 */
import { isIPv4, isIPv6 } from 'net';
import { lookupService } from '../../pf/services';
import { GEndpoint, GFromTo, GHost, GPort } from './ast';
import { PfToken } from './lexer';
import { MAX_IFNAME, MAX_TABLE_NAME } from './names';
import { PfParser } from './parser';

/** `fromto`: `all`, or `[from ipportspec] [os …] [to ipportspec]`. */
export function fromtoSpec(p: PfParser): GFromTo {
  if (p.acceptKw('all')) return { all: true, from: { hosts: [], ports: [] }, to: { hosts: [], ports: [] }, os: [] };
  let from: GEndpoint = { hosts: [], ports: [] };
  let to: GEndpoint = { hosts: [], ports: [] };
  const os: string[] = [];
  if (p.acceptKw('from')) from = ipportspec(p);
  if (p.acceptKw('os')) os.push(...p.list(() => p.expectString('an OS fingerprint name').text));
  if (p.isKw('to')) {
    const t = p.advance();
    to = ipportspec(p);
    if (to.hosts.some((h) => h.type === 'urpf')) p.fail('"urpf-failed" is not permitted in a destination address', t);
  }
  return { all: false, from, to, os };
}

/** `ipportspec`: `ipspec [port portspec]` or `port portspec`. */
export function ipportspec(p: PfParser): GEndpoint {
  if (p.acceptKw('port')) return { hosts: [], ports: portspec(p) };
  const hosts = ipspec(p);
  return { hosts, ports: p.acceptKw('port') ? portspec(p) : [] };
}

/** `ipspec`: `any`, a host (`! host` too), or a `{ }` list of ipspecs (any dropped). */
export function ipspec(p: PfParser): GHost[] {
  if (p.acceptKw('any')) return [];
  if (p.acceptPunct('{')) {
    p.optnl();
    const out = [...ipspec(p)];
    p.optnl();
    while (!p.isPunct('}')) {
      p.comma();
      out.push(...ipspec(p));
      p.optnl();
    }
    p.advance();
    return out;
  }
  const not = p.acceptPunct('!');
  if (p.acceptKw('no-route')) return [{ text: 'no-route', not, type: 'noroute', af: '' }];
  if (p.acceptKw('urpf-failed')) return [{ text: 'urpf-failed', not, type: 'urpf', af: '' }];
  return [{ ...host(p), not }];
}

/** `host`: an address, `a - b`, `addr/bits`, `(if)`, `(if)/bits`, `<table>`, an interface name. */
export function host(p: PfParser): GHost {
  const t = p.tok;
  if (p.acceptPunct('<')) {
    const name = p.expectString('a table name').text;
    p.expectPunct('>');
    if (name.length > MAX_TABLE_NAME) p.fail(`table name '${name}' too long`, t);
    return { text: `<${name}>`, not: false, type: 'table', af: '' };
  }
  if (p.acceptPunct('(')) {
    const n = p.expectString('an interface name');
    p.expectPunct(')');
    const h = dynaddr(p, n);
    if (!p.acceptPunct('/')) return h;
    const bits = p.expectNumber('a prefix length');
    if (bits < 0 || bits > 128) p.fail('bit number too big', n);
    return { ...h, text: `${h.text}/${bits}`, bits };
  }
  if (p.isNumber()) {
    const a = p.advance();
    p.expectPunct('/');
    const bits = p.expectNumber('a prefix length');
    return resolve(p, `${a.text}/${bits}`, a);
  }
  const s = p.expectString('a host');
  if (p.acceptPunct('-')) {
    const e = p.expectString('the end of an address range');
    const b = resolve(p, s.text, s);
    const f = resolve(p, e.text, e);
    if (b.type !== 'addr' || f.type !== 'addr' || b.af !== f.af || b.bits !== undefined || f.bits !== undefined) p.fail('invalid address range', s);
    return { text: `${s.text} - ${e.text}`, not: false, type: 'range', af: b.af };
  }
  if (p.acceptPunct('/')) {
    const bits = p.expectNumber('a prefix length');
    return resolve(p, `${s.text}/${bits}`, s);
  }
  return resolve(p, s.text, s);
}

export function dynaddr(p: PfParser, n: PfToken): GHost {
  if (!/^[A-Za-z]/.test(n.text)) p.fail(`invalid interface name '${n.text}'`, n);
  const parts = n.text.split(':');
  const name = parts[0];
  const mods = parts.slice(1);
  for (const m of mods) if (!['network', 'broadcast', 'peer', '0'].includes(m)) p.fail(`interface ${n.text} has bad modifier`, n);
  if (mods.filter((m) => m !== '0').length > 1) p.fail('illegal combination of interface modifiers', n);
  if (name.length > MAX_IFNAME) p.fail('interface name too long', n);
  const noalias = mods.includes('0');
  return { text: `(${n.text})`, not: false, type: 'dynif', af: '', multiaddr: !noalias || !/[0-9]$/.test(name) };
}

/** pfctl_parser.c host(): an IPv4 or IPv6 address (with /bits), else an interface, group or self. */
export function resolve(p: PfParser, s: string, t: PfToken): GHost {
  const slash = s.lastIndexOf('/');
  let bits: number | undefined;
  let base = s;
  if (slash >= 0) {
    const m = s.slice(slash + 1);
    bits = /^[0-9]+$/.test(m) ? Number(m) : /^0[xX][0-9a-fA-F]+$/.test(m) ? parseInt(m, 16) : NaN;
    if (Number.isNaN(bits) || bits > 128) p.fail(`could not parse host specification (invalid netmask '/${m}')`, t, s);
    base = s.slice(0, slash);
  }
  if (bits !== undefined ? isShortIPv4(base) && bits <= 32 : isIPv4(base)) {
    return { text: s, not: false, type: 'addr', af: 'inet', bits };
  }
  if (isIPv6(base)) return { text: s, not: false, type: 'addr', af: 'inet6', bits };
  const iface = /^([A-Za-z][A-Za-z0-9_]*(?:\.[0-9]+)?)((?::(?:network|broadcast|peer|0))*)$/.exec(base);
  if (iface && iface[1].length <= MAX_IFNAME) {
    const mods = iface[2].split(':').filter((m) => m !== '');
    if (mods.filter((m) => m !== '0').length > 1) p.fail('could not parse host specification (illegal combination of interface modifiers)', t, s);
    if (bits !== undefined && mods.some((m) => m === 'network' || m === 'broadcast')) p.fail('could not parse host specification (network or broadcast lookup, but extra netmask given)', t, s);
    return { text: s, not: false, type: 'ifname', af: '', bits };
  }
  if (/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(base) && /[A-Za-z]/.test(base)) {
    p.fail(`could not parse host specification: '${s}' is no address, interface or table; pfctl would look it up in DNS when it loads the file`, t, s);
  }
  p.fail(`could not parse host specification '${s}'`, t, s);
}

/** `portspec`: a port item or a `{ }` list of them. */
export function portspec(p: PfParser): GPort[] {
  return p.list(() => portItem(p));
}

export function portItem(p: PfParser): GPort {
  const op = unaryop(p);
  const t = p.tok;
  const a = portrange(p, false);
  if (op !== undefined) {
    if (a.to !== undefined) p.fail("':' cannot be used with an other port operator", t);
    return { text: `${op} ${a.from}`, op, from: a.from };
  }
  if (p.tok.type === 'portbinary') {
    const bin = p.advance().text;
    const b = portrange(p, false);
    if (a.to !== undefined || b.to !== undefined) p.fail("':' cannot be used with an other port operator", t);
    return { text: `${a.from} ${bin} ${b.from}`, op: bin, from: a.from, to: b.from };
  }
  return a.to === undefined ? { text: String(a.from), op: '=', from: a.from } : { text: `${a.from}:${a.to}`, op: ':', from: a.from, to: a.to };
}

export function unaryop(p: PfParser): string | undefined {
  if (p.acceptPunct('=')) return '=';
  if (p.acceptPunct('!')) {
    p.expectPunct('=');
    return '!=';
  }
  for (const c of ['<', '>']) {
    if (p.acceptPunct(c)) return p.acceptPunct('=') ? `${c}=` : c;
  }
  return undefined;
}

/** `portrange` / `portstar` (parseport): `80`, `http`, `1000:2000`, and `1000:*` when star. */
export function portrange(p: PfParser, star: boolean): { from: number; to?: number; star?: boolean } {
  const t = p.numberString('a port');
  const colon = t.text.indexOf(':');
  if (colon < 0) return { from: service(p, t.text, t) };
  const a = t.text.slice(0, colon);
  const b = t.text.slice(colon + 1);
  if (star && b === '*') return { from: service(p, a, t), star: true };
  const from = service(p, a, t);
  const to = service(p, b, t);
  return from === to ? { from } : { from, to };
}

/** getservice(): a number 0–65535 or a service name of /etc/services. */
export function service(p: PfParser, s: string, t: PfToken): number {
  if (/^(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(s)) {
    const n = Number(s);
    if (n > 65535) p.fail(`illegal port value ${n}`, t, s);
    return n;
  }
  const svc = lookupService(s);
  if (!svc) p.fail(`unknown port ${s}`, t, s);
  return svc.port;
}

/** inet_net_pton(AF_INET) with bits: `10`, `10.1`, `10.1.2`, `10.1.2.3` (octets 0–255). */
function isShortIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length >= 1 && parts.length <= 4 && parts.every((p) => /^[0-9]{1,3}$/.test(p) && Number(p) <= 255);
}
