import { describe, expect, test } from 'vitest';
import { verify } from 'unixcrypt';
import { spawnSync } from 'child_process';
import { validateTree } from '../../lib/core/pipeline';
import { Secret } from '../../lib/core/secret';
import { Haproxy } from '../../lib/haproxy/haproxy';
import { PathMatch } from '../../lib/haproxy/route';
import { ProxyMode } from '../../lib/haproxy/tcp';
import { PfConfView } from '../../lib/testing/parse-pf';
import { Testing } from '../../lib/testing/testing';
import { HaproxyCheck } from '../../lib/testing/tools';
import { GW, gateway, gatewayRuleset } from '../pf/fixture-gateway';
import { pfOf } from '../pf/helpers';
import { failureOf } from '../robustness/fixtures';
import { referenceApp } from './reference';
import { assertValidEverywhere } from './versions';

const skipHaproxy = HaproxyCheck.shouldSkip();
const CONF = '/usr/local/etc/haproxy.conf';
const H1 = 'haproxy01.example.net';

/** HAProxy on the PF tests' gateway: a public web frontend and an internal TCP service. */
function gatewayProxy() {
  const g = gateway();
  gatewayRuleset(g);
  const hp = new Haproxy(g.app, 'Haproxy', { target: g.host });
  const backend = (name: string, address: string, port: number) => {
    const b = hp.addBackend(name);
    b.addServer('s', { address, port });
    return b;
  };
  return {
    g, hp,
    get be() { return hp.backends.find((b) => b.name === 'be_app') ?? backend('be_app', '10.0.0.20', 8080); },
    get db() { return hp.backends.find((b) => b.name === 'be_db') ?? backend('be_db', '10.0.0.30', 5432); },
  };
}

const canon = (v: PfConfView, text: string) => v.rulesCommented(text).map(PfConfView.canonical);

