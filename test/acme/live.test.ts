/**
 * Live test of ACME certificates: a real ACME server (Debian's pebble, an RFC 8555 test CA), real
 * DNS (BIND taking RFC 2136 updates signed with a TSIG key; pebble-challtestsrv for the DNS hook
 * and HTTP-01), the real client (dehydrated) driven by the generated files, and a live HAProxy
 * whose certificate the generated hook swaps over the runtime API while a client keeps asking.
 *
 * Topology (network namespaces this test creates; nothing leaves them):
 *
 *   ca ns   10.77.0.1/24   pebble :14000 (EAB required; DNS = BIND), pebble :14001 (DNS = challtestsrv),
 *                          BIND :53 (zone example.net, updates by TSIG), challtestsrv DNS :8053 (A → VIP)
 *      | veth
 *   lb ns   10.77.0.2/24, 10.77.1.1/24 (the VIP)   dehydrated (generated config, hook, wrapper), HAProxy
 *      | veth
 *   cl ns   10.77.1.10/24  the client: openssl s_client and a loop of HTTPS requests
 *
 * Each namespace gets /etc/netns/<ns>/resolv.conf naming the test's BIND, so no lookup can go
 * anywhere else. The generated files are written under a temp root (the model's `prefix`); the
 * only test-side setting is CURL_CA_BUNDLE (pebble's TLS certificate comes from a test root).
 *
 * Needs root, iproute2, pebble, dehydrated, bind9, bind9-dnsutils, netcat-openbsd, haproxy,
 * openssl and curl; skips otherwise, unless CDKBSD_REQUIRE_TOOLS=1 (then it fails).
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { App } from '../../lib/core/app';
import { FreeBsdHost } from '../../lib/core/host';
import { Secret } from '../../lib/core/secret';
import { Duration } from '../../lib/net/duration';
import { AcmeCa } from '../../lib/acme/acme-ca';
import { AcmeCertificate } from '../../lib/acme/acme-certificate';
import { AcmeChallenge } from '../../lib/acme/acme-challenge';
import { AcmeModel } from '../../lib/acme/model';
import { renderAcmeFiles } from '../../lib/acme/render';
import { ExternalTools } from '../../lib/testing/tools';

const TOOLS = ['ip', 'pebble', 'pebble-challtestsrv', 'dehydrated', 'named', 'nsupdate', 'nc', 'haproxy', 'openssl', 'curl'];

function canRun(): { ok: boolean; why?: string } {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { ok: false, why: 'not root (network namespaces need root)' };
  const missing = TOOLS.filter((t) => !ExternalTools.available(t));
  if (missing.length > 0) return { ok: false, why: `missing ${missing.join(', ')} (apt-get install pebble dehydrated bind9 bind9-dnsutils netcat-openbsd haproxy openssl curl iproute2)` };
  if (spawnSync('ip', ['netns', 'list']).status !== 0) return { ok: false, why: '`ip netns` unavailable' };
  return { ok: true };
}

const env = canRun();
const skip = !env.ok && !ExternalTools.required();
if (skip) {
  // eslint-disable-next-line no-console
  console.warn(`SKIPPED live ACME test: ${env.why}. Set CDKBSD_REQUIRE_TOOLS=1 to make this a failure.`);
}

const suffix = `${process.pid}`;
const NS = { ca: `cdkbsd-acme-ca-${suffix}`, lb: `cdkbsd-acme-lb-${suffix}`, cl: `cdkbsd-acme-cl-${suffix}` };
const CA_IP = '10.77.0.1';
const VIP = '10.77.1.1';

let work = '';
let root = '';
const procs: ChildProcess[] = [];
const logs = new Map<string, string>();
const secrets = { tsig: '', eab: '', hookToken: '' };
let models: { wildcard: AcmeModel; hook: AcmeModel; http: AcmeModel };
let http01Lines: string[] = [];
let haproxyPid = 0;

function run(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; timeout?: number } = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(args[0], args.slice(1), { encoding: 'utf8', env: opts.env ?? process.env, input: opts.input, timeout: opts.timeout ?? 60_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function must(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}): string {
  const r = run(args, opts);
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

function inNs(ns: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; timeout?: number } = {}) {
  return run(['ip', 'netns', 'exec', ns, ...args], opts);
}

function start(name: string, ns: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): ChildProcess {
  const p = spawn('ip', ['netns', 'exec', ns, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...extraEnv } });
  logs.set(name, '');
  const add = (d: Buffer) => logs.set(name, (logs.get(name) ?? '') + d.toString());
  p.stdout!.on('data', add);
  p.stderr!.on('data', add);
  procs.push(p);
  return p;
}

async function waitFor(what: string, cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}\n${[...logs].map(([k, v]) => `--- ${k}\n${v.slice(-2000)}`).join('\n')}`);
}

/** The certificate HAProxy serves for `sni`, as seen from the client namespace. */
function served(sni: string, caFile?: string): { serial: string; issuer: string; subject: string; san: string; verify: string } {
  const args = ['openssl', 's_client', '-connect', `${VIP}:443`, '-servername', sni, ...(caFile ? ['-CAfile', caFile] : [])];
  const r = inNs(NS.cl, args, { input: '' });
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(r.stdout)?.[0];
  if (!pem) throw new Error(`no certificate from ${sni}: ${r.stderr}`);
  const text = must(['openssl', 'x509', '-noout', '-serial', '-issuer', '-subject', '-ext', 'subjectAltName'], { input: pem });
  return {
    serial: /serial=(\S+)/.exec(text)![1],
    issuer: /issuer=(.*)/.exec(text)![1].trim(),
    subject: /subject=(.*)/.exec(text)![1].trim(),
    san: /Subject Alternative Name:\s*\n\s*(.*)/.exec(text)?.[1].trim() ?? '',
    verify: /Verify return code: (\d+ \([^)]*\))/.exec(r.stdout)?.[1] ?? '',
  };
}

