import { describe, expect, test } from 'vitest';
import { App } from '../../lib/core/app';
import { validateTree } from '../../lib/core/pipeline';
import { Duration } from '../../lib/net/duration';
import { Certificate } from '../../lib/haproxy/certificate';
import { HealthCheck } from '../../lib/haproxy/health-check';
import { ProxyMode } from '../../lib/haproxy/tcp';
import { Testing } from '../../lib/testing/testing';
import { HaproxyCheck } from '../../lib/testing/tools';
import { referenceApp } from './reference';
import { assertValidEverywhere } from './versions';

const skipHaproxy = HaproxyCheck.shouldSkip();
const H1 = 'haproxy01.example.net';

function errors(app: App, path: string): string[] {
  return validateTree(app).filter((i) => i.path === path && i.severity === 'error').map((i) => i.message);
}

/** The reference cluster with mail and TLS-passthrough services beside the web frontend. */
function mailAndPassthrough() {
  const r = referenceApp();
  const { haproxy, vip } = r;
  const imap = haproxy.addBackend('be_imap', { healthCheck: HealthCheck.tcp() });
  imap.addServer('mail1', { address: '10.1.70.25', port: 143, sendProxyProtocol: true });
  const smtp = haproxy.addBackend('be_smtp', { balance: undefined });
  smtp.addServer('mail1', { address: '10.1.70.25', port: 25 });
  const a = haproxy.addBackend('be_tls_a');
  a.addServer('a1', { address: '10.1.70.31', port: 443 });
  const b = haproxy.addBackend('be_tls_b');
  b.addServer('b1', { address: '10.1.70.32', port: 443 });
  const other = haproxy.addBackend('be_tls_other');
  other.addServer('o1', { address: '10.1.70.33', port: 443 });
  // IMAPS terminated by HAProxy in front of plain IMAP (with the PROXY protocol to Dovecot).
  const imaps = haproxy.addFrontend('fe_imaps', { mode: ProxyMode.TCP, vips: [vip], port: 993, certificates: [Certificate.fromFile('/usr/local/etc/ssl/mail.pem')], defaultBackend: imap });
  // SMTP as plain TCP.
  haproxy.addFrontend('fe_smtp', { mode: ProxyMode.TCP, vips: [vip], port: 25, defaultBackend: smtp });
  // TLS passthrough on 8443, routed by SNI.
  const tls = haproxy.addFrontend('fe_tls', { mode: ProxyMode.TCP, vips: [vip], port: 8443, defaultBackend: other, sniInspectDelay: Duration.seconds(3) });
  tls.addSniRoute({ domains: ['a.example.net'], backend: a });
  tls.addSniRoute({ domains: ['*.b.example.net', 'B.example.net'], backend: b });
  return { ...r, imaps, tls };
}

