/**
 * Health checks: what each check renders (exact lines), that every form passes the real
 * `haproxy -c` cleanly, that bad values are errors with the backend's path, and (live, in
 * network namespaces) that the default HTTP check keeps an nginx-like HTTP/1.1 server UP and
 * that a server taken down and back up goes DOWN, then UP.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { App } from '../../lib/core/app';
import { FreeBsdHost } from '../../lib/core/host';
import { validateTree } from '../../lib/core/pipeline';
import { Duration } from '../../lib/net/duration';
import { Haproxy } from '../../lib/haproxy/haproxy';
import { HaproxyBackend } from '../../lib/haproxy/backend';
import { HealthCheck, HttpCheckExpect, TcpCheckStep } from '../../lib/haproxy/health-check';
import { Testing } from '../../lib/testing/testing';
import { ExternalTools, HaproxyCheck, StagedHaproxyConfig } from '../../lib/testing/tools';

const CONF = '/usr/local/etc/haproxy.conf';
const HOST = 'lb.example.net';
const skipHaproxy = HaproxyCheck.shouldSkip();

/** One host with HAProxy on 192.0.2.10 and a frontend `fe`; `build` adds backends and routes. */
function proxy(build: (hp: Haproxy, route: (domains: string[], be: HaproxyBackend) => void) => void, defaultBackend?: (hp: Haproxy) => HaproxyBackend): App {
  const app = new App({ outdir: '/nonexistent-cdkbsd-hc' });
  const host = new FreeBsdHost(app, 'Lb', { hostname: HOST });
  host.addInterface('em0', { ipv4: '192.0.2.10/24' });
  const hp = new Haproxy(app, 'Haproxy', { target: host });
  const def = defaultBackend?.(hp);
  const fe = hp.addFrontend('fe', { addresses: ['192.0.2.10'], defaultBackend: def });
  build(hp, (domains, backend) => fe.addRoute({ domains, backend }));
  return app;
}

/** A backend with one server, routed to `domain` (when given). */
function backend(hp: Haproxy, name: string, check: HealthCheck, port = 8080): HaproxyBackend {
  const be = hp.addBackend(name, { healthCheck: check });
  be.addServer('s1', { address: '10.0.0.11', port });
  return be;
}

/** The lines of one backend section (without indentation), as rendered. */
function backendLines(conf: string, name: string): string[] {
  const lines = conf.split('\n');
  const start = lines.indexOf(`backend ${name}`);
  expect(start, `backend ${name} in:\n${conf}`).toBeGreaterThanOrEqual(0);
  const out: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (!l.startsWith(' ')) break;
    out.push(l.trim());
  }
  return out;
}

function errors(app: App): Array<{ path: string; message: string; value?: string; allowed?: string }> {
  return validateTree(app).filter((i) => i.severity === 'error').map((i) => ({ path: i.path, message: i.message, value: i.value, allowed: i.allowed }));
}