function serialOf(file: string): string {
  return /serial=(\S+)/.exec(must(['openssl', 'x509', '-noout', '-serial', '-in', file]))![1];
}

/** Runs the generated wrapper in the LB namespace, as cron would (plus the test CA bundle). */
function renew(m: AcmeModel, mode: string): { status: number | null; stdout: string; stderr: string } {
  return inNs(NS.lb, [m.paths.renew, mode], { env: { PATH: process.env.PATH, CURL_CA_BUNDLE: path.join(work, 'tls-root.crt') }, timeout: 240_000 });
}

const CLIENT_JS = `
const https = require('https'); const fs = require('fs');
const [vip, sni, stopFile, outFile] = process.argv.slice(2);
const out = []; const started = Date.now();
function one() {
  return new Promise((resolve) => {
    const q = https.request({ host: vip, port: 443, servername: sni, path: '/', headers: { host: sni }, rejectUnauthorized: false, agent: false }, (res) => {
      const serial = res.socket.getPeerCertificate().serialNumber;
      let body = ''; res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body, serial }));
    });
    q.on('error', (e) => resolve({ error: String(e) }));
    q.setTimeout(10000, () => q.destroy(new Error('timeout')));
    q.end();
  });
}
(async () => {
  // Bounded: stops when told, after 4 minutes, or after 30000 requests.
  while (!fs.existsSync(stopFile) && Date.now() - started < 240000 && out.length < 30000) out.push(await one());
  fs.writeFileSync(outFile, JSON.stringify(out));
})();
`;

interface LoopResult { status?: number; body?: string; serial?: string; error?: string }

/** Starts the request loop in the client namespace; `stop()` ends it and returns every result. */
function requestLoop(sni: string): { stop: () => Promise<LoopResult[]> } {
  const stopFile = path.join(work, `stop-${Date.now()}`);
  const outFile = `${stopFile}.json`;
  const p = start(`loop-${sni}`, NS.cl, [process.execPath, path.join(work, 'client.js'), VIP, sni, stopFile, outFile]);
  return {
    stop: async () => {
      fs.writeFileSync(stopFile, '');
      await new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)));
      return JSON.parse(fs.readFileSync(outFile, 'utf8')) as LoopResult[];
    },
  };
}

function teardown(): void {
  for (const p of procs) {
    if (p.exitCode === null && p.pid) {
      try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ }
    }
  }
  // Processes started inside the namespaces (dehydrated's children are done; HAProxy, BIND, pebble).
  for (const ns of Object.values(NS)) {
    const pids = run(['ip', 'netns', 'pids', ns]).stdout.split('\n').filter(Boolean);
    for (const pid of pids) {
      try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ }
    }
  }
  for (const ns of Object.values(NS)) {
    run(['ip', 'netns', 'del', ns]);
    fs.rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
  }
  if (work) fs.rmSync(work, { recursive: true, force: true });
}

