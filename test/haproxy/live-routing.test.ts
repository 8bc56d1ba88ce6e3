/**
 * Live test of issue 16's features: real HAProxy with a generated haproxy.conf, in network
 * namespaces this test creates, with tiny Node servers as backends. Checks what only a running
 * HAProxy can show: TLS passed through untouched and routed by SNI, routes by host and path, a
 * redirect, a header value with a literal %, basic auth against the SHA-512 hash, a 429 after
 * the rate limit, and the PROXY protocol v2 reaching a server with the client's address.
 *
 *   client ns  10.1.60.10/24
 *      | veth
 *   lb ns      10.1.60.200/24 (the host's address), 10.1.70.1/24
 *      | veth
 *   servers ns 10.1.70.11 (api), .12 (app), .13 (PROXY echo), .21 / .22 (TLS a / b)
 *
 * Nothing leaves the namespaces. Needs root, `ip netns`, haproxy and openssl; skips otherwise,
 * unless CDKBSD_REQUIRE_TOOLS=1 (then it fails).
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
import { Haproxy } from '../../lib/haproxy/haproxy';
import { HttpRedirect, PathMatch } from '../../lib/haproxy/route';
import { ProxyMode } from '../../lib/haproxy/tcp';
import { Testing } from '../../lib/testing/testing';
import { ExternalTools, HaproxyCheck, StagedHaproxyConfig } from '../../lib/testing/tools';
import { liveSkip } from '../support/live';

const HOST = 'lb.example.net';
const LB = '10.1.60.200';
const CLIENT = '10.1.60.10';

const skip = liveSkip('live routing test', ['haproxy', 'openssl'], 'apt-get install haproxy openssl iproute2');

/** The app under test: one host, an HTTP frontend with routes, a rate-limited one, SNI passthrough, PROXY protocol. */
function liveApp(): App {
  const app = new App({ outdir: '/nonexistent-cdkbsd-live-routing' });
  const host = new FreeBsdHost(app, 'Lb', { hostname: HOST });
  host.addInterface('vtnet0', { ipv4: `${LB}/24` });
  host.addInterface('vtnet1', { ipv4: '10.1.70.1/24' });
  const hp = new Haproxy(app, 'Haproxy', { target: host });
  const be = (name: string, address: string, port: number, sendProxyProtocol = false) => {
    const b = hp.addBackend(name);
    b.addServer('s1', { address, port, sendProxyProtocol });
    return b;
  };
  const api = be('be_api', '10.1.70.11', 8080);
  const web = be('be_app', '10.1.70.12', 8080);
  const fe = hp.addFrontend('fe_web', { addresses: [LB] });
  fe.addRoute({ domains: ['app.example.net'], paths: [PathMatch.prefix('/api')], backend: api, requestHeaders: { 'X-Route': 'api 100%' } });
  fe.addRoute({ domains: ['app.example.net'], paths: [PathMatch.exact('/old')], redirect: HttpRedirect.toLocation('/new', { code: 302 }) });
  fe.addRoute({ domains: ['admin.example.net'], backend: web, basicAuth: { users: [{ name: 'alice', password: Secret.fromLiteral('s3cret pw') }] } });
  fe.addRoute({ domains: ['app.example.net'], backend: web, responseHeaders: { 'X-Frame-Options': 'DENY' } });
  hp.addFrontend('fe_limited', { addresses: [LB], httpPort: 8081, defaultBackend: web, rateLimit: { requests: 5, period: Duration.seconds(30) } });
  const tls = hp.addFrontend('fe_tls', { mode: ProxyMode.TCP, addresses: [LB], port: 8443 });
  tls.addSniRoute({ domains: ['a.example.net'], backend: be('be_tls_a', '10.1.70.21', 9443) });
  tls.addSniRoute({ domains: ['*.b.example.net'], backend: be('be_tls_b', '10.1.70.22', 9443) });
  hp.addFrontend('fe_echo', { mode: ProxyMode.TCP, addresses: [LB], port: 2525, defaultBackend: be('be_echo', '10.1.70.13', 2525, true) });
  return app;
}

const suffix = `${process.pid}`;
const NS = { client: `cdkbsd-rc-${suffix}`, lb: `cdkbsd-rl-${suffix}`, servers: `cdkbsd-rs-${suffix}` };