describe('source allow and deny lists of a frontend', () => {
  test('become HAProxy ACLs (HTTP: 403 before anything else) and a firewall rule passing only the allowed sources, the refused ones blocked after it', () => {
    const { g, hp, be } = gatewayProxy();
    hp.addFrontend('fe_partners', { addresses: ['192.0.2.10'], httpPort: 8080, defaultBackend: be, allowFrom: ['198.51.100.0/24', '2001:db8:ff::/48'], denyFrom: ['198.51.100.66'] });
    const fe = Testing.synth(g.app).haproxyConf(GW).section('frontend', 'fe_partners')!;
    expect(fe.find('acl').map((d) => d.args.join(' '))).toEqual(['src_allowed src 198.51.100.0/24 2001:db8:ff::/48', 'src_denied src 198.51.100.66']);
    expect(fe.find('http-request').slice(0, 2).map((d) => d.text)).toEqual([
      'http-request deny deny_status 403 if !src_allowed', 'http-request deny deny_status 403 if src_denied',
    ]);
    expect(canon(pfOf(g.app, GW), 'HAProxy frontend fe_partners')).toEqual([
      'pass in on vtnet0 proto tcp from 198.51.100.0/24 to 192.0.2.10 port 8080',
      'block in on vtnet0 proto tcp from 198.51.100.66 to 192.0.2.10 port 8080',
    ]);
  });

  test('a TCP frontend rejects the connection (tcp-request connection reject); its opening is as narrow', () => {
    const { g, hp, db } = gatewayProxy();
    hp.addFrontend('fe_pg', { mode: ProxyMode.TCP, addresses: ['10.0.0.1'], port: 5432, defaultBackend: db, allowFrom: ['10.0.0.0/25'] });
    const fe = Testing.synth(g.app).haproxyConf(GW).section('frontend', 'fe_pg')!;
    expect(fe.find('tcp-request').map((d) => d.text)).toEqual(['tcp-request connection reject if !src_allowed']);
    expect(canon(pfOf(g.app, GW), 'HAProxy frontend fe_pg')).toEqual(['pass in on vtnet1 proto tcp from 10.0.0.0/25 to 10.0.0.1 port 5432']);
  });

  test('allow and deny lists of a route are HAProxy ACLs only: the firewall still opens the frontend to everyone', () => {
    const { g, hp, be } = gatewayProxy();
    const admin = hp.addBackend('be_admin');
    admin.addServer('a', { address: '10.0.0.21', port: 8080 });
    const fe = hp.addFrontend('fe_web', { addresses: ['192.0.2.10'], defaultBackend: be });
    fe.addRoute({ paths: [PathMatch.prefix('/admin')], backend: admin, allowFrom: ['10.9.0.0/24'], denyFrom: ['10.9.0.99'] });
    const s = Testing.synth(g.app).haproxyConf(GW).section('frontend', 'fe_web')!;
    expect(s.find('acl').map((d) => d.args.join(' '))).toEqual([
      'path_be_admin path -m str /admin', 'path_be_admin path -m beg /admin/', 'allow_be_admin src 10.9.0.0/24', 'deny_be_admin src 10.9.0.99',
    ]);
    expect(s.find('http-request deny').map((d) => d.text)).toEqual([
      'http-request deny deny_status 403 if { var(txn.route) -m str be_admin } !allow_be_admin',
      'http-request deny deny_status 403 if { var(txn.route) -m str be_admin } deny_be_admin',
    ]);
    expect(canon(pfOf(g.app, GW), 'HAProxy frontend fe_web')).toEqual(['pass in on vtnet0 proto tcp from any to 192.0.2.10 port 80']);
  });

  test.skipIf(skipHaproxy)('frontend and route lists pass haproxy -c without a warning', () => {
    const { g, hp, be, db } = gatewayProxy();
    const fe = hp.addFrontend('fe_web', { addresses: ['192.0.2.10', '2001:db8:1::10'], defaultBackend: be, allowFrom: ['0.0.0.0/0', '::/0'], denyFrom: ['203.0.113.0/24'] });
    fe.addRoute({ paths: [PathMatch.prefix('/admin')], backend: be, allowFrom: ['10.9.0.0/24'] });
    hp.addFrontend('fe_pg', { mode: ProxyMode.TCP, addresses: ['10.0.0.1'], port: 5432, defaultBackend: db, allowFrom: ['10.0.0.0/25'], denyFrom: ['10.0.0.5'] });
    assertValidEverywhere(Testing.synth(g.app).file(GW, CONF));
  });

  test('bad prefixes and an empty allow-list are errors at the frontend', () => {
    const { g, hp, be } = gatewayProxy();
    hp.addFrontend('fe_bad', { addresses: ['192.0.2.10'], defaultBackend: be, allowFrom: [], denyFrom: ['not-a-prefix'], acceptProxyFrom: ['10.0.0.300'] });
    expect(validateTree(g.app).filter((i) => i.path === 'Haproxy/fe_bad').map((i) => [i.message.replace(/:.*/, ''), i.value])).toEqual([
      ['denyFrom', 'not-a-prefix'],
      ['acceptProxyFrom', '10.0.0.300'],
      ['allowFrom is empty', '[]'],
    ]);
  });
});

