/**
 * ACME certificates without a CA: validation (each bad value an error at the certificate's path,
 * with the value and what is allowed, never a secret), the rendered files (dehydrated's config
 * sourced by bash, the TSIG key checked by named-checkconf, the scripts by shellcheck and sh -n,
 * the HTTP-01 lines by haproxy -c), name coverage, and the hook's HAProxy update against a fake
 * runtime API (payload, fallback to a reload, nothing running).
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Construct } from 'constructs';
import { describe, expect, test } from 'vitest';
import { App } from '../../lib/core/app';
import { Diagnostics } from '../../lib/core/diagnostics';
import { FreeBsdHost, ITargetHosts } from '../../lib/core/host';
import { Secret } from '../../lib/core/secret';
import { Duration } from '../../lib/net/duration';
import { AcmeCa } from '../../lib/acme/acme-ca';
import { AcmeCertificate, AcmeCertificateProps } from '../../lib/acme/acme-certificate';
import { AcmeChallenge, TsigAlgorithm } from '../../lib/acme/acme-challenge';
import { AcmeDomains } from '../../lib/acme/domains';
import { AcmeKeyType } from '../../lib/acme/key-type';
import { AcmeModel } from '../../lib/acme/model';
import { renderAcmeFiles } from '../../lib/acme/render';
import { renderHook } from '../../lib/acme/render-hook';
import { ExternalTools, HaproxyCheck } from '../../lib/testing/tools';

const TSIG = 'dGhpcyBpcyBhIHRlc3QgdHNpZyBzZWNyZXQgMTIzNDU2Nzg=';
const HMAC = 'c2VjcmV0LWhtYWMta2V5LWZvci10ZXN0cw';

/** Two hosts as a CARP cluster would offer them (the acme module knows no CARP). */
class Pair extends Construct implements ITargetHosts {
  public readonly targetHosts: FreeBsdHost[];
  constructor(scope: Construct, id: string, hosts: FreeBsdHost[]) {
    super(scope, id);
    this.targetHosts = hosts;
  }
}

function setup(): { app: App; host: FreeBsdHost } {
  const app = new App({ outdir: '/nonexistent-cdkbsd-acme' });
  const host = new FreeBsdHost(app, 'Lb', { hostname: 'lb1.example.net' });
  return { app, host };
}

const rfc2136 = (secret = Secret.fromLiteral(TSIG)) => AcmeChallenge.dnsRfc2136({ server: '192.0.2.53', keyName: 'acme-update', secret });

function cert(props: Partial<AcmeCertificateProps> = {}): { app: App; host: FreeBsdHost; c: AcmeCertificate } {
  const { app, host } = setup();
  const c = new AcmeCertificate(app, 'Cert', { target: host, domains: ['example.net', '*.example.net'], challenge: rfc2136(), acceptTermsOfService: true, ...props } as AcmeCertificateProps);
  return { app, host, c };
}

function issues(app: App): Array<{ path: string; severity: string; message: string; value?: string; allowed?: string }> {
  return Diagnostics.collect(app.node.findAll()).map((i) => ({ path: i.path, severity: i.severity, message: i.message, value: i.value, allowed: i.allowed }));
}

function errorsOf(props: Partial<AcmeCertificateProps>) {
  return issues(cert(props).app).filter((i) => i.severity === 'error');
}