function sh(args: string[]): void {
  const r = spawnSync(args[0], args.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
}

/** Backends: `http <addr> <port> <name>`, `https <addr> <port> <name> <pem>`, `proxy <addr> <port>` (PROXY v2 echo). */
const SERVER_JS = `
const [kind, addr, port, name, pem] = process.argv.slice(2);
const ready = () => console.log('listening');
if (kind === 'proxy') {
  require('net').createServer((s) => {
    s.once('data', (d) => {
      // PROXY v2: 12-byte signature, version/command, family, length, then TCP4 addresses and ports.
      const sig = d.subarray(0, 12).toString('hex') === '0d0a0d0a000d0a515549540a';
      const src = sig && d[13] === 0x11 ? d.subarray(16, 20).join('.') + ':' + d.readUInt16BE(24) : 'no PROXY header';
      s.end('from ' + src + '\\n');
    });
  }).listen({ host: addr, port: Number(port) }, ready);
} else {
  const handler = (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ server: name, url: req.url, headers: req.headers }));
  };
  const srv = kind === 'https'
    ? require('https').createServer({ key: require('fs').readFileSync(pem), cert: require('fs').readFileSync(pem) }, handler)
    : require('http').createServer(handler);
  srv.listen({ host: addr, port: Number(port) }, ready);
}
`;

/** Client: `http` requests, `tls` connections by server name (the certificate seen), raw `tcp`. */
const CLIENT_JS = `
const reqs = JSON.parse(process.argv[2]);
function one(r) {
  return new Promise((resolve) => {
    const [host, port] = r.hostport.split(':');
    if (r.kind === 'tcp') {
      const s = require('net').connect({ host, port: Number(port) }, () => {});
      let data = ''; s.on('data', (d) => { data += d; }); s.on('end', () => resolve({ body: data })); s.on('error', (e) => resolve({ error: String(e) }));
      return;
    }
    if (r.kind === 'tls') {
      const q = require('https').request({ host, port: Number(port), path: '/', servername: r.servername, headers: { host: r.servername }, rejectUnauthorized: false, agent: false }, (res) => {
        const cn = res.socket.getPeerCertificate().subject.CN;
        let body = ''; res.on('data', (d) => { body += d; }); res.on('end', () => resolve({ status: res.statusCode, body, cn }));
      });
      q.on('error', (e) => resolve({ error: String(e) })); q.end();
      return;
    }
    const headers = Object.assign({ host: r.host }, r.auth ? { authorization: 'Basic ' + Buffer.from(r.auth).toString('base64') } : {});
    const q = require('http').request({ host, port: Number(port), path: r.path || '/', headers, agent: false }, (res) => {
      let body = ''; res.on('data', (d) => { body += d; }); res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    q.on('error', (e) => resolve({ error: String(e) })); q.setTimeout(15000, () => q.destroy(new Error('timeout'))); q.end();
  });
}
(async () => { const out = []; for (const r of reqs) out.push(await one(r)); console.log(JSON.stringify(out)); })();
`;

interface Req { kind?: 'http' | 'tls' | 'tcp'; hostport: string; host?: string; path?: string; auth?: string; servername?: string }
interface Res { status?: number; headers?: Record<string, string>; body?: string; error?: string; cn?: string }

let work = '';
let staged: StagedHaproxyConfig | undefined;
const procs = new Map<string, ChildProcess>();
let haproxyLog = '';

function client(reqs: Req[]): Res[] {
  const r = spawnSync('ip', ['netns', 'exec', NS.client, process.execPath, path.join(work, 'client.js'), JSON.stringify(reqs)], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`client failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Res[];
}

const json = (r: Res) => JSON.parse(r.body ?? '{}') as { server: string; url: string; headers: Record<string, string> };

async function start(name: string, args: string[]): Promise<void> {
  const p = spawn('ip', ['netns', 'exec', NS.servers, process.execPath, path.join(work, 'server.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  procs.set(name, p);
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`server ${name} did not start`)), 10_000);
    p.stdout!.on('data', (d) => { if (String(d).includes('listening')) { clearTimeout(t); resolve(); } });
    p.on('exit', (code) => { clearTimeout(t); reject(new Error(`server ${name} exited ${code}`)); });
  });
}

function selfSigned(cn: string): string {
  const pem = path.join(work, `${cn}.pem`);
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', `/CN=${cn}`,
    '-keyout', `${pem}.key`, '-out', `${pem}.crt`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl: ${r.stderr}`);
  fs.writeFileSync(pem, fs.readFileSync(`${pem}.crt`, 'utf8') + fs.readFileSync(`${pem}.key`, 'utf8'));
  return pem;
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
  if (staged?.directory) fs.rmSync(staged.directory, { recursive: true, force: true });
}

describe.skipIf(skip)('live: SNI passthrough, path routes, basic auth, rate limits and the PROXY protocol in network namespaces', () => {
  beforeAll(async () => {
    try {
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-live-routing-'));
      fs.writeFileSync(path.join(work, 'server.js'), SERVER_JS);
      fs.writeFileSync(path.join(work, 'client.js'), CLIENT_JS);
      staged = HaproxyCheck.stage(Testing.synth(liveApp()).file(HOST, '/usr/local/etc/haproxy.conf'), { forRun: true });
      for (const ns of Object.values(NS)) {
        sh(['ip', 'netns', 'add', ns]);
        sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
      }
      sh(['ip', '-n', NS.client, 'link', 'add', 'c0', 'type', 'veth', 'peer', 'name', 'l0', 'netns', NS.lb]);
      sh(['ip', '-n', NS.lb, 'link', 'add', 'l1', 'type', 'veth', 'peer', 'name', 's0', 'netns', NS.servers]);
      const addrs: Array<[string, string, string]> = [
        [NS.client, 'c0', `${CLIENT}/24`], [NS.lb, 'l0', `${LB}/24`], [NS.lb, 'l1', '10.1.70.1/24'],
        ...['11', '12', '13', '21', '22'].map((x): [string, string, string] => [NS.servers, 's0', `10.1.70.${x}/24`]),
      ];
      for (const [ns, dev, a] of addrs) sh(['ip', '-n', ns, 'addr', 'add', a, 'dev', dev]);
      for (const [ns, dev] of [[NS.client, 'c0'], [NS.lb, 'l0'], [NS.lb, 'l1'], [NS.servers, 's0']]) sh(['ip', '-n', ns, 'link', 'set', dev, 'up']);

      await start('api', ['http', '10.1.70.11', '8080', 'api']);
      await start('app', ['http', '10.1.70.12', '8080', 'app']);
      await start('echo', ['proxy', '10.1.70.13', '2525']);
      await start('tls-a', ['https', '10.1.70.21', '9443', 'tls-a', selfSigned('a.example.net')]);
      await start('tls-b', ['https', '10.1.70.22', '9443', 'tls-b', selfSigned('x.b.example.net')]);

      const hp = spawn('ip', ['netns', 'exec', NS.lb, 'haproxy', '-f', staged.configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
      procs.set('haproxy', hp);
      hp.stdout!.on('data', (d) => { haproxyLog += d; });
      hp.stderr!.on('data', (d) => { haproxyLog += d; });
      const end = Date.now() + 10_000;
      while (!fs.existsSync(path.join(staged.directory, 'haproxy.sock'))) {
        if (Date.now() > end || hp.exitCode !== null) throw new Error(`haproxy did not start:\n${haproxyLog}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } catch (e) {
      teardown();
      throw e;
    }
  }, 60_000);

  afterAll(() => {
    teardown();
    for (const ns of Object.values(NS)) expect(spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout).not.toContain(ns);
  });

  test('TLS passes through untouched, routed by SNI: each client sees the certificate of the server its name routes to', () => {
    const [a, b] = client([
      { kind: 'tls', hostport: `${LB}:8443`, servername: 'a.example.net' },
      { kind: 'tls', hostport: `${LB}:8443`, servername: 'x.b.example.net' },
    ]);
    expect([a.error, a.status, a.cn, json(a).server]).toEqual([undefined, 200, 'a.example.net', 'tls-a']);
    expect([b.error, b.status, b.cn, json(b).server]).toEqual([undefined, 200, 'x.b.example.net', 'tls-b']);
  });

  test('a path route takes /api and /api/…, not /apiary; its header value keeps a literal %; the host route takes the rest with its response header', () => {
    const res = client(['/api', '/api/v1/users', '/apiary', '/'].map((p) => ({ hostport: `${LB}:80`, host: 'app.example.net', path: p })));
    expect(res.map((r) => [r.status, json(r).server])).toEqual([[200, 'api'], [200, 'api'], [200, 'app'], [200, 'app']]);
    expect(json(res[0]).headers['x-route']).toBe('api 100%');
    expect(json(res[2]).headers['x-route']).toBeUndefined();
    expect(res[2].headers!['x-frame-options']).toBe('DENY');
    expect(res[0].headers!['x-frame-options']).toBeUndefined();
  });

  test('a redirect route answers 302 to its location; an unknown host gets 404', () => {
    const [old, unknown] = client([{ hostport: `${LB}:80`, host: 'app.example.net', path: '/old' }, { hostport: `${LB}:80`, host: 'nope.example.net' }]);
    expect([old.status, old.headers!.location]).toEqual([302, '/new']);
    expect([unknown.status, unknown.body]).toEqual([404, '404 Not Found']);
  });

  test('basic auth: 401 with a challenge without credentials or with a wrong password, the backend with the right one', () => {
    const [none, wrong, right] = client([
      { hostport: `${LB}:80`, host: 'admin.example.net' },
      { hostport: `${LB}:80`, host: 'admin.example.net', auth: 'alice:wrong' },
      { hostport: `${LB}:80`, host: 'admin.example.net', auth: 'alice:s3cret pw' },
    ]);
    expect([none.status, none.headers!['www-authenticate']]).toEqual([401, 'Basic realm="Restricted"']);
    expect(wrong.status).toBe(401);
    expect([right.status, json(right).server]).toEqual([200, 'app']);
  });

  test('the rate limit: five requests within the period pass, the sixth gets 429', () => {
    const res = client(Array.from({ length: 7 }, () => ({ hostport: `${LB}:8081`, host: 'any.example.net' })));
    expect(res.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429, 429]);
  });

  test('the PROXY protocol v2 tells the server the client\'s own address', () => {
    const [r] = client([{ kind: 'tcp', hostport: `${LB}:2525` }]);
    expect(r.body).toMatch(new RegExp(`^from ${CLIENT.replace(/\./g, '\\.')}:\\d+\\n$`));
  });
});