/** Every check form, each in its own backend (the table the render and haproxy -c tests share). */
const FORMS: Array<{ name: string; check: HealthCheck; routed?: string[]; lines: string[]; server?: string }> = [
  {
    name: 'be_http_default', check: HealthCheck.http('/healthz'), routed: ['App.Example.NET', 'www.example.net'],
    lines: ['option httpchk', 'http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host app.example.net', 'http-check expect status 200-399', 'default-server inter 2s rise 2 fall 3'],
  },
  {
    name: 'be_http_host', check: HealthCheck.http('/status?full=1', { host: 'internal.example.net:8080', method: 'HEAD', expect: HttpCheckExpect.status(204) }), routed: ['api.example.net'],
    lines: ['option httpchk', 'http-check send meth HEAD uri /status?full=1 ver HTTP/1.1 hdr Host internal.example.net:8080', 'http-check expect status 204', 'default-server inter 2s rise 2 fall 3'],
  },
  {
    name: 'be_http_wildcard', check: HealthCheck.http('/healthz', { expect: HttpCheckExpect.statusRange(200, 299) }), routed: ['*.apps.example.net'],
    lines: ['option httpchk', 'http-check send meth GET uri /healthz ver HTTP/1.0', 'http-check expect status 200-299', 'default-server inter 2s rise 2 fall 3'],
  },
  {
    name: 'be_http_body', check: HealthCheck.http('/healthz', { expect: HttpCheckExpect.bodyContains('"status": "ok"'), interval: Duration.millis(1500), rise: 1, fall: 5 }), routed: ['body.example.net'],
    lines: ['option httpchk', 'http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host body.example.net', `http-check expect string '"status": "ok"'`, 'default-server inter 1500ms rise 1 fall 5'],
  },
  {
    name: 'be_http_regex', check: HealthCheck.http('/healthz', { expect: HttpCheckExpect.bodyMatches("^(ok|it's fine)$"), expectStatus: undefined }), routed: ['regex.example.net'],
    lines: ['option httpchk', 'http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host regex.example.net', `http-check expect rstring '^(ok|it'\\''s fine)$'`, 'default-server inter 2s rise 2 fall 3'],
  },
  {
    name: 'be_http_legacy', check: HealthCheck.http('/ping', { expectStatus: 200 }), routed: ['legacy.example.net'],
    lines: ['option httpchk', 'http-check send meth GET uri /ping ver HTTP/1.1 hdr Host legacy.example.net', 'http-check expect status 200', 'default-server inter 2s rise 2 fall 3'],
  },
  {
    name: 'be_http_agent', check: HealthCheck.http('/healthz', { agent: { port: 9999, interval: Duration.seconds(5), send: 'backend be_http_agent $x "q"' } }), routed: ['agent.example.net'],
    lines: ['option httpchk', 'http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host agent.example.net', 'http-check expect status 200-399', 'default-server inter 2s rise 2 fall 3 agent-port 9999 agent-inter 5s agent-send "backend be_http_agent \\$x \\"q\\"\\n"'],
    server: 'server s1 10.0.0.11:8080 check agent-check',
  },
  {
    name: 'be_tcp', check: HealthCheck.tcp({ agent: { port: 7777 } }), routed: ['tcp.example.net'],
    lines: ['default-server inter 2s rise 2 fall 3 agent-port 7777 agent-inter 2s'],
    server: 'server s1 10.0.0.11:8080 check agent-check',
  },
  { name: 'be_smtp', check: HealthCheck.smtp(), routed: ['smtp.example.net'], lines: ['option smtpchk', 'default-server inter 2s rise 2 fall 3'] },
  { name: 'be_smtp_ehlo', check: HealthCheck.smtp({ domain: 'mx1.example.net' }), routed: ['smtp2.example.net'], lines: ['option smtpchk EHLO mx1.example.net', 'default-server inter 2s rise 2 fall 3'] },
  {
    name: 'be_imap', check: HealthCheck.imap(), routed: ['imap.example.net'],
    lines: ['option tcp-check', "tcp-check expect string '* OK'", 'tcp-check send "a1 LOGOUT\\r\\n"', "tcp-check expect string '* BYE'", 'default-server inter 2s rise 2 fall 3'],
  },
  {
    name: 'be_redis', check: HealthCheck.redis({ interval: Duration.seconds(1) }), routed: ['redis.example.net'],
    lines: ['option tcp-check', 'tcp-check send "PING\\r\\n"', "tcp-check expect rstring '^(\\+PONG|-NOAUTH)'", 'tcp-check send "QUIT\\r\\n"', 'tcp-check expect string +OK', 'default-server inter 1s rise 2 fall 3'],
  },
  { name: 'be_pgsql', check: HealthCheck.postgres('haproxy'), routed: ['pg.example.net'], lines: ['option pgsql-check user haproxy', 'default-server inter 2s rise 2 fall 3'] },
  { name: 'be_mysql', check: HealthCheck.mysql('haproxy_check'), routed: ['my.example.net'], lines: ['option mysql-check user haproxy_check post-41', 'default-server inter 2s rise 2 fall 3'] },
  {
    name: 'be_generic', check: HealthCheck.tcpSendExpect([TcpCheckStep.expectString('220 '), TcpCheckStep.send('NOOP\\ $HOME #x'), TcpCheckStep.sendLine('QUIT'), TcpCheckStep.expectRegex('^221 ')]), routed: ['ftp.example.net'],
    lines: ['option tcp-check', "tcp-check expect string '220 '", 'tcp-check send "NOOP\\\\ \\$HOME #x"', 'tcp-check send "QUIT\\r\\n"', "tcp-check expect rstring '^221 '", 'default-server inter 2s rise 2 fall 3'],
  },
];

function allForms(): App {
  return proxy((hp, route) => {
    for (const f of FORMS) {
      const be = backend(hp, f.name, f.check);
      if (f.routed) route(f.routed, be);
    }
  }, (hp) => backend(hp, 'be_default', HealthCheck.http('/healthz')));
}