describe('validation', () => {
  test('a good certificate has no finding', () => {
    expect(issues(cert().app)).toEqual([]);
  });

  test.each([
    ['wildcard not leftmost', { domains: ['a.*.example.net'] }, 'A wildcard is allowed only as the whole leftmost label (*.example.net)', 'a.*.example.net'],
    ['partial wildcard label', { domains: ['a*.example.net'] }, 'A wildcard is allowed only as the whole leftmost label (*.example.net)', 'a*.example.net'],
    ['wildcard over a TLD', { domains: ['*.net'] }, 'A wildcard must cover a domain of at least two labels (*.example.net, not *.net)', '*.net'],
    ['upper case', { domains: ['App.example.net'] }, 'Certificate name must be lower case', 'App.example.net'],
    ['IP address', { domains: ['192.0.2.1'] }, 'Certificate name must be a DNS name, not an IP address', '192.0.2.1'],
    ['non-ASCII', { domains: ['bücher.example.net'] }, 'Certificate name must be ASCII (write an internationalized name in its xn-- form)', 'bücher.example.net'],
    ['listed twice', { domains: ['example.net', 'example.net'], name: 'x' }, 'Certificate name is listed twice', 'example.net'],
    ['no domains', { domains: [] }, 'A certificate needs at least one domain', '[]'],
    ['wildcard with HTTP-01', { challenge: AcmeChallenge.http01() }, 'A wildcard name needs a DNS-01 challenge (HTTP-01 cannot prove a wildcard)', '*.example.net'],
    ['plain http CA', { ca: AcmeCa.custom('http://acme.example.net/directory') }, 'ACME directory URL must use https', 'http://acme.example.net/directory'],
    ['CA not a URL', { ca: AcmeCa.custom('acme.example.net') }, 'ACME directory URL is not a URL', 'acme.example.net'],
    ['EAB half', { ca: AcmeCa.custom('https://acme.example.net/dir', { eabKeyId: Secret.fromLiteral('k') }) }, 'External account binding needs both eabKeyId and eabHmacKey', 'eabKeyId only'],
    ['ZeroSSL without EAB', { ca: AcmeCa.zeroSsl({} as any) }, 'ZeroSSL requires external account binding', 'no EAB credentials'],
    ['terms not accepted', { acceptTermsOfService: false }, 'The CA\'s terms of service must be accepted to register an ACME account', 'false'],
    ['bad email', { email: 'root' }, 'ACME contact email is not an address', 'root'],
    ['bad name', { name: '../x' }, 'Certificate name must be a plain file name', '../x'],
    ['relative pemPath', { pemPath: 'certs/x.pem' }, 'pemPath: path must be absolute and plain', 'certs/x.pem'],
    ['pemPath ending .ocsp', { pemPath: '/usr/local/etc/haproxy/certs/x.ocsp' }, 'pemPath must not end in .ocsp, .key, .issuer or .sctl (HAProxy reads those as extra files of a certificate)', '/usr/local/etc/haproxy/certs/x.ocsp'],
    ['renewBefore in hours', { renewBefore: Duration.hours(12) }, 'renewBefore must be whole days from 1 to 180', '12h'],
    ['bad key type', { keyType: 'dsa' as AcmeKeyType }, 'Key type is not known', 'dsa'],
    ['bad RFC 2136 server', { challenge: AcmeChallenge.dnsRfc2136({ server: 'ns 1', keyName: 'k', secret: Secret.fromLiteral(TSIG) }) }, 'RFC 2136 server must be an IP address or a host name', 'ns 1'],
    ['bad TSIG key name', { challenge: AcmeChallenge.dnsRfc2136({ server: '192.0.2.53', keyName: 'a key', secret: Secret.fromLiteral(TSIG) }) }, 'TSIG key name must be a DNS name', 'a key'],
    ['bad TSIG algorithm', { challenge: AcmeChallenge.dnsRfc2136({ server: '192.0.2.53', keyName: 'k', algorithm: 'md5' as TsigAlgorithm, secret: Secret.fromLiteral(TSIG) }) }, 'TSIG algorithm is not known', 'md5'],
    ['TSIG secret a string', { challenge: AcmeChallenge.dnsRfc2136({ server: '192.0.2.53', keyName: 'k', secret: TSIG as any }) }, 'TSIG secret must be a Secret', '<redacted>'],
    ['relative hook command', { challenge: AcmeChallenge.dnsHook({ command: 'dns_cf' }) }, 'DNS hook command must be an absolute path', 'dns_cf'],
    ['reserved hook variable', { challenge: AcmeChallenge.dnsHook({ command: '/usr/local/bin/h', env: { PATH: Secret.fromLiteral('x') } }) }, 'DNS hook environment variable name is reserved', 'PATH'],
  ])('%s: an error at the certificate\'s path with the value and what is allowed', (_what, props, message, value) => {
    const errs = errorsOf(props as Partial<AcmeCertificateProps>);
    expect(errs.map((e) => [e.path, e.message, e.value])).toContainEqual(['Cert', message, value]);
    for (const e of errs) expect(e.allowed, e.message).toBeTruthy();
  });

  test('an unreadable TSIG secret is an error at synth naming where it comes from, never a value', () => {
    delete process.env.CDKBSD_TEST_NO_TSIG;
    const errs = errorsOf({ challenge: rfc2136(Secret.fromEnv('CDKBSD_TEST_NO_TSIG')) });
    expect(errs).toEqual([{ path: 'Cert', severity: 'error', message: 'TSIG secret: environment variable CDKBSD_TEST_NO_TSIG is not set or empty', value: '<secret from environment variable CDKBSD_TEST_NO_TSIG>', allowed: undefined }]);
  });

  test('a malformed secret is an error whose message and value never show it', () => {
    const bad = 'not base64 !! s3cr3t-value';
    const errs = errorsOf({ challenge: rfc2136(Secret.fromLiteral(bad)), ca: AcmeCa.zeroSsl({ eabKeyId: Secret.fromLiteral('kid'), eabHmacKey: Secret.fromLiteral('has space s3cr3t') }) });
    expect(errs.map((e) => [e.message, e.value, e.allowed])).toEqual([
      ['TSIG secret is not well-formed', '<redacted>', 'base64, as tsig-keygen prints it'],
      ['EAB HMAC key is not well-formed', '<redacted>', 'base64url, as the CA gives it'],
    ]);
    expect(JSON.stringify(errs)).not.toContain('s3cr3t');
  });

  test('two certificates with the same name on one host: an error naming the first', () => {
    const { app, host } = setup();
    new AcmeCertificate(app, 'A', { target: host, domains: ['example.net'], challenge: rfc2136(), acceptTermsOfService: true });
    new AcmeCertificate(app, 'B', { target: host, domains: ['example.net', 'www.example.net'], challenge: rfc2136(), acceptTermsOfService: true });
    expect(issues(app)).toEqual([{ path: 'B', severity: 'error', message: 'Certificate name example.net is already used by A on the same host', value: 'example.net', allowed: 'a distinct name' }]);
  });

  test('HTTP-01 on a pair is a warning (only the VIP holder can answer); DNS-01 on a pair is fine', () => {
    const { app } = setup();
    const h2 = new FreeBsdHost(app, 'Lb2', { hostname: 'lb2.example.net' });
    const pair = new Pair(app, 'Pair', [app.node.findChild('Lb') as FreeBsdHost, h2]);
    new AcmeCertificate(app, 'Web', { target: pair, domains: ['www.example.net'], challenge: AcmeChallenge.http01(), acceptTermsOfService: true });
    new AcmeCertificate(app, 'Dns', { target: pair, domains: ['*.example.net'], challenge: rfc2136(), acceptTermsOfService: true });
    const found = issues(app);
    expect(found.map((i) => [i.path, i.severity])).toEqual([['Web', 'warning']]);
    expect(found[0].message).toMatch(/^HTTP-01 on several hosts/);
  });
});