describe('TCP frontends and backends', () => {
  test('a plain TCP service: mode tcp and option tcplog in the frontend, mode tcp in its backend, no HTTP rules', () => {
    const { app } = mailAndPassthrough();
    const v = Testing.synth(app).haproxyConf(H1);
    const fe = v.section('frontend', 'fe_smtp')!;
    expect(fe.directives.map((d) => d.text)).toEqual([
      'mode tcp', 'option tcplog',
      'bind 10.1.60.200:25 transparent', 'bind [fd5e:d1c2:c9de:60::200]:25 transparent',
      'default_backend be_smtp',
    ]);
    expect(v.section('backend', 'be_smtp')!.directives.slice(0, 2).map((d) => d.text)).toEqual(['mode tcp', 'balance roundrobin']);
    // HTTP backends stay in the defaults' mode http.
    expect(v.section('backend', 'be_app')!.find('mode')).toEqual([]);
  });

  test('TLS termination in front of a TCP service (IMAPS → IMAP): ssl crt on the binds, no ALPN, send-proxy-v2 and check-send-proxy to the server', () => {
    const { app } = mailAndPassthrough();
    const v = Testing.synth(app).haproxyConf(H1);
    const fe = v.section('frontend', 'fe_imaps')!;
    expect(fe.find('bind').map((b) => b.args.join(' '))).toEqual([
      '10.1.60.200:993 transparent ssl crt /usr/local/etc/ssl/mail.pem',
      '[fd5e:d1c2:c9de:60::200]:993 transparent ssl crt /usr/local/etc/ssl/mail.pem',
    ]);
    expect(v.section('backend', 'be_imap')!.findFirst('server')!.args).toEqual(['mail1', '10.1.70.25:143', 'check', 'send-proxy-v2', 'check-send-proxy']);
    expect(v.section('backend', 'be_imap')!.findFirst('mode')!.args).toEqual(['tcp']);
  });

  test('TLS passthrough by SNI: inspect delay, accept on a ClientHello, one ACL per route (exact, wildcard), use_backend in route order, default backend', () => {
    const { app } = mailAndPassthrough();
    const fe = Testing.synth(app).haproxyConf(H1).section('frontend', 'fe_tls')!;
    expect(fe.directives.filter((d) => d.keyword !== 'bind').map((d) => d.text)).toEqual([
      'mode tcp', 'option tcplog',
      'acl sni_be_tls_a req.ssl_sni -i -m str a.example.net',
      'acl sni_be_tls_b req.ssl_sni -i -m str b.example.net',
      'acl sni_be_tls_b req.ssl_sni -i -m end .b.example.net',
      'tcp-request inspect-delay 3s',
      'tcp-request content accept if { req.ssl_hello_type 1 }',
      'use_backend be_tls_a if sni_be_tls_a',
      'use_backend be_tls_b if sni_be_tls_b',
      'default_backend be_tls_other',
    ]);
    expect(fe.find('bind').every((b) => !b.hasArg('ssl'))).toBe(true);
  });

  test('SNI routes of a TLS-terminating TCP frontend match the terminated session (ssl_fc_sni), without an inspect delay', () => {
    const { app, haproxy, vip } = referenceApp();
    const pop = haproxy.addBackend('be_pop');
    pop.addServer('p', { address: '10.1.70.26', port: 110 });
    const fe = haproxy.addFrontend('fe_pop3s', { mode: ProxyMode.TCP, vips: [vip], port: 995, certificates: [Certificate.fromDirectory('/usr/local/etc/ssl/mail/')] });
    fe.addSniRoute({ domains: ['pop.example.net'], backend: pop });
    const s = Testing.synth(app).haproxyConf(H1).section('frontend', 'fe_pop3s')!;
    expect(s.findFirst('acl')!.args).toEqual(['sni_be_pop', 'ssl_fc_sni', '-i', '-m', 'str', 'pop.example.net']);
    expect(s.find('tcp-request')).toEqual([]);
  });

  test.skipIf(skipHaproxy)('the whole config (HTTP, IMAPS, SMTP, SNI passthrough, PROXY protocol) passes haproxy -c without a warning', () => {
    const { app, haproxy } = mailAndPassthrough();
    haproxy.enablePeers();
    expect(assertValidEverywhere(Testing.synth(app).file(H1, '/usr/local/etc/haproxy.conf'))[0]).toMatch(/^2\.6\./);
  });

  test('the PROXY protocol from balancers in front: accept-proxy on every bind, other senders rejected before the header is read, the firewall opened to the balancers', () => {
    const { app, haproxy, vip } = referenceApp();
    const be = haproxy.addBackend('be_api');
    be.addServer('api', { address: '10.1.70.41', port: 8080 });
    const fe = haproxy.addFrontend('fe_behind_lb', { vips: [vip], httpPort: 8080, acceptProxyFrom: ['10.1.50.10', '10.1.50.11'], allowFrom: ['198.51.100.0/24'], defaultBackend: be });
    const v = Testing.synth(app).haproxyConf(H1).section('frontend', 'fe_behind_lb')!;
    expect(v.find('bind').map((b) => b.args.join(' '))).toEqual(['10.1.60.200:8080 transparent accept-proxy', '[fd5e:d1c2:c9de:60::200]:8080 transparent accept-proxy']);
    expect(v.findFirst('acl proxy_senders')!.args).toEqual(['proxy_senders', 'src', '10.1.50.10', '10.1.50.11']);
    expect(v.findFirst('tcp-request')!.text).toBe('tcp-request connection reject unless proxy_senders');
    // The client allow-list applies to the addresses the PROXY header names (http-request sees them).
    expect(v.findFirst('http-request')!.text).toBe('http-request deny deny_status 403 if !src_allowed');
    expect(fe._openingSources()).toEqual({ from: ['10.1.50.10', '10.1.50.11'] });
  });
});