describe('HealthCheck renders each form in HAProxy 2.2+ syntax', () => {
  test.each(FORMS.map((f) => [f.name, f] as const))('%s', (_name, f) => {
    const conf = Testing.synth(allForms()).file(HOST, CONF);
    const lines = backendLines(conf, f.name);
    expect(lines.slice(1, -1)).toEqual(f.lines);
    expect(lines[lines.length - 1]).toBe(f.server ?? 'server s1 10.0.0.11:8080 check');
  });

  test('an HTTP check of a backend reached only as the default backend is HTTP/1.0 without Host (never HTTP/1.1 without Host)', () => {
    const conf = Testing.synth(allForms()).file(HOST, CONF);
    expect(backendLines(conf, 'be_default')).toContain('http-check send meth GET uri /healthz ver HTTP/1.0');
    const sends = conf.split('\n').filter((l) => l.includes('http-check send'));
    expect(sends.length).toBe(8);
    for (const l of sends) expect(l.includes('ver HTTP/1.1') === l.includes(' hdr Host ')).toBe(true);
  });

  test('the default Host is the first exact domain of the first route to the backend, whichever frontend added it', () => {
    const app = new App({ outdir: '/nonexistent-cdkbsd-hc' });
    const host = new FreeBsdHost(app, 'Lb', { hostname: HOST });
    host.addInterface('em0', { ipv4: '192.0.2.10/24', ipv6: ['2001:db8::10/64'] });
    const hp = new Haproxy(app, 'Haproxy', { target: host });
    const be = backend(hp, 'be_app', HealthCheck.http('/healthz'));
    const other = backend(hp, 'be_other', HealthCheck.tcp());
    const fe2 = hp.addFrontend('fe_b', { addresses: ['2001:db8::10'] });
    const fe1 = hp.addFrontend('fe_a', { addresses: ['192.0.2.10'] });
    fe2.addRoute({ domains: ['other.example.net'], backend: other });
    fe2.addRoute({ domains: ['*.example.org', 'Second.Example.org'], backend: be });
    fe1.addRoute({ domains: ['first.example.net'], backend: be });
    expect(backendLines(Testing.synth(app).file(HOST, CONF), 'be_app')).toContain('http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host second.example.org');
  });

  test('a TLS server with an SNI is checked with that SNI too (check-sni); without a check, no check-sni', () => {
    const conf = Testing.synth(proxy((hp, route) => {
      const a = hp.addBackend('be_tls', { healthCheck: HealthCheck.http('/healthz') });
      a.addServer('s1', { address: '10.0.0.11', port: 443, tls: { sni: 'app.internal' } });
      route(['tls.example.net'], a);
      const b = hp.addBackend('be_nocheck');
      b.addServer('s1', { address: '10.0.0.12', port: 443, tls: { sni: 'b.internal' } });
      route(['b.example.net'], b);
    })).file(HOST, CONF);
    expect(backendLines(conf, 'be_tls').pop()).toBe('server s1 10.0.0.11:443 check ssl verify required ca-file @system-ca sni str(app.internal) check-sni app.internal');
    expect(backendLines(conf, 'be_nocheck').pop()).toBe('server s1 10.0.0.12:443 ssl verify required ca-file @system-ca sni str(b.internal)');
  });

  test.skipIf(skipHaproxy)('every form passes haproxy -c: exit 0, no [ALERT], no [WARNING]', () => {
    const r = HaproxyCheck.check(Testing.synth(allForms()).file(HOST, CONF));
    expect(r.warnings).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.clean).toBe(true);
  });

  test.skipIf(skipHaproxy)('each form alone passes haproxy -c cleanly', () => {
    for (const f of FORMS) {
      const conf = Testing.synth(proxy((hp, route) => route(f.routed ?? [`${f.name.replace(/_/g, '-')}.example.net`], backend(hp, f.name, f.check)))).file(HOST, CONF);
      const r = HaproxyCheck.check(conf);
      expect({ name: f.name, warnings: r.warnings, clean: r.clean }).toEqual({ name: f.name, warnings: [], clean: true });
    }
  });
});

