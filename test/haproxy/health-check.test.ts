/**
 * Health checks: what each check renders (exact lines), that every form passes the real
 * `haproxy -c` cleanly, that bad values are errors with the backend's path, and (live, in
 * network namespaces) that the default HTTP check keeps an nginx-like HTTP/1.1 server UP and
 * that a server taken down and back up goes DOWN, then UP.
 */
import { describe, expect, test } from 'vitest';
import { App } from '../../lib/core/app';
import { FreeBsdHost } from '../../lib/core/host';
import { validateTree } from '../../lib/core/pipeline';
import { Duration } from '../../lib/net/duration';
import { Haproxy } from '../../lib/haproxy/haproxy';
import { HaproxyBackend } from '../../lib/haproxy/backend';
import { HealthCheck, HttpCheckExpect, TcpCheckStep } from '../../lib/haproxy/health-check';
import { Testing } from '../../lib/testing/testing';
import { HaproxyCheck } from '../../lib/testing/tools';

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