function tlsFiles(): void {
  const w = (f: string) => path.join(work, f);
  must(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=cdkbsd test TLS root', '-keyout', w('tls-root.key'), '-out', w('tls-root.crt')]);
  must(['openssl', 'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=pebble', '-keyout', w('pebble.key'), '-out', w('pebble.csr')]);
  fs.writeFileSync(w('ext.cnf'), `subjectAltName=IP:${CA_IP}\n`);
  must(['openssl', 'x509', '-req', '-in', w('pebble.csr'), '-CA', w('tls-root.crt'), '-CAkey', w('tls-root.key'), '-CAcreateserial', '-days', '2', '-extfile', w('ext.cnf'), '-out', w('pebble.crt')]);
}

function pebbleConfig(file: string, port: number, eab: boolean): void {
  fs.writeFileSync(path.join(work, file), JSON.stringify({
    pebble: {
      listenAddress: `${CA_IP}:${port}`, managementListenAddress: `${CA_IP}:${port + 1000}`,
      certificate: path.join(work, 'pebble.crt'), privateKey: path.join(work, 'pebble.key'),
      httpPort: 80, tlsPort: 443, ocspResponderURL: '',
      externalAccountBindingRequired: eab, externalAccountMACKeys: eab ? { 'kid-1': secrets.eab } : {},
    },
  }));
}

function bindConfig(): void {
  const d = path.join(work, 'named');
  fs.mkdirSync(d);
  fs.writeFileSync(path.join(d, 'named.conf'), `options { directory "${d}"; listen-on port 53 { ${CA_IP}; }; listen-on-v6 { none; }; recursion no; pid-file "${d}/named.pid"; dnssec-validation no; session-keyfile "${d}/session.key"; };
controls { };
key "acme-update" { algorithm hmac-sha256; secret "${secrets.tsig}"; };
zone "example.net" { type primary; file "${d}/example.net.zone"; allow-update { key "acme-update"; }; };
`);
  fs.writeFileSync(path.join(d, 'example.net.zone'), `$TTL 60
@ IN SOA ns1.example.net. hostmaster.example.net. 1 60 60 600 60
@ IN NS ns1.example.net.
ns1 IN A ${CA_IP}
@ IN A ${VIP}
* IN A ${VIP}
`);
}

/** The test's HAProxy: one HTTPS frontend with the three generated PEMs, port 80 with the HTTP-01 lines. */
function haproxyConfig(): string {
  const pems = [models.wildcard, models.hook, models.http].map((m) => `crt ${m.paths.pem}`).join(' ');
  return `global
    stats socket ${models.wildcard.paths.haproxySocket} mode 600 level admin expose-fd listeners
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend fe_https
    bind ${VIP}:443 ssl ${pems}
    http-request return status 200 content-type text/plain string ok
frontend fe_http
    bind ${VIP}:80
    ${http01Lines.join('\n    ')}
    http-request return status 404 content-type text/plain string no
`;
}

describe.skipIf(skip)('live: ACME certificates from pebble, deployed into a running HAProxy', () => {
  beforeAll(async () => {
    try {
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-acme-'));
      root = path.join(work, 'root');
      fs.writeFileSync(path.join(work, 'client.js'), CLIENT_JS);
      secrets.tsig = must(['openssl', 'rand', '-base64', '32']).trim();
      secrets.eab = must(['openssl', 'rand', '-base64', '32']).trim().replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      secrets.hookToken = must(['openssl', 'rand', '-hex', '16']).trim();
      for (const [k, v] of Object.entries(secrets)) fs.writeFileSync(path.join(work, `${k}.secret`), `${v}\n`, { mode: 0o600 });

      // Namespaces, links, and a resolv.conf naming only the test's DNS.
      for (const ns of Object.values(NS)) {
        must(['ip', 'netns', 'add', ns]);
        must(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
        fs.mkdirSync(`/etc/netns/${ns}`, { recursive: true });
        fs.writeFileSync(`/etc/netns/${ns}/resolv.conf`, `nameserver ${CA_IP}\n`);
      }
      must(['ip', '-n', NS.ca, 'link', 'add', 'a0', 'type', 'veth', 'peer', 'name', 'a1', 'netns', NS.lb]);
      must(['ip', '-n', NS.lb, 'link', 'add', 'b0', 'type', 'veth', 'peer', 'name', 'b1', 'netns', NS.cl]);
      for (const [ns, dev, a] of [[NS.ca, 'a0', `${CA_IP}/24`], [NS.lb, 'a1', '10.77.0.2/24'], [NS.lb, 'b0', `${VIP}/24`], [NS.cl, 'b1', '10.77.1.10/24']]) {
        must(['ip', '-n', ns, 'addr', 'add', a, 'dev', dev]);
        must(['ip', '-n', ns, 'link', 'set', dev, 'up']);
      }
      // pebble's validation of HTTP-01 reaches the VIP through the LB's other address.
      must(['ip', '-n', NS.ca, 'route', 'add', '10.77.1.0/24', 'via', '10.77.0.2']);

      tlsFiles();
      bindConfig();
      pebbleConfig('pebble-eab.json', 14000, true);
      pebbleConfig('pebble-plain.json', 14001, false);
      const pebbleEnv = { PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0' };
      start('named', NS.ca, ['named', '-g', '-c', path.join(work, 'named', 'named.conf')]);
      start('challtestsrv', NS.ca, ['pebble-challtestsrv', '-dns01', `${CA_IP}:8053`, '-management', `${CA_IP}:8055`, '-http01', '', '-https01', '', '-tlsalpn01', '', '-defaultIPv4', VIP, '-defaultIPv6', '']);
      start('pebble-eab', NS.ca, ['pebble', '-config', path.join(work, 'pebble-eab.json'), '-dnsserver', `${CA_IP}:53`], pebbleEnv);
      start('pebble-plain', NS.ca, ['pebble', '-config', path.join(work, 'pebble-plain.json'), '-dnsserver', `${CA_IP}:8053`], pebbleEnv);
      await waitFor('BIND', () => (logs.get('named') ?? '').includes('running'));
      await waitFor('pebble (EAB)', () => (logs.get('pebble-eab') ?? '').includes('Listening on'));
      await waitFor('pebble', () => (logs.get('pebble-plain') ?? '').includes('Listening on'));
      await waitFor('challtestsrv', () => /Creating HTTP management server|management server on/i.test(logs.get('challtestsrv') ?? ''));

      // A test DNS hook program: publishes TXT records through challtestsrv's management API and
      // insists on the variable the generated hook must export to it.
      const hookProgram = path.join(work, 'dns-hook-challtestsrv');
      fs.writeFileSync(hookProgram, `#!/bin/sh
set -eu
[ "\${CHALLTEST_TOKEN:-}" = "$(cat ${path.join(work, 'hookToken.secret')})" ] || { echo "CHALLTEST_TOKEN missing" >&2; exit 3; }
op=$1; shift
while [ $# -ge 3 ]; do
  name="_acme-challenge.\${1#\\*.}."
  if [ "$op" = deploy_challenge ]; then
    curl -sf -d "{\\"host\\":\\"$name\\",\\"value\\":\\"$3\\"}" http://${CA_IP}:8055/set-txt
  else
    curl -sf -d "{\\"host\\":\\"$name\\"}" http://${CA_IP}:8055/clear-txt
  fi
  shift 3
done
`, { mode: 0o755 });

      // The app: one host, three certificates; files rendered under the temp root.
      const app = new App({ outdir: '/nonexistent-cdkbsd-acme-live' });
      const host = new FreeBsdHost(app, 'Lb', { hostname: 'lb1.example.net' });
      const wildcard = new AcmeCertificate(app, 'Wildcard', {
        target: host, domains: ['example.net', '*.example.net'], acceptTermsOfService: true, email: 'hostmaster@example.net',
        ca: AcmeCa.custom(`https://${CA_IP}:14000/dir`, { eabKeyId: Secret.fromLiteral('kid-1'), eabHmacKey: Secret.fromFile(path.join(work, 'eab.secret')) }),
        challenge: AcmeChallenge.dnsRfc2136({ server: CA_IP, keyName: 'acme-update', secret: Secret.fromFile(path.join(work, 'tsig.secret')), propagation: Duration.seconds(0) }),
      });
      const hook = new AcmeCertificate(app, 'Hooked', {
        target: host, domains: ['hook.example.org'], acceptTermsOfService: true,
        ca: AcmeCa.custom(`https://${CA_IP}:14001/dir`),
        challenge: AcmeChallenge.dnsHook({ command: hookProgram, env: { CHALLTEST_TOKEN: Secret.fromFile(path.join(work, 'hookToken.secret')) }, propagation: Duration.seconds(0) }),
      });
      const http = new AcmeCertificate(app, 'Http', {
        target: host, domains: ['web.example.org'], acceptTermsOfService: true,
        ca: AcmeCa.custom(`https://${CA_IP}:14001/dir`), challenge: AcmeChallenge.http01(),
      });
      models = { wildcard: wildcard._model(host, { prefix: root }), hook: hook._model(host, { prefix: root }), http: http._model(host, { prefix: root }) };
      http01Lines = http._haproxyHttp01Lines({ prefix: root });
      for (const m of Object.values(models)) {
        for (const f of renderAcmeFiles(m)) {
          fs.mkdirSync(path.dirname(f.path), { recursive: true });
          fs.writeFileSync(f.path, f.content, { mode: f.mode });
          fs.chmodSync(f.path, f.mode);
        }
        fs.mkdirSync(path.dirname(m.paths.haproxySocket), { recursive: true });
      }
      // What the deploy does before HAProxy starts: placeholders.
      for (const m of Object.values(models)) {
        const r = renew(m, 'placeholder');
        if (r.status !== 0) throw new Error(`placeholder failed: ${r.stderr}`);
      }
      fs.writeFileSync(path.join(work, 'haproxy.cfg'), haproxyConfig());
      const hp = start('haproxy', NS.lb, ['haproxy', '-db', '-f', path.join(work, 'haproxy.cfg')]);
      await waitFor('HAProxy socket', () => fs.existsSync(models.wildcard.paths.haproxySocket) && hp.exitCode === null);
      haproxyPid = Number(run(['ip', 'netns', 'pids', NS.lb]).stdout.trim().split('\n')[0]);
    } catch (e) {
      teardown();
      throw e;
    }
  }, 90_000);

  afterAll(() => {
    teardown();
    expect(run(['ip', 'netns', 'list']).stdout).not.toContain(`-${suffix}`);
  });

  test('before the first issuance HAProxy serves the placeholders: self-signed, with the certificate\'s names', () => {
    const c = served('app.example.net');
    expect(c.issuer).toBe(c.subject);
    expect(c.subject).toBe('CN = example.net');
    expect(c.san).toBe('DNS:example.net, DNS:*.example.net');
    expect(served('web.example.org').san).toBe('DNS:web.example.org');
  });

  test('wildcard by RFC 2136 (TSIG) with external account binding: issued, swapped in over the runtime API while every request succeeds; a forced renewal too', async () => {
    const m = models.wildcard;
    const pebbleRoot = path.join(work, 'pebble-eab-root.pem');
    fs.writeFileSync(pebbleRoot, must(['ip', 'netns', 'exec', NS.lb, 'curl', '-sf', '--cacert', path.join(work, 'tls-root.crt'), `https://${CA_IP}:15000/roots/0`]));
    const before = served('app.example.net').serial;

    for (const mode of ['cron', 'force']) {
      const old = served('app.example.net').serial;
      const loop = requestLoop('app.example.net');
      await new Promise((r) => setTimeout(r, 500));
      const r = renew(m, mode);
      await new Promise((r2) => setTimeout(r2, 500));
      const results = await loop.stop();
      expect(r.status, `${r.stderr}\n${fs.readFileSync(m.paths.log, 'utf8')}`).toBe(0);

      const now = served('app.example.net', pebbleRoot);
      const issued = serialOf(path.join(m.paths.stateDir, 'certs', m.name, 'cert.pem'));
      expect(now.serial).toBe(issued);
      expect(now.serial).not.toBe(old);
      expect(now.issuer).toMatch(/^CN = Pebble Intermediate CA/);
      expect(now.verify).toBe('0 (ok)');
      expect(now.san.split(', ').sort()).toEqual(['DNS:*.example.net', 'DNS:example.net']);
      // The wildcard covers any one label.
      expect(served('deep.example.net', pebbleRoot).serial).toBe(issued);

      // Every request during the update succeeded; the loop saw the old and the new certificate.
      expect(results.length).toBeGreaterThan(10);
      expect(results.filter((x) => x.status !== 200 || x.body !== 'ok')).toEqual([]);
      const serials = new Set(results.map((x) => (x.serial ?? '').toUpperCase()));
      expect(serials.has(old.toUpperCase())).toBe(true);
      expect(serials.has(issued.toUpperCase())).toBe(true);
      expect(fs.readFileSync(m.paths.log, 'utf8')).toContain('HAProxy serves the new certificate (runtime API, no reload)');
    }
    expect(before).not.toBe(served('app.example.net').serial);
    // No reload: the same HAProxy process serves throughout.
    expect(Number(run(['ip', 'netns', 'pids', NS.lb]).stdout.trim().split('\n')[0])).toBe(haproxyPid);
    // The installed PEM is the chain then the key, 0600; no stale OCSP file.
    const pem = fs.readFileSync(m.paths.pem, 'utf8');
    expect(pem.match(/BEGIN CERTIFICATE/g)!.length).toBeGreaterThanOrEqual(2);
    expect(pem.trimEnd().endsWith('-----END EC PRIVATE KEY-----') || pem.trimEnd().endsWith('-----END PRIVATE KEY-----')).toBe(true);
    expect(fs.statSync(m.paths.pem).mode & 0o777).toBe(0o600);
    // The TXT records were removed again.
    expect(inNs(NS.lb, ['dig', '+short', `@${CA_IP}`, '_acme-challenge.example.net', 'TXT']).stdout.trim()).toBe('');
  }, 300_000);

  test('DNS hook named by the user (challtestsrv\'s API): its Secret reaches it through the 0600 env file; the certificate is served', () => {
    const m = models.hook;
    const r = renew(m, 'cron');
    expect(r.status, `${r.stderr}\n${fs.readFileSync(m.paths.log, 'utf8')}`).toBe(0);
    const pebbleRoot = path.join(work, 'pebble-plain-root.pem');
    fs.writeFileSync(pebbleRoot, must(['ip', 'netns', 'exec', NS.lb, 'curl', '-sf', '--cacert', path.join(work, 'tls-root.crt'), `https://${CA_IP}:15001/roots/0`]));
    const now = served('hook.example.org', pebbleRoot);
    expect(now.verify).toBe('0 (ok)');
    expect(now.san).toBe('DNS:hook.example.org');
    expect(now.serial).toBe(serialOf(path.join(m.paths.stateDir, 'certs', m.name, 'cert.pem')));
    expect(fs.statSync(m.paths.hookEnv).mode & 0o777).toBe(0o600);
  }, 240_000);

  test('HTTP-01: HAProxy answers the token from the map the hook fills over the runtime API; the certificate is served', () => {
    const m = models.http;
    const r = renew(m, 'cron');
    expect(r.status, `${r.stderr}\n${fs.readFileSync(m.paths.log, 'utf8')}`).toBe(0);
    const pebbleRoot = path.join(work, 'pebble-plain-root.pem');
    const now = served('web.example.org', pebbleRoot);
    expect(now.verify).toBe('0 (ok)');
    expect(now.san).toBe('DNS:web.example.org');
    // The token is gone from the map again: an unknown token gets the 404 of the frontend.
    const answer = inNs(NS.cl, ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', `http://${VIP}/.well-known/acme-challenge/none`]);
    expect(answer.stdout).toBe('404');
  }, 240_000);

  test('no secret (TSIG key, EAB HMAC, hook token) in any log or output; only in the 0600 files', () => {
    const all = Object.values(models).flatMap((m) => [m.paths.log]).map((f) => fs.readFileSync(f, 'utf8')).join('\n') + [...logs.values()].join('\n');
    for (const s of Object.values(secrets)) expect(all.includes(s)).toBe(false);
    for (const m of Object.values(models)) {
      for (const f of renderAcmeFiles(m)) {
        const carries = Object.values(secrets).some((s) => f.content.includes(s));
        if (carries) {
          expect([f.path, f.secret, fs.statSync(f.path).mode & 0o777]).toEqual([f.path, true, 0o600]);
        }
      }
    }
  });
});
