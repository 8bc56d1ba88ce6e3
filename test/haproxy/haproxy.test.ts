import { describe, expect, test } from 'vitest';
import { App } from '../../lib/core/app';
import { FreeBsdHost } from '../../lib/core/host';
import { validateTree } from '../../lib/core/pipeline';
import { Secret } from '../../lib/core/secret';
import { CarpCluster } from '../../lib/carp/carp-cluster';
import { Duration } from '../../lib/net/duration';
import { Haproxy } from '../../lib/haproxy/haproxy';
import { StatsAddress } from '../../lib/haproxy/haproxy-props';
import { Certificate } from '../../lib/haproxy/certificate';
import { HealthCheck } from '../../lib/haproxy/health-check';
import { TlsProfile } from '../../lib/haproxy/tls-profile';
import { Testing } from '../../lib/testing/testing';
import { HaproxyConfView } from '../../lib/testing/parse-haproxy';
import { HaproxyCheck } from '../../lib/testing/tools';
import { referenceApp } from './reference';

const skipHaproxy = HaproxyCheck.shouldSkip();
const CONF = '/usr/local/etc/haproxy.conf';
const H1 = 'haproxy01.example.net';
const H2 = 'haproxy02.example.net';

/** Every finding (errors and warnings) of the tree, as path/severity/message. */
function findings(app: App): Array<{ path: string; severity: string; message: string }> {
  return validateTree(app).map((i) => ({ path: i.path, severity: i.severity, message: i.message }));
}

function errorsAt(app: App, path: string): string[] {
  return findings(app).filter((f) => f.path === path && f.severity === 'error').map((f) => f.message);
}