describe('HealthCheck values are validated: an error with the backend path, the value and what is allowed; nothing is written', () => {
  const BAD: Array<[string, () => HealthCheck, { message: string; value: string; allowed: string }]> = [
    ['status out of range', () => HealthCheck.http('/h', { expect: HttpCheckExpect.status(600) }), { message: 'Health check expected status must be an integer from 100 to 599', value: '600', allowed: '100–599' }],
    ['status range reversed', () => HealthCheck.http('/h', { expect: HttpCheckExpect.statusRange(399, 200) }), { message: 'Health check status range is reversed', value: '399-200', allowed: 'min ≤ max, e.g. statusRange(200, 299)' }],
    ['status not an integer', () => HealthCheck.http('/h', { expect: HttpCheckExpect.statusRange(200, 299.5) }), { message: 'Health check expected status must be an integer from 100 to 599', value: '299.5', allowed: '100–599' }],
    ['expectStatus out of range', () => HealthCheck.http('/h', { expectStatus: 99 }), { message: 'Health check expectStatus must be an integer from 100 to 599', value: '99', allowed: '100–599' }],
    ['expect and expectStatus', () => HealthCheck.http('/h', { expectStatus: 200, expect: HttpCheckExpect.status(204) }), { message: 'Health check has both expect and expectStatus', value: 'expectStatus 200', allowed: 'one of them' }],
    ['body text with a newline', () => HealthCheck.http('/h', { expect: HttpCheckExpect.bodyContains('ok\nfine') }), { message: 'Health check expected body text is not valid', value: '"ok\\nfine"', allowed: 'printable ASCII text without newlines or control characters, 1–1024 characters' }],
    ['empty body text', () => HealthCheck.http('/h', { expect: HttpCheckExpect.bodyContains('') }), { message: 'Health check expected body text is not valid', value: '""', allowed: 'printable ASCII text without newlines or control characters, 1–1024 characters' }],
    ['body regex that does not compile', () => HealthCheck.http('/h', { expect: HttpCheckExpect.bodyMatches('^(ok') }), { message: 'Health check body pattern is not a valid regular expression (/^(ok/: Unterminated group)', value: '^(ok', allowed: 'a regular expression such as ^OK' }],
    ['body expectation with HEAD', () => HealthCheck.http('/h', { method: 'HEAD', expect: HttpCheckExpect.bodyContains('ok') }), { message: 'Health check expects a body text, but a HEAD answer has no body', value: 'method HEAD', allowed: 'method GET, or an expected status' }],
    ['host with a blank', () => HealthCheck.http('/h', { host: 'app example.net' }), { message: 'Health check host is not valid', value: 'app example.net', allowed: 'a host name such as app.example.net, optionally with :port' }],
    ['host with CR LF (header injection)', () => HealthCheck.http('/h', { host: 'a.example.net\r\nX-Evil: 1' }), { message: 'Health check host is not valid', value: 'a.example.net\r\nX-Evil: 1', allowed: 'a host name such as app.example.net, optionally with :port' }],
    ['agent port 0', () => HealthCheck.tcp({ agent: { port: 0 } }), { message: 'Health check agent port must be an integer from 1 to 65535', value: '0', allowed: '1–65535' }],
    ['agent port too big', () => HealthCheck.http('/h', { agent: { port: 65536 } }), { message: 'Health check agent port must be an integer from 1 to 65535', value: '65536', allowed: '1–65535' }],
    ['agent interval too short', () => HealthCheck.tcp({ agent: { port: 9999, interval: Duration.millis(50) } }), { message: 'Health check agent interval is too short', value: Duration.millis(50).toString(), allowed: 'at least 100ms' }],
    ['agent send with a control character', () => HealthCheck.tcp({ agent: { port: 9999, send: 'up\tnow' } }), { message: 'Health check agent send text is not valid', value: '"up\\tnow"', allowed: 'printable ASCII without newlines or control characters, 1–256 characters' }],
    ['interval not a Duration', () => HealthCheck.tcp({ interval: 2000 as unknown as Duration }), { message: 'Health check interval must be a Duration', value: '2000', allowed: 'e.g. Duration.seconds(2)' }],
    ['SMTP domain not a host name', () => HealthCheck.smtp({ domain: 'mx_1;rm' }), { message: 'Health check SMTP domain is not a host name', value: 'mx_1;rm', allowed: 'a host name such as mx1.example.net' }],
    ['PostgreSQL user with a blank', () => HealthCheck.postgres('ha proxy'), { message: 'Health check PostgreSQL user name is not valid', value: 'ha proxy', allowed: 'letters, digits, _, . and - (1–63 characters, not starting with . or -), e.g. haproxy' }],
    ['MySQL user empty', () => HealthCheck.mysql(''), { message: 'Health check MySQL user name is not valid', value: '', allowed: 'letters, digits, _, . and - (1–63 characters, not starting with . or -), e.g. haproxy' }],
    ['no steps', () => HealthCheck.tcpSendExpect([]), { message: 'Health check needs 1 to 32 steps', value: '0', allowed: 'TcpCheckStep.send/sendLine/expectString/expectRegex, 1–32 of them' }],
    ['a step that is not a TcpCheckStep', () => HealthCheck.tcpSendExpect(['PING' as unknown as TcpCheckStep]), { message: 'Health check step 1 is not a TcpCheckStep', value: 'PING', allowed: 'TcpCheckStep.send/sendLine/expectString/expectRegex' }],
    ['a send with a newline', () => HealthCheck.tcpSendExpect([TcpCheckStep.expectString('+OK'), TcpCheckStep.send('PING\r\n')]), { message: 'Health check step 2: text to send is not valid', value: '"PING\\r\\n"', allowed: 'printable ASCII text without newlines or control characters, 1–1024 characters' }],
    ['a regex step that does not compile', () => HealthCheck.tcpSendExpect([TcpCheckStep.expectRegex('[a-')]), { message: 'Health check step 1: expected pattern is not a valid regular expression (/[a-/: Unterminated character class)', value: '[a-', allowed: 'a regular expression such as ^OK' }],
    ['text too long', () => HealthCheck.tcpSendExpect([TcpCheckStep.expectString('x'.repeat(1025))]), { message: 'Health check step 1: expected text is not valid', value: JSON.stringify('x'.repeat(1025)), allowed: 'printable ASCII text without newlines or control characters, 1–1024 characters' }],
  ];

  test.each(BAD)('%s', (_what, make, issue) => {
    const app = proxy((hp, route) => route(['app.example.net'], backend(hp, 'be_x', make())));
    expect(errors(app)).toEqual([{ path: 'Haproxy/be_x', ...issue }]);
    expect(() => Testing.synth(app)).toThrow(issue.message);
  });

  test('the passing case of each rule: the same checks with good values have no finding', () => {
    const app = proxy((hp, route) => {
      const good = [
        HealthCheck.http('/h', { expect: HttpCheckExpect.statusRange(100, 599), agent: { port: 65535, interval: Duration.millis(100), send: 'x' } }),
        HealthCheck.http('/h', { method: 'HEAD', expect: HttpCheckExpect.status(204), host: 'a.example.net:8443' }),
        HealthCheck.smtp({ domain: 'MX1.example.net' }),
        HealthCheck.postgres('a'.repeat(63)),
        HealthCheck.tcpSendExpect(Array.from({ length: 32 }, () => TcpCheckStep.expectString('x'.repeat(1024)))),
      ];
      good.forEach((c, i) => route([`g${i}.example.net`], backend(hp, `be_g${i}`, c)));
    });
    expect(validateTree(app)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Live: real HAProxy and small Node servers in network namespaces this test creates.
//
//   lb ns       10.1.80.1/24  (HAProxy, the generated config staged with HaproxyCheck.stage forRun)
//      | veth
//   servers ns  10.1.80.10/24 (nginx-like HTTP servers on :8081 :8082 :8083, an agent on :9999,
//                              IMAP on :1143, Redis on :6379, SMTP on :2525)
//
// Nothing leaves the namespaces. Needs root, `ip netns` and haproxy: skips otherwise with a
// message, and fails instead when CDKBSD_REQUIRE_TOOLS=1.
// ---------------------------------------------------------------------------------------------

function liveEnv(): { ok: boolean; why?: string } {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { ok: false, why: 'not root' };
  if (!ExternalTools.available('ip') || spawnSync('ip', ['netns', 'list']).status !== 0) return { ok: false, why: '`ip netns` unavailable' };
  if (!HaproxyCheck.haproxyAvailable()) return { ok: false, why: 'haproxy not installed' };
  return { ok: true };
}
const live = liveEnv();
const skipLive = !live.ok && !ExternalTools.required();
if (skipLive) {
  // eslint-disable-next-line no-console
  console.warn(`SKIPPED live health-check test: ${live.why}. Run as root with iproute2 and haproxy, or set CDKBSD_REQUIRE_TOOLS=1 to make this a failure.`);
}

/**
 * The fake servers. `http` behaves as nginx, Apache and Go do: an HTTP/1.1 request without a
 * Host header gets 400; HTTP/1.0 without Host, or any request with a Host, is served. Every
 * server logs what it received as one JSON line.
 */
const FAKE_JS = String.raw`
const http = require('http'); const net = require('net');
const [role, addr, port, name, agentReply] = process.argv.slice(2);
const log = (o) => console.log(JSON.stringify({ name, ...o }));
if (role === 'http') {
  http.createServer({ requireHostHeader: false }, (req, res) => {
    log({ method: req.method, url: req.url, version: req.httpVersion, host: req.headers.host ?? null });
    if (req.httpVersion === '1.1' && !req.headers.host) { res.writeHead(400); res.end('400 Bad Request: no Host'); return; }
    if (req.url === '/healthz') { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"status":"ok"}'); return; }
    res.writeHead(404); res.end();
  }).listen({ host: addr, port: Number(port) }, () => console.log('listening'));
} else {
  net.createServer((s) => {
    s.on('error', () => {});
    let buf = '';
    const banner = { imap: '* OK IMAP4rev1 ready\r\n', smtp: '220 mx.test ESMTP\r\n' }[role];
    if (banner) s.write(banner);
    s.on('data', (d) => {
      buf += d.toString('latin1');
      let i;
      while ((i = buf.indexOf(role === 'agent' ? '\n' : '\r\n')) >= 0) {
        const l = buf.slice(0, i); buf = buf.slice(i + (role === 'agent' ? 1 : 2));
        log({ line: l });
        if (role === 'agent') { s.end(agentReply + '\n'); }
        else if (role === 'imap') { if (l === 'a1 LOGOUT') s.end('* BYE Logging out\r\na1 OK Logout completed.\r\n'); else s.write('a1 BAD\r\n'); }
        else if (role === 'redis') { if (l === 'PING') s.write('+PONG\r\n'); else if (l === 'QUIT') s.end('+OK\r\n'); else s.write('-ERR unknown command\r\n'); }
        else if (role === 'smtp') { if (/^(EHLO|HELO) /.test(l)) s.write('250-mx.test\r\n250 8BITMIME\r\n'); else if (l === 'QUIT') s.end('221 bye\r\n'); else s.write('500 what\r\n'); }
      }
    });
  }).listen({ host: addr, port: Number(port) }, () => console.log('listening'));
}
`;

/** Sends raw bytes to addr:port from inside `ns` and prints the answer (the control requests). */
const RAW_JS = String.raw`
const net = require('net'); const [addr, port, data] = process.argv.slice(2);
const s = net.connect({ host: addr, port: Number(port) }, () => s.write(JSON.parse(data)));
let out = ''; s.on('data', (d) => { out += d; }); s.on('end', () => { process.stdout.write(out); });
s.on('error', (e) => { process.stdout.write('ERROR ' + e.message); });
`;

const SV = '10.1.80.10';

function liveApp(): App {
  const app = new App({ outdir: '/nonexistent-cdkbsd-hc-live' });
  const host = new FreeBsdHost(app, 'Lb', { hostname: HOST });
  host.addInterface('em0', { ipv4: '10.1.80.1/24' });
  const hp = new Haproxy(app, 'Haproxy', { target: host });
  const fast = { interval: Duration.millis(500), rise: 2, fall: 2 };
  // The default check, as the README writes it (only faster): HealthCheck.http('/healthz').
  const app1 = hp.addBackend('be_app', { healthCheck: HealthCheck.http('/healthz', fast) });
  app1.addServer('app1', { address: SV, port: 8081 });
  app1.addServer('app2', { address: SV, port: 8082 });
  const def = hp.addBackend('be_default', { healthCheck: HealthCheck.http('/healthz', fast) });
  def.addServer('d1', { address: SV, port: 8083 });
  const body = hp.addBackend('be_body', { healthCheck: HealthCheck.http('/healthz', { ...fast, expect: HttpCheckExpect.bodyContains('"status":"ok"') }) });
  body.addServer('b1', { address: SV, port: 8083 });
  const agent = hp.addBackend('be_agent', { healthCheck: HealthCheck.http('/healthz', { ...fast, agent: { port: 9999, interval: Duration.millis(500), send: 'be_agent $x' } }) });
  agent.addServer('a1', { address: SV, port: 8083, weight: 100 });
  const imap = hp.addBackend('be_imap', { healthCheck: HealthCheck.imap(fast) });
  imap.addServer('i1', { address: SV, port: 1143 });
  const redis = hp.addBackend('be_redis', { healthCheck: HealthCheck.redis(fast) });
  redis.addServer('r1', { address: SV, port: 6379 });
  const smtp = hp.addBackend('be_smtp', { healthCheck: HealthCheck.smtp({ ...fast, domain: 'lb.example.net' }) });
  smtp.addServer('m1', { address: SV, port: 2525 });
  const fe = hp.addFrontend('fe', { addresses: ['10.1.80.1'], defaultBackend: def });
  fe.addRoute({ domains: ['app.example.net'], backend: app1 });
  fe.addRoute({ domains: ['body.example.net'], backend: body });
  fe.addRoute({ domains: ['agent.example.net'], backend: agent });
  for (const [d, be] of [['imap.example.net', imap], ['redis.example.net', redis], ['smtp.example.net', smtp]] as const) fe.addRoute({ domains: [d], backend: be });
  return app;
}

describe.skipIf(skipLive)('live: health checks against real HAProxy, in network namespaces', () => {
  const suffix = `${process.pid}`;
  const NS = { lb: `cdkbsd-hclb-${suffix}`, servers: `cdkbsd-hcsv-${suffix}` };
  const procs = new Map<string, ChildProcess>();
  const logs = new Map<string, string>();
  let work = '';
  let staged: StagedHaproxyConfig | undefined;
  let haproxyLog = '';

  const run = (args: string[]) => {
    const r = spawnSync(args[0], args.slice(1), { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  };

  async function startFake(key: string, role: string, port: number, extra: string[] = []): Promise<void> {
    const p = spawn('ip', ['netns', 'exec', NS.servers, process.execPath, path.join(work, 'fake.js'), role, SV, String(port), key, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    procs.set(key, p);
    logs.set(key, logs.get(key) ?? '');
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${key} did not start`)), 10_000);
      p.stdout!.on('data', (d) => {
        logs.set(key, logs.get(key)! + String(d));
        if (String(d).includes('listening')) { clearTimeout(t); resolve(); }
      });
      p.on('exit', (code) => { clearTimeout(t); reject(new Error(`${key} exited ${code}`)); });
    });
  }

  async function stopFake(key: string): Promise<void> {
    const p = procs.get(key)!;
    p.removeAllListeners('exit');
    const exited = new Promise((r) => p.once('exit', r));
    process.kill(p.pid!, 'SIGKILL');
    await exited;
    procs.delete(key);
  }

  /** What the fake server `key` logged (its JSON lines). */
  function received(key: string): Array<Record<string, string | null>> {
    return (logs.get(key) ?? '').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  }

  function raw(port: number, data: string): string {
    const r = spawnSync('ip', ['netns', 'exec', NS.servers, process.execPath, path.join(work, 'raw.js'), SV, String(port), JSON.stringify(data)], { encoding: 'utf8', timeout: 20_000 });
    return r.stdout;
  }

  function admin(cmd: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const s = net.createConnection(path.join(staged!.directory, 'haproxy.sock'));
      let out = '';
      s.on('connect', () => s.write(`${cmd}\n`));
      s.on('data', (d) => { out += d; });
      s.on('end', () => resolve(out));
      s.on('error', reject);
    });
  }

  /** `backend/server` → its status, check status, weight and agent status, from `show stat`. */
  async function servers(): Promise<Record<string, { status: string; check: string; weight: string; agent: string }>> {
    const lines = (await admin('show stat')).trim().split('\n');
    const head = lines[0].replace(/^# /, '').split(',');
    const col = (k: string) => head.indexOf(k);
    const out: Record<string, { status: string; check: string; weight: string; agent: string }> = {};
    for (const l of lines.slice(1)) {
      const f = l.split(',');
      if (f[col('svname')] === 'FRONTEND' || f[col('svname')] === 'BACKEND') continue;
      out[`${f[col('pxname')]}/${f[col('svname')]}`] = {
        status: f[col('status')], check: f[col('check_status')].replace(/^\* /, ''), weight: f[col('weight')], agent: f[col('agent_status')].replace(/^\* /, ''),
      };
    }
    return out;
  }

  async function waitFor(what: string, cond: () => Promise<boolean>, ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await cond()) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`timed out waiting for ${what}\nshow stat: ${JSON.stringify(await servers().catch(() => ({})))}\nhaproxy output:\n${haproxyLog}`);
  }

  function teardown(): void {
    for (const p of procs.values()) {
      if (p.exitCode === null && p.pid) {
        try { process.kill(p.pid, 'SIGKILL'); } catch { /* already gone */ }
      }
    }
    procs.clear();
    for (const ns of Object.values(NS)) spawnSync('ip', ['netns', 'del', ns]);
    if (work) fs.rmSync(work, { recursive: true, force: true });
    if (staged) fs.rmSync(staged.directory, { recursive: true, force: true });
  }

  beforeAll(async () => {
    try {
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-hc-live-'));
      fs.writeFileSync(path.join(work, 'fake.js'), FAKE_JS);
      fs.writeFileSync(path.join(work, 'raw.js'), RAW_JS);
      staged = HaproxyCheck.stage(Testing.synth(liveApp()).file(HOST, CONF), { forRun: true });
      for (const ns of Object.values(NS)) {
        run(['ip', 'netns', 'add', ns]);
        run(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
      }
      run(['ip', '-n', NS.lb, 'link', 'add', 'h0', 'type', 'veth', 'peer', 'name', 'h1', 'netns', NS.servers]);
      run(['ip', '-n', NS.lb, 'addr', 'add', '10.1.80.1/24', 'dev', 'h0']);
      run(['ip', '-n', NS.servers, 'addr', 'add', `${SV}/24`, 'dev', 'h1']);
      run(['ip', '-n', NS.lb, 'link', 'set', 'h0', 'up']);
      run(['ip', '-n', NS.servers, 'link', 'set', 'h1', 'up']);
      await startFake('app1', 'http', 8081);
      await startFake('app2', 'http', 8082);
      await startFake('d1', 'http', 8083);
      await startFake('agent', 'agent', 9999, ['50%']);
      await startFake('imap', 'imap', 1143);
      await startFake('redis', 'redis', 6379);
      await startFake('smtp', 'smtp', 2525);
      const hp = spawn('ip', ['netns', 'exec', NS.lb, 'haproxy', '-f', staged.configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
      procs.set('haproxy', hp);
      hp.stdout!.on('data', (d) => { haproxyLog += d; });
      hp.stderr!.on('data', (d) => { haproxyLog += d; });
      await waitFor('the admin socket', async () => fs.existsSync(path.join(staged!.directory, 'haproxy.sock')) && hp.exitCode === null, 10_000);
    } catch (e) {
      teardown();
      throw e;
    }
  }, 60_000);

  afterAll(() => {
    teardown();
    const list = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
    for (const ns of Object.values(NS)) expect(list).not.toContain(ns);
  });

  test('the fake HTTP server is as strict as nginx: HTTP/1.1 without Host gets 400; HTTP/1.0 without Host and HTTP/1.1 with Host get 200', () => {
    expect(raw(8083, 'GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw(8083, 'GET /healthz HTTP/1.0\r\n\r\n')).toMatch(/^HTTP\/1\.1 200 /);
    expect(raw(8083, 'GET /healthz HTTP/1.1\r\nHost: app.example.net\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 200 /);
  });

  test('every server passes its check (L7OK, UP): the default HTTP check, HTTP/1.0 without a route domain, a body text, IMAP, Redis, SMTP', async () => {
    const want = ['be_app/app1', 'be_app/app2', 'be_default/d1', 'be_body/b1', 'be_agent/a1', 'be_imap/i1', 'be_redis/r1', 'be_smtp/m1'];
    // Servers start UP in HAProxy: only a passed check (L7OK) proves the check works.
    await waitFor('every check L7OK', async () => {
      const s = await servers();
      return want.every((k) => s[k]?.check === 'L7OK' && s[k]?.status === 'UP');
    }, 20_000);
    // What the servers saw: HTTP/1.1 with the route's domain as Host; HTTP/1.0 without Host
    // for the default backend (which has no domain); the protocol lines with real CR LF.
    const appChecks = received('app1').filter((r) => r.url === '/healthz');
    expect(appChecks.length).toBeGreaterThan(0);
    expect(new Set(appChecks.map((r) => `${r.method} ${r.version} ${r.host}`))).toEqual(new Set(['GET 1.1 app.example.net']));
    const d1 = new Set(received('d1').filter((r) => r.url === '/healthz').map((r) => `${r.version} ${r.host}`));
    expect(d1).toContain('1.0 null');
    expect(d1).toContain('1.1 body.example.net');
    expect(received('imap').map((r) => r.line)).toContain('a1 LOGOUT');
    expect(new Set(received('redis').map((r) => r.line))).toEqual(new Set(['PING', 'QUIT']));
    expect(new Set(received('smtp').map((r) => r.line))).toEqual(new Set(['EHLO lb.example.net', 'QUIT']));
  }, 30_000);

  test('the agent check sends its line and applies the answer (50% of weight 100)', async () => {
    await waitFor('agent weight 50', async () => (await servers())['be_agent/a1']?.weight === '50', 20_000);
    expect(new Set(received('agent').map((r) => r.line))).toEqual(new Set(['be_agent $x']));
  }, 30_000);

  test('a server taken down is marked DOWN, and UP again once it is back', async () => {
    await waitFor('app2 UP', async () => (await servers())['be_app/app2']?.status === 'UP', 20_000);
    await stopFake('app2');
    await waitFor('app2 DOWN', async () => (await servers())['be_app/app2']?.status.startsWith('DOWN'), 20_000);
    const down = (await servers())['be_app/app2'];
    expect(down.check).toBe('L4CON'); // connection refused
    expect((await servers())['be_app/app1']).toMatchObject({ status: 'UP', check: 'L7OK' });
    await startFake('app2', 'http', 8082);
    await waitFor('app2 UP again', async () => {
      const s = (await servers())['be_app/app2'];
      return s?.status === 'UP' && s.check === 'L7OK';
    }, 20_000);
  }, 60_000);
});