describe('coverage of frontend domains', () => {
  test.each([
    [['*.example.net'], 'app.example.net', true],
    [['*.example.net'], 'APP.example.net.', true],
    [['*.example.net'], 'example.net', false],
    [['*.example.net'], 'a.b.example.net', false],
    [['*.example.net'], 'notexample.net', false],
    [['*.example.net'], '*.example.net', true],
    [['app.example.net'], '*.example.net', false],
    [['example.net', '*.example.net'], 'example.net', true],
  ])('%j covers %s: %s', (names, domain, covered) => {
    expect(AcmeDomains.covers(names, domain)).toBe(covered);
  });

  test('uncovered lists each uncovered domain once, in order', () => {
    const { c } = cert();
    expect(c.uncoveredDomains(['app.example.net', 'example.org', 'a.b.example.net', 'example.org', 'example.net'])).toEqual(['example.org', 'a.b.example.net']);
  });
});

describe('rendered files', () => {
  const ca = AcmeCa.zeroSsl({ eabKeyId: Secret.fromLiteral('kid-123'), eabHmacKey: Secret.fromLiteral(HMAC) });

  test('files, modes and secret marks; secrets only in the 0600 files', () => {
    const { host, c } = cert({ ca, email: 'hostmaster@example.net' });
    const files = c._hostFiles(host);
    expect(files.map((f) => [f.path, f.mode.toString(8), f.secret])).toEqual([
      ['/usr/local/etc/cdkbsd/acme/example.net/config', '600', true],
      ['/usr/local/etc/cdkbsd/acme/example.net/domains.txt', '644', false],
      ['/usr/local/libexec/cdkbsd/acme-example.net-hook', '755', false],
      ['/usr/local/libexec/cdkbsd/acme-example.net-renew', '755', false],
      ['/usr/local/etc/cron.d/cdkbsd-acme-example.net', '644', false],
      ['/usr/local/etc/newsyslog.conf.d/cdkbsd-acme-example.net.conf', '644', false],
      ['/usr/local/etc/cdkbsd/acme/example.net/tsig.key', '600', true],
    ]);
    for (const f of files) {
      const has = [TSIG, HMAC, 'kid-123'].some((s) => f.content.includes(s));
      expect(has, f.path).toBe(f.secret);
    }
    for (const f of files) expect(f.content.split('\n').find((l) => !l.startsWith('#!'))).toBe('# Generated by cdkbsd from Cert. Do not edit: the next synth overwrites it.');
    expect(c._packages()).toEqual(['bind-tools', 'dehydrated']);
    expect(c._rcConf()).toEqual({ cron_enable: 'YES' });
    expect(c.certificate.path).toBe('/usr/local/etc/haproxy/certs/example.net.pem');
    expect(c._deployCommands()).toEqual({ before: ['/usr/local/libexec/cdkbsd/acme-example.net-renew placeholder'], after: ['/usr/local/libexec/cdkbsd/acme-example.net-renew cron'] });
  });

  test('dehydrated\'s config, sourced by bash, gives exactly the intended settings', () => {
    const { host, c } = cert({ ca, email: 'hostmaster@example.net', keyType: AcmeKeyType.RSA_3072, renewBefore: Duration.days(20) });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-acme-u-'));
    const cfg = c._hostFiles(host).find((f) => f.path.endsWith('/config'))!;
    fs.writeFileSync(path.join(dir, 'config'), cfg.content);
    const r = spawnSync('bash', ['-c', 'set -eu; env -i bash -c \'. "$0"; set -o posix; set\' "$1" | grep -E "^(CA|CHALLENGETYPE|BASEDIR|DOMAINS_TXT|WELLKNOWN|HOOK|HOOK_CHAIN|KEY_ALGO|KEYSIZE|RENEW_DAYS|PRIVATE_KEY_RENEW|OCSP_FETCH|OCSP_DAYS|LOCKFILE|CONTACT_EMAIL|EAB_KID|EAB_HMAC_KEY)="', 'x', path.join(dir, 'config')], { encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
    const vars = Object.fromEntries(r.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).replace(/^'|'$/g, '')]));
    expect(vars).toEqual({
      CA: 'https://acme.zerossl.com/v2/DV90', CHALLENGETYPE: 'dns-01', BASEDIR: '/var/db/cdkbsd/acme/example.net',
      DOMAINS_TXT: '/usr/local/etc/cdkbsd/acme/example.net/domains.txt', WELLKNOWN: '/var/db/cdkbsd/acme/example.net/well-known',
      HOOK: '/usr/local/libexec/cdkbsd/acme-example.net-hook', HOOK_CHAIN: 'yes', KEY_ALGO: 'rsa', KEYSIZE: '3072', RENEW_DAYS: '20',
      PRIVATE_KEY_RENEW: 'yes', OCSP_FETCH: 'yes', OCSP_DAYS: '3', LOCKFILE: '/var/db/cdkbsd/acme/example.net/lock',
      CONTACT_EMAIL: 'hostmaster@example.net', EAB_KID: 'kid-123', EAB_HMAC_KEY: HMAC,
    });
  });

  test('Let\'s Encrypt by default: no OCSP (it stopped in 2025), ECDSA P-256; domains.txt names the alias', () => {
    const { host, c } = cert();
    const files = c._hostFiles(host);
    const cfg = files.find((f) => f.path.endsWith('/config'))!.content;
    expect(cfg).toContain("CA='https://acme-v02.api.letsencrypt.org/directory'\n");
    expect(cfg).toContain("OCSP_FETCH='no'\n");
    expect(cfg).toContain("KEY_ALGO='prime256v1'\n");
    expect(cfg).not.toContain('EAB_');
    expect(files.find((f) => f.path.endsWith('domains.txt'))!.content.split('\n')[1]).toBe('example.net *.example.net > example.net');
  });

  test.skipIf(ExternalTools.shouldSkip('named-checkconf', 'check the TSIG key file'))('the TSIG key file is a valid named.conf key statement (named-checkconf)', () => {
    for (const algorithm of Object.values(TsigAlgorithm)) {
      const { host, c } = cert({ challenge: AcmeChallenge.dnsRfc2136({ server: 'ns1.example.net', port: 5353, keyName: 'acme-update.example.net.', algorithm, secret: Secret.fromLiteral(TSIG) }) });
      const key = c._hostFiles(host).find((f) => f.path.endsWith('tsig.key'))!;
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-acme-k-'));
      fs.writeFileSync(path.join(dir, 'tsig.key'), key.content);
      const r = spawnSync('named-checkconf', [path.join(dir, 'tsig.key')], { encoding: 'utf8' });
      fs.rmSync(dir, { recursive: true, force: true });
      expect([algorithm, r.status, r.stdout + r.stderr]).toEqual([algorithm, 0, '']);
      expect(key.content).toContain(`algorithm ${algorithm};`);
    }
  });

  test.skipIf(ExternalTools.shouldSkip('shellcheck', 'lint the generated scripts'))('hook (each challenge) and renew wrapper are shellcheck-clean POSIX sh', () => {
    const { app, host } = setup();
    const all = [
      new AcmeCertificate(app, 'A', { target: host, domains: ['*.example.net'], challenge: rfc2136(), acceptTermsOfService: true, ca }),
      new AcmeCertificate(app, 'B', { target: host, domains: ['b.example.net'], challenge: AcmeChallenge.dnsHook({ command: '/usr/local/libexec/dns-hook', env: { CF_Token: Secret.fromLiteral("it's") } }), acceptTermsOfService: true }),
      new AcmeCertificate(app, 'C', { target: host, domains: ['c.example.net'], challenge: AcmeChallenge.http01(), acceptTermsOfService: true, keyType: AcmeKeyType.RSA_4096 }),
    ];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-acme-s-'));
    const scripts: string[] = [];
    for (const c of all) {
      for (const f of c._hostFiles(host).filter((x) => x.mode === 0o755)) {
        const p = path.join(dir, path.basename(f.path));
        fs.writeFileSync(p, f.content);
        scripts.push(p);
        expect(f.content.startsWith('#!/bin/sh\n')).toBe(true);
      }
    }
    expect(scripts).toHaveLength(6);
    const lint = spawnSync('shellcheck', ['-s', 'sh', '-S', 'style', ...scripts], { encoding: 'utf8' });
    const parse = scripts.map((s) => spawnSync('sh', ['-n', s], { encoding: 'utf8' }).status);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
    expect(parse).toEqual([0, 0, 0, 0, 0, 0]);
  });

  test('cron: two lines a day, 12 hours apart, at a time spread by host; the members of a pair get different hours', () => {
    const { app } = setup();
    const h1 = app.node.findChild('Lb') as FreeBsdHost;
    const h2 = new FreeBsdHost(app, 'Lb2', { hostname: 'lb2.example.net' });
    const c = new AcmeCertificate(app, 'Cert', { target: new Pair(app, 'Pair', [h1, h2]), domains: ['*.example.net'], challenge: rfc2136(), acceptTermsOfService: true });
    const entries = [h1, h2].map((h) => c._hostFiles(h).find((f) => f.path.includes('/cron.d/'))!.content.split('\n').filter((l) => /^\d/.test(l)));
    const fields = entries.map((e) => { expect(e).toHaveLength(1); return e[0].split('\t'); });
    for (const f of fields) {
      expect(f.slice(2)).toEqual(['*', '*', '*', 'root', '/usr/local/libexec/cdkbsd/acme-wildcard.example.net-renew cron']);
      const m = Number(f[0]);
      const [a, b] = f[1].split(',').map(Number);
      expect(m >= 0 && m < 60 && a >= 0 && a < 12 && b === a + 12).toBe(true);
    }
    expect(fields[0][1]).not.toBe(fields[1][1]);
    // Deterministic: the same app renders the same files.
    expect(c._hostFiles(h1)).toEqual(c._hostFiles(h1));
  });

  test.skipIf(HaproxyCheck.shouldSkip())('the HTTP-01 lines are valid in a port-80 frontend (haproxy -c)', () => {
    const { c } = cert({ domains: ['www.example.net'], challenge: AcmeChallenge.http01() });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-acme-h-'));
    const lines = c._haproxyHttp01Lines({ prefix: dir });
    expect(lines).toEqual([`http-request return status 200 content-type text/plain lf-string %[path,field(4,/),map(${dir}/usr/local/etc/cdkbsd/acme/www.example.net/http-01.map)] if { path_beg /.well-known/acme-challenge/ } { path,field(4,/),map(${dir}/usr/local/etc/cdkbsd/acme/www.example.net/http-01.map) -m found }`]);
    fs.mkdirSync(path.join(dir, 'usr/local/etc/cdkbsd/acme/www.example.net'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'usr/local/etc/cdkbsd/acme/www.example.net/http-01.map'), '# empty\n');
    const conf = `defaults\n  mode http\n  timeout connect 5s\n  timeout client 5s\n  timeout server 5s\nfrontend fe\n  bind 127.0.0.1:8080\n  ${lines.join('\n  ')}\n  http-request redirect scheme https code 308\n`;
    fs.writeFileSync(path.join(dir, 'haproxy.cfg'), conf);
    const r = spawnSync('haproxy', ['-c', '-f', path.join(dir, 'haproxy.cfg')], { encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/\[(ALERT|WARNING)\]/);
  });
});