describe('basic auth on a route', () => {
  const withAuth = (password = Secret.fromLiteral('correct horse')) => {
    const r = referenceApp();
    const admin = r.haproxy.addBackend('be_admin');
    admin.addServer('a', { address: '10.1.70.60', port: 8080 });
    r.haproxy.frontends[0].addRoute({
      domains: ['admin.example.net'], backend: admin,
      basicAuth: { realm: 'Admin area', users: [{ name: 'alice', password }, { name: 'bob', password: Secret.fromLiteral('correct horse') }] },
    });
    return r;
  };

  test('a userlist with SHA-512 crypt hashes that verify the passwords (never the password itself), and a 401 for the route without credentials', () => {
    const { app } = withAuth();
    const s = Testing.synth(app);
    const text = s.file(H1, CONF);
    expect(text).not.toContain('correct horse');
    expect(text).not.toContain('insecure-password');
    const v = s.haproxyConf(H1);
    const users = v.section('userlist', 'fe_web.be_admin')!.find('user');
    expect(users.map((u) => [u.args[0], u.args[1]])).toEqual([['alice', 'password'], ['bob', 'password']]);
    for (const u of users) {
      expect(u.args[2]).toMatch(/^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
      expect(verify('correct horse', u.args[2])).toBe(true);
      expect(verify('wrong', u.args[2])).toBe(false);
    }
    // The same password gets a different salt per user.
    expect(users[0].args[2]).not.toBe(users[1].args[2]);
    const fe = v.section('frontend', 'fe_web')!;
    expect(fe.findFirst('acl auth_be_admin')!.args).toEqual(['auth_be_admin', 'http_auth(fe_web.be_admin)']);
    expect(fe.findFirst('http-request auth')!.text).toBe('http-request auth realm Admin area if { var(txn.route) -m str be_admin } !auth_be_admin');
    // The file carries the hashes: 0600, marked secret.
    const f = s.files(H1).find((x) => x.path === CONF)!;
    expect([f.mode, f.secret]).toEqual([0o600, true]);
  });

  test('the hashes are the same on every synth (the salt is derived, not random) and match openssl passwd -6 with that salt', () => {
    const a = Testing.synth(withAuth().app).file(H1, CONF);
    const b = Testing.synth(withAuth().app).file(H1, CONF);
    expect(a).toBe(b);
    const hash = Testing.synth(withAuth().app).haproxyConf(H1).section('userlist')!.findFirst('user')!.args[2];
    const salt = hash.split('$')[2];
    const r = spawnSync('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], { input: 'correct horse', encoding: 'utf8' });
    if (r.status === 0) expect(r.stdout.trim()).toBe(hash);
  });

  test('a password that cannot be read is an error naming where it comes from, never a value', () => {
    const { app } = withAuth(Secret.fromEnv('CDKBSD_TEST_UNSET_AUTH_PW'));
    const issues = validateTree(app).filter((i) => i.path === 'Haproxy/fe_web');
    expect(issues.map((i) => [i.message, i.value])).toEqual([
      ['Route be_admin basicAuth password of alice: environment variable CDKBSD_TEST_UNSET_AUTH_PW is not set or empty', '<secret from environment variable CDKBSD_TEST_UNSET_AUTH_PW>'],
    ]);
  });

  test('bad users are errors at the frontend', () => {
    const r = referenceApp();
    r.haproxy.frontends[0].addRoute({
      domains: ['admin.example.net'], backend: r.haproxy.backends[0],
      basicAuth: { realm: 'say "hi"', users: [{ name: 'a:b', password: Secret.fromLiteral('x') }, { name: 'c', password: Secret.fromLiteral('z') }, { name: 'c', password: Secret.fromLiteral('y') }] },
    });
    r.haproxy.frontends[0].addRoute({ domains: ['empty.example.net'], backend: r.haproxy.backends[0], basicAuth: { users: [] } });
    expect(validateTree(r.app).filter((i) => i.path === 'Haproxy/fe_web' && i.severity === 'error').map((i) => i.message)).toEqual([
      'Route basicAuth user name is not valid',
      'Route basicAuth names a user twice',
      'Route basicAuth realm is not valid',
      'Route basicAuth needs at least one user',
    ]);

    // A password that is not a Secret cannot be used at all: the call throws, and never shows it.
    const plain = { domains: ['plain.example.net'], backend: r.haproxy.backends[0], basicAuth: { users: [{ name: 'd', password: 'plain-pw' as unknown as Secret }] } };
    const thrown = failureOf(() => r.haproxy.frontends[0].addRoute(plain));
    expect(thrown.issues.map((i) => [i.path, i.message, i.value])).toEqual([['Haproxy/fe_web', 'basicAuth.users[0].password must be a Secret, not a string', undefined]]);
    expect((thrown.error as Error).message).not.toContain('plain-pw');
  });

  test.skipIf(skipHaproxy)('basic auth passes haproxy -c without a warning', () => {
    assertValidEverywhere(Testing.synth(withAuth().app).file(H1, CONF));
  });
});