describe('TCP validation', () => {
  test('a TCP frontend needs a port and somewhere to send connections; HTTP-only props are errors naming the prop', () => {
    const { app, haproxy, vip } = referenceApp();
    haproxy.addFrontend('fe_t', { mode: ProxyMode.TCP, vips: [vip], hsts: {}, httpsPort: 8443, forwardedHeaders: false });
    expect(errors(app, 'Haproxy/fe_t')).toEqual([
      'A TCP frontend needs a port',
      'httpsPort is for HTTP frontends',
      'hsts is for HTTP frontends',
      'forwardedHeaders is for HTTP frontends',
      'TCP frontend has nowhere to send connections',
    ]);
  });

  test('port and sniInspectDelay on an HTTP frontend are errors; a bad port and a bad delay on a TCP frontend too', () => {
    const { app, haproxy, vip } = referenceApp();
    const be = haproxy.backends[0];
    haproxy.addFrontend('fe_h', { vips: [vip], httpPort: 8081, port: 9000, sniInspectDelay: Duration.seconds(1), defaultBackend: be });
    haproxy.addFrontend('fe_t', { mode: ProxyMode.TCP, vips: [vip], port: 70000, sniInspectDelay: Duration.minutes(5), defaultBackend: be });
    expect(errors(app, 'Haproxy/fe_h')).toEqual(['port is for TCP frontends', 'sniInspectDelay is for TCP frontends']);
    expect(errors(app, 'Haproxy/fe_t')).toEqual(['port must be an integer from 1 to 65535', 'sniInspectDelay must be a Duration from 100ms to 60s']);
    expect(errors(app, 'Haproxy/be_app')).toEqual(['Backend is used by the HTTP frontend Haproxy/fe_web and the TCP frontend Haproxy/fe_t: HAProxy runs a backend in one mode']);
  });

  test('host routes on a TCP frontend and SNI routes on an HTTP frontend are errors that say what to use instead', () => {
    const { app, haproxy } = mailAndPassthrough();
    haproxy.frontends[0].addSniRoute({ domains: ['x.example.net'], backend: haproxy.backends[0] });
    const tls = haproxy.frontends.find((f) => f.name === 'fe_tls')!;
    tls.addRoute({ domains: ['x.example.net'], backend: haproxy.backends[0] });
    const issues = validateTree(app).filter((i) => i.severity === 'error');
    expect(issues.map((i) => [i.path, i.message, i.allowed])).toEqual([
      ['Haproxy/fe_tls', 'Routes by Host and path need an HTTP frontend', 'addSniRoute on a TCP frontend (TLS by server name), or its defaultBackend'],
      ['Haproxy/fe_web', 'SNI routes are for TCP frontends: an HTTP frontend routes by Host', 'addRoute, or mode: ProxyMode.TCP'],
    ]);
  });

  test('an SNI route shadowed by an earlier wildcard, and a server name routed twice, are errors', () => {
    const { app, tls, haproxy } = mailAndPassthrough();
    tls.addSniRoute({ domains: ['x.b.example.net'], backend: haproxy.backends.find((b) => b.name === 'be_tls_a')! });
    tls.addSniRoute({ domains: ['a.example.net'], backend: haproxy.backends.find((b) => b.name === 'be_tls_b')! });
    expect(errors(app, 'Haproxy/fe_tls')).toEqual([
      'SNI route to Haproxy/be_tls_a never gets x.b.example.net: the earlier route to Haproxy/be_tls_b (*.b.example.net) takes it first',
      'Server name is routed twice (to Haproxy/be_tls_a and Haproxy/be_tls_b)',
    ]);
  });

  test('an HTTP and a TCP frontend on the same address and port: one error that says how HAProxy shares a port', () => {
    const { app, haproxy, vip } = mailAndPassthrough();
    haproxy.addFrontend('fe_clash', { mode: ProxyMode.TCP, vips: [vip], port: 443, defaultBackend: haproxy.backends.find((b) => b.name === 'be_tls_a')! });
    const issues = validateTree(app).filter((i) => i.path === 'Haproxy/fe_clash');
    expect(issues.map((i) => i.message)).toEqual([
      'Frontend binds 10.1.60.200:443, which Haproxy/fe_web binds already (an HTTP and a TCP frontend cannot share an address and port)',
      'Frontend binds [fd5e:d1c2:c9de:60::200]:443, which Haproxy/fe_web binds already (an HTTP and a TCP frontend cannot share an address and port)',
    ]);
    expect(issues[0].allowed).toMatch(/TCP frontend with SNI routes \(addSniRoute\).*HTTP frontend on a loopback address/);
  });

  test('cookie stickiness on a backend of a TCP frontend is an error (it needs HTTP)', () => {
    const { app, haproxy, vip } = referenceApp();
    const be = haproxy.addBackend('be_sticky', { stickyCookie: {} });
    be.addServer('s', { address: '10.1.70.50', port: 5432 });
    haproxy.addFrontend('fe_pg', { mode: ProxyMode.TCP, vips: [vip], port: 5432, defaultBackend: be });
    expect(errors(app, 'Haproxy/be_sticky')).toEqual(['Backend cookie stickiness (stickyCookie) needs HTTP, but the TCP frontend Haproxy/fe_pg uses it']);
  });
});