describe('Haproxy on the reference cluster', () => {
  test('every member gets the same haproxy.conf (only the header may name the producer) and haproxy_enable=YES', () => {
    const { app } = referenceApp();
    const s = Testing.synth(app);
    expect(s.file(H1, CONF)).toBe(s.file(H2, CONF));
    for (const h of [H1, H2]) {
      const rc = s.rcConf(h);
      expect(rc.haproxy_enable).toBe('YES');
      // syslogd opens /var/haproxy/var/run/log for the chrooted HAProxy (rc.d/syslogd altlog_proglist).
      expect(rc.altlog_proglist).toBe('haproxy');
      expect(rc.haproxy_chrootdir).toBe('/var/haproxy');
      const f = s.files(h).find((x) => x.path === CONF)!;
      expect(f.mode).toBe(0o644);
      expect(f.secret).toBe(false);
      expect(f.producer).toBe('Haproxy');
    }
    expect(s.warnings).toEqual([]);
  });

  test('the frontend binds all addresses of the VIP (v4 and v6) on 80 and 443, transparent, with the wildcard cert directory', () => {
    const { app } = referenceApp();
    const v = HaproxyConfView.parse(Testing.synth(app).file(H1, CONF));
    expect(v.section('frontend', 'fe_web')!.find('bind').map((b) => b.args.join(' '))).toEqual([
      '10.1.60.200:80 transparent',
      '[fd5e:d1c2:c9de:60::200]:80 transparent',
      '10.1.60.200:443 transparent ssl crt /usr/local/etc/haproxy/certs/ alpn h2,http/1.1',
      '[fd5e:d1c2:c9de:60::200]:443 transparent ssl crt /usr/local/etc/haproxy/certs/ alpn h2,http/1.1',
    ]);
    const fe = v.section('frontend', 'fe_web')!;
    expect(fe.findFirst('http-request redirect')!.args.slice(0, 5)).toEqual(['redirect', 'scheme', 'https', 'code', '308']);
    expect(fe.findFirst('http-after-response')!.args[2]).toBe('max-age=63072000; includeSubDomains');
    expect(fe.findFirst('option')!.args).toEqual(['forwardfor']);
  });

  test('defaults carry the Duration timeouts; the TLS profile chooses the global ssl-default-* lines', () => {
    const app = new App();
    const host = new FreeBsdHost(app, 'H', { hostname: 'h.example.net' });
    host.addInterface('em0', { ipv4: '192.0.2.10/24' });
    const hp = new Haproxy(app, 'P', { target: host, tlsProfile: TlsProfile.modern(), timeouts: { client: Duration.minutes(2), connect: Duration.millis(1500) }, chroot: '' });
    const be = hp.addBackend('be');
    be.addServer('s', { address: '192.0.2.20', port: 80 });
    hp.addFrontend('fe', { addresses: ['192.0.2.10'], defaultBackend: be });
    const s = Testing.synth(app);
    const v = HaproxyConfView.parse(s.file('h.example.net', CONF));
    expect(v.section('defaults')!.findFirst('timeout client')!.args[1]).toBe('2m');
    expect(v.section('defaults')!.findFirst('timeout connect')!.args[1]).toBe('1500ms');
    expect(v.section('global')!.findFirst('ssl-default-bind-options')!.args).toContain('TLSv1.3');
    expect(v.section('global')!.find('chroot')).toEqual([]);
    expect(s.rcConf('h.example.net').altlog_proglist).toBeUndefined();
    // An explicit (non-VIP) address is bound without transparent; no TLS → no redirect, no HSTS.
    const fe = v.section('frontend', 'fe')!;
    expect(fe.find('bind').map((b) => b.args.join(' '))).toEqual(['192.0.2.10:80']);
    expect(fe.find('http-request redirect')).toEqual([]);
    expect(fe.find('http-after-response')).toEqual([]);
  });

  test('a stats page binds each member on its own address; the file is then secret and 0600', () => {
    const { app, haproxy } = referenceApp();
    haproxy.addStatsPage({ user: 'admin', password: Secret.fromLiteral('s3cret pw') });
    const s = Testing.synth(app);
    for (const [h, addr] of [[H1, '10.1.60.201'], [H2, '10.1.60.202']]) {
      const listen = HaproxyConfView.parse(s.file(h, CONF)).section('listen', 'stats')!;
      expect(listen.findFirst('bind')!.args).toEqual([`${addr}:8404`]);
      expect(listen.findFirst('stats auth')!.args[1]).toBe('admin:s3cret pw');
      const f = s.files(h).find((x) => x.path === CONF)!;
      expect([f.mode, f.secret]).toEqual([0o600, true]);
    }
  });

  test('stats page on loopback when asked', () => {
    const { app, haproxy } = referenceApp();
    haproxy.addStatsPage({ user: 'admin', password: Secret.fromLiteral('x'), address: StatsAddress.LOOPBACK, port: 9000 });
    const listen = HaproxyConfView.parse(Testing.synth(app).file(H2, CONF)).section('listen', 'stats')!;
    expect(listen.findFirst('bind')!.args).toEqual(['127.0.0.1:9000']);
  });

  test('peers: the same peers section on both members; localpeer differs per host', () => {
    const { app, haproxy, h2 } = referenceApp();
    haproxy.enablePeers();
    haproxy.setLocalPeerName(h2, 'lb2');
    const s = Testing.synth(app);
    const v1 = HaproxyConfView.parse(s.file(H1, CONF));
    const v2 = HaproxyConfView.parse(s.file(H2, CONF));
    expect(v1.section('global')!.findFirst('localpeer')!.args).toEqual([H1]);
    expect(v2.section('global')!.findFirst('localpeer')!.args).toEqual(['lb2']);
    const peers = (v: HaproxyConfView) => v.section('peers', 'members')!.find('peer').map((p) => p.args.join(' '));
    expect(peers(v1)).toEqual([`${H1} 10.1.60.201:10000`, 'lb2 10.1.60.202:10000']);
    expect(peers(v2)).toEqual(peers(v1));
  });

  test('synthesis is deterministic', () => {
    expect(Testing.synth(referenceApp().app).file(H1, CONF)).toBe(Testing.synth(referenceApp().app).file(H1, CONF));
  });

  test.skipIf(skipHaproxy)('both members\' haproxy.conf pass haproxy -c (user/group www → uid/gid 80, cert dir staged)', () => {
    const { app, haproxy } = referenceApp();
    haproxy.enablePeers();
    haproxy.addStatsPage({ user: 'admin', password: Secret.fromLiteral('pw') });
    const s = Testing.synth(app);
    for (const h of [H1, H2]) {
      const r = HaproxyCheck.check(s.file(h, CONF));
      expect(r.clean).toBe(true); // exit 0 and no [ALERT]/[WARNING] (3.x prints nothing on success)
      expect(r.ok).toBe(true);
      expect(r.warnings).toEqual([]);
      expect(r.adaptations.some((a) => a.startsWith('user www → uid 80'))).toBe(true);
    }
  });

  test.skipIf(skipHaproxy)('a config with every option (TLS servers, cookie, crt-list, file, modern, 503) passes haproxy -c', () => {
    const { app, cluster, vip } = referenceApp();
    const hp = new Haproxy(app, 'Second', { target: cluster, configPath: '/usr/local/etc/haproxy-alt.conf', tlsProfile: TlsProfile.modern(), maxconn: 1000, logLevel: 'notice', logFacility: 'local3' });
    const be = hp.addBackend('be_tls', { healthCheck: HealthCheck.http('/ping', { expectStatus: 204, method: 'HEAD', interval: Duration.millis(500) }), stickyCookie: { name: 'LB' } });
    be.addServer('a', { address: '10.1.70.51', port: 443, tls: { caFile: '/usr/local/etc/ssl/internal-ca.pem', sni: 'a.internal' }, weight: 10, maxconn: 50 });
    be.addServer('b', { address: 'fd5e:d1c2:c9de:70::52', port: 443, tls: { verify: false }, backup: true });
    be.addServer('c', { address: '10.1.70.53', port: 443, tls: {} });
    const fe = hp.addFrontend('fe_alt', {
      vips: [vip], httpPort: 8080, httpsPort: 8443, redirectCode: 301, fallbackStatus: 503, strictSni: true, maxconn: 500,
      certificates: [Certificate.fromFile('/usr/local/etc/ssl/example.net.pem'), Certificate.fromCrtList('/usr/local/etc/haproxy/crt-list')],
      hsts: { includeSubdomains: true, preload: true, maxAge: Duration.days(365) },
    });
    fe.addRoute({ domains: ['*.Example.NET', 'tls.example.net'], backend: be });
    const r = HaproxyCheck.check(Testing.synth(app).file(H1, '/usr/local/etc/haproxy-alt.conf'));
    expect(r.clean).toBe(true); // exit 0 and no [ALERT]/[WARNING] (3.x prints nothing on success)
    expect(r.warnings).toEqual([]);
  });
});