/** A fake HAProxy runtime API on a UNIX socket: answers per command and records what it got. */
async function fakeHaproxy(socket: string, answer: (cmd: string) => string): Promise<{ got: string[]; close: () => Promise<void> }> {
  const got: string[] = [];
  const server = net.createServer((s) => {
    let buf = '';
    s.on('data', (d) => {
      buf += d;
      const first = buf.split('\n')[0];
      const complete = first.endsWith('<<') ? buf.includes('\n\n') : buf.includes('\n');
      if (complete) {
        got.push(buf);
        s.end(answer(first));
      }
    });
  });
  await new Promise<void>((r) => server.listen(socket, () => r()));
  return { got, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe.skipIf(ExternalTools.shouldSkip('nc', 'run the hook against a fake runtime API') || ExternalTools.shouldSkip('openssl', 'make a test certificate'))('the hook against a fake runtime API', () => {
  function stage(): { dir: string; model: AcmeModel; hook: string; key: string; chain: string } {
    const { host, c } = cert();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-acme-f-'));
    const base = c._model(host, { prefix: dir });
    const model: AcmeModel = { ...base, reloadCommand: `echo reloaded >> ${dir}/reloads` };
    const hook = path.join(dir, 'hook');
    fs.writeFileSync(hook, renderHook(model), { mode: 0o755 });
    fs.mkdirSync(model.paths.stateDir, { recursive: true });
    fs.mkdirSync(path.dirname(model.paths.pem), { recursive: true });
    fs.mkdirSync(path.dirname(model.paths.haproxySocket), { recursive: true });
    const key = path.join(dir, 'privkey.pem');
    const chain = path.join(dir, 'fullchain.pem');
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=example.net', '-keyout', key, '-out', chain], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    // dehydrated's fullchain may hold blank lines between certificates: the payload must not.
    fs.writeFileSync(chain, `${fs.readFileSync(chain, 'utf8')}\n\n`);
    fs.writeFileSync(`${model.paths.pem}.ocsp`, 'stale');
    return { dir, model, hook, key, chain };
  }
  const args = (s: ReturnType<typeof stage>) => ['deploy_cert', 'example.net', s.key, path.join(s.dir, 'cert.pem'), s.chain, s.chain, '1'];
  const deploy = (s: ReturnType<typeof stage>) => spawnSync(s.hook, args(s), { encoding: 'utf8', timeout: 60_000 });
  /** The hook run without blocking this process (the fake runtime API answers from it). */
  const deployAsync = (s: ReturnType<typeof stage>) => new Promise<{ status: number | null; stderr: string }>((resolve) => {
    const p = spawn(s.hook, args(s), { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr!.on('data', (d) => { stderr += d; });
    const t = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('exit', (status) => { clearTimeout(t); resolve({ status, stderr }); });
  });

  test('HAProxy not running: the PEM (chain, then key) is installed 0600 for its next start, the stale OCSP file removed', () => {
    const s = stage();
    const r = deploy(s);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`HAProxy is not running: ${s.model.paths.pem} is in place for its next start`);
    const pem = fs.readFileSync(s.model.paths.pem, 'utf8');
    expect(pem).toBe(`${fs.readFileSync(s.chain, 'utf8').trim()}\n${fs.readFileSync(s.key, 'utf8')}`);
    expect(fs.statSync(s.model.paths.pem).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(`${s.model.paths.pem}.ocsp`)).toBe(false);
    // The staging folder is beside the certificate's folder, never in it.
    expect(fs.readdirSync(path.dirname(s.model.paths.pem))).toEqual(['example.net.pem']);
    fs.rmSync(s.dir, { recursive: true, force: true });
  });

  test('runtime API: set ssl cert with the PEM as payload (no blank line), then commit; no reload', async () => {
    const s = stage();
    const api = await fakeHaproxy(s.model.paths.haproxySocket, (cmd) => {
      if (cmd === 'show info') return 'Name: HAProxy\nVersion: 2.6.12\n';
      if (cmd === 'show ssl cert') return `# filename\n${s.model.paths.pem}\n`;
      if (cmd.startsWith('set ssl cert ')) return `Transaction created for certificate ${s.model.paths.pem}!\n`;
      if (cmd.startsWith('commit ssl cert ')) return `Committing ${s.model.paths.pem}.\nSuccess!\n`;
      return 'Unknown command\n';
    });
    const r = await deployAsync(s);
    await api.close();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('HAProxy serves the new certificate (runtime API, no reload)');
    const set = api.got.find((g) => g.startsWith('set ssl cert'))!;
    expect(set).toBe(`set ssl cert ${s.model.paths.pem} <<\n${fs.readFileSync(s.model.paths.pem, 'utf8')}\n`);
    expect(api.got.filter((g) => g.startsWith('commit'))).toEqual([`commit ssl cert ${s.model.paths.pem}\n`]);
    expect(fs.existsSync(path.join(s.dir, 'reloads'))).toBe(false);
    fs.rmSync(s.dir, { recursive: true, force: true });
  });

  test('runtime API refuses: the transaction is aborted and HAProxy reloaded (the new file is already in place)', async () => {
    const s = stage();
    const api = await fakeHaproxy(s.model.paths.haproxySocket, (cmd) => {
      if (cmd === 'show info') return 'Name: HAProxy\n';
      if (cmd === 'show ssl cert') return `# filename\n${s.model.paths.pem}\n`;
      if (cmd.startsWith('set ssl cert ')) return 'unable to load the certificate\n';
      return '\n';
    });
    const r = await deployAsync(s);
    await api.close();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('set ssl cert refused: unable to load the certificate');
    expect(r.stderr).toContain('runtime API update failed: reloading HAProxy');
    expect(api.got).toContain(`abort ssl cert ${s.model.paths.pem}\n`);
    expect(fs.readFileSync(path.join(s.dir, 'reloads'), 'utf8')).toBe('reloaded\n');
    expect(r.stderr).not.toContain('PRIVATE KEY');
    fs.rmSync(s.dir, { recursive: true, force: true });
  });
});