/** A small valid tree to break one rule at a time. */
function base() {
  const { app, cluster, vip, haproxy, h1, h2 } = referenceApp();
  return { app, cluster, vip, haproxy, h1, h2 };
}

describe('validation (each rule: a passing and a failing case, with the construct path)', () => {
  test('the reference tree has no findings at all', () => {
    expect(findings(base().app)).toEqual([]);
  });

  test('two frontends binding the same address and port: error on the later frontend', () => {
    const { app, haproxy, vip } = base();
    const be = haproxy.backends[0];
    haproxy.addFrontend('fe_dup', { vips: [vip], certificates: [Certificate.fromFile('/usr/local/etc/ssl/x.pem')], defaultBackend: be });
    const errs = errorsAt(app, 'Haproxy/fe_dup');
    expect(errs).toContain('Frontend binds 10.1.60.200:80, which Haproxy/fe_web binds already');
    expect(errs).toContain('Frontend binds [fd5e:d1c2:c9de:60::200]:443, which Haproxy/fe_web binds already');
    expect(errorsAt(app, 'Haproxy/fe_web')).toEqual([]);
  });

  test('other ports on the same VIP are fine', () => {
    const { app, haproxy, vip } = base();
    haproxy.addFrontend('fe_other', { vips: [vip], httpPort: 8080, defaultBackend: haproxy.backends[0] });
    expect(errorsAt(app, 'Haproxy/fe_other')).toEqual([]);
  });

  test('a frontend that binds nothing is an error; one with an explicit address is not', () => {
    const { app, haproxy } = base();
    haproxy.addFrontend('fe_none', { defaultBackend: haproxy.backends[0] });
    haproxy.addFrontend('fe_addr', { addresses: ['0.0.0.0'], httpPort: 8081, defaultBackend: haproxy.backends[0] });
    expect(errorsAt(app, 'Haproxy/fe_none')).toEqual(['Frontend binds nothing']);
    expect(errorsAt(app, 'Haproxy/fe_addr')).toEqual([]);
  });

  test('a route to a backend of another Haproxy is an error on the frontend', () => {
    const { app, haproxy, cluster } = base();
    const other = new Haproxy(app, 'Other', { target: cluster });
    const foreign = other.addBackend('be_foreign');
    foreign.addServer('x', { address: '10.1.70.99', port: 80 });
    haproxy.frontends[0].addRoute({ domains: ['foreign.example.net'], backend: foreign });
    expect(errorsAt(app, 'Haproxy/fe_web')).toEqual(['Frontend routes to Other/be_foreign, a backend of another HAProxy']);
    // The foreign backend counts as unused in its own HAProxy.
    expect(errorsAt(app, 'Other/be_foreign')).toEqual(['Backend is not used by any frontend']);
  });

  test('an unused backend is an error; a backend used only as default backend is used', () => {
    const { app, haproxy, vip } = base();
    const unused = haproxy.addBackend('be_unused');
    unused.addServer('u', { address: '10.1.70.90', port: 80 });
    const dflt = haproxy.addBackend('be_default');
    dflt.addServer('d', { address: '10.1.70.91', port: 80 });
    haproxy.addFrontend('fe_alt', { vips: [vip], httpPort: 8080, defaultBackend: dflt });
    expect(errorsAt(app, 'Haproxy/be_unused')).toEqual(['Backend is not used by any frontend']);
    expect(errorsAt(app, 'Haproxy/be_default')).toEqual([]);
  });

  test('a backend without servers is an error', () => {
    const { app, haproxy } = base();
    const empty = haproxy.addBackend('be_empty');
    haproxy.frontends[0].addRoute({ domains: ['empty.example.net'], backend: empty });
    expect(errorsAt(app, 'Haproxy/be_empty')).toEqual(['Backend has no servers']);
    expect(errorsAt(app, 'Haproxy/be_app')).toEqual([]);
  });

  test('names must be HAProxy identifiers (frontend, backend, server); valid ones pass', () => {
    const { app, haproxy, vip } = base();
    const bad = haproxy.addBackend('bad', { name: 'be app' });
    bad.addServer('srv#1', { address: '10.1.70.1', port: 80 });
    haproxy.addFrontend('fe_bad', { name: 'fe/web', vips: [vip], httpPort: 81, defaultBackend: bad });
    expect(errorsAt(app, 'Haproxy/bad')).toEqual(['Backend name is not a valid HAProxy identifier', 'Server name is not a valid HAProxy identifier']);
    expect(errorsAt(app, 'Haproxy/fe_bad')).toEqual(['Frontend name is not a valid HAProxy identifier']);
    const ok = haproxy.addBackend('ok', { name: 'be_ok-1.v2:x' });
    ok.addServer('srv_1', { address: '10.1.70.2', port: 80 });
    haproxy.frontends[0].addRoute({ domains: ['ok.example.net'], backend: ok });
    expect(errorsAt(app, 'Haproxy/ok')).toEqual([]);
  });

  test('certificate paths must be absolute', () => {
    const { app, haproxy, vip } = base();
    haproxy.addFrontend('fe_rel', { vips: [vip], httpPort: 8080, httpsPort: 8443, certificates: [Certificate.fromFile('certs/site.pem')], defaultBackend: haproxy.backends[0] });
    expect(errorsAt(app, 'Haproxy/fe_rel')).toEqual(['Certificate path must be absolute']);
    expect(errorsAt(app, 'Haproxy/fe_web')).toEqual([]);
  });

  test('ports must be 1–65535 (frontend and server); 65535 and 1 pass', () => {
    const { app, haproxy, vip } = base();
    const be = haproxy.addBackend('be_ports');
    be.addServer('zero', { address: '10.1.70.5', port: 0 });
    be.addServer('max', { address: '10.1.70.6', port: 65535 });
    haproxy.addFrontend('fe_ports', { vips: [vip], httpPort: 70000, defaultBackend: be });
    haproxy.addFrontend('fe_edge', { vips: [vip], httpPort: 1, defaultBackend: be });
    expect(errorsAt(app, 'Haproxy/be_ports')).toEqual(['Server zero port must be an integer from 1 to 65535']);
    expect(errorsAt(app, 'Haproxy/fe_ports')).toEqual(['httpPort must be an integer from 1 to 65535']);
    expect(errorsAt(app, 'Haproxy/fe_edge')).toEqual([]);
  });

  test('a bind on a VIP of another cluster is an error; the own cluster\'s VIP is not', () => {
    const { app, haproxy } = base();
    const a = new FreeBsdHost(app, 'A', { hostname: 'a.example.net' });
    a.addInterface('em0', { ipv4: '192.0.2.1/24' });
    const b = new FreeBsdHost(app, 'B', { hostname: 'b.example.net' });
    b.addInterface('em0', { ipv4: '192.0.2.2/24' });
    const otherCluster = new CarpCluster(app, 'OtherCluster', { members: [a, b], interfaceName: 'em0', password: Secret.fromLiteral('anotherpassword') });
    const foreignVip = otherCluster.addVip('Vip', { vhid: 2, ipv4: ['192.0.2.50'] });
    haproxy.addFrontend('fe_foreign', { vips: [foreignVip], defaultBackend: haproxy.backends[0] });
    expect(errorsAt(app, 'Haproxy/fe_foreign')).toEqual(['Frontend binds VIP OtherCluster/Vip of another cluster (OtherCluster)']);
    expect(errorsAt(app, 'Haproxy/fe_web')).toEqual([]);
  });

  test('port 443 without TLS is a warning, not an error; 443 with TLS has none', () => {
    const { app, haproxy } = base();
    haproxy.addFrontend('fe_plain443', { addresses: ['0.0.0.0'], httpPort: 443, defaultBackend: haproxy.backends[0] });
    const f = findings(app).filter((x) => x.path === 'Haproxy/fe_plain443');
    expect(f).toEqual([{ path: 'Haproxy/fe_plain443', severity: 'warning', message: 'Frontend listens on port 443 without TLS' }]);
    expect(findings(app).filter((x) => x.path === 'Haproxy/fe_web')).toEqual([]);
    expect(() => Testing.synth(app)).not.toThrow();
  });

  test('errors stop synthesis and list every problem with its path at once', () => {
    const { app, haproxy } = base();
    haproxy.addBackend('be_lonely');
    haproxy.addFrontend('fe_none');
    expect(() => Testing.synth(app)).toThrow(/\[Haproxy\/be_lonely\] Backend has no servers[\s\S]*\[Haproxy\/be_lonely\] Backend is not used[\s\S]*\[Haproxy\/fe_none\] Frontend binds nothing/);
  });

  test('other checks: domains, route twice, httpsRedirect without TLS, health-check values, stats secret', () => {
    const { app, haproxy, vip } = base();
    const fe = haproxy.frontends[0];
    fe.addRoute({ domains: ['bad domain', 'APP.example.net'], backend: haproxy.backends[0] });
    const be = haproxy.addBackend('be_hc', { healthCheck: HealthCheck.http('healthz', { rise: 0, expectStatus: 99 }) });
    be.addServer('s', { address: 'not-an-ip', port: 80 });
    haproxy.addFrontend('fe_redirect', { vips: [vip], httpPort: 8080, httpsRedirect: true, defaultBackend: be });
    haproxy.addStatsPage({ user: 'admin', password: Secret.fromEnv('CDKBSD_TEST_UNSET_STATS_PW') });
    expect(errorsAt(app, 'Haproxy/fe_web')).toEqual([
      'Route domain is not valid',
      'Domain is routed twice (to Haproxy/be_app and Haproxy/be_app)',
    ]);
    expect(errorsAt(app, 'Haproxy/be_hc')).toEqual([
      'Health check rise must be an integer from 1 to 1000',
      'Health check expectStatus must be an integer from 100 to 599',
      'Health check path must be an absolute URL path',
      'Server s address: Not an IP address',
    ]);
    expect(errorsAt(app, 'Haproxy/fe_redirect')).toEqual(['httpsRedirect needs certificates: without TLS the redirect would loop']);
    expect(errorsAt(app, 'Haproxy')).toEqual(['Stats password: environment variable CDKBSD_TEST_UNSET_STATS_PW is not set or empty']);
  });
});
