/**
 * Live test: real HAProxy with the main example's generated haproxy.conf (host 1), in network
 * namespaces this test creates, with tiny Node HTTP servers as the backends and a client that
 * talks to the IPv4 and the IPv6 VIP.
 *
 * Topology (all traffic stays inside the namespaces; nothing leaves this machine):
 *
 *   client ns  10.1.60.10/24, fd5e:d1c2:c9de:60::10/64
 *      | veth
 *   lb ns      10.1.60.200/24, fd5e:d1c2:c9de:60::200/64   (the VIPs, as plain addresses)
 *              10.1.70.1/24,   fd5e:d1c2:c9de:70::1/64
 *      | veth
 *   servers ns 10.1.70.11, 10.1.70.12 (be_app, :8080), fd5e:d1c2:c9de:70::21 (be_wiki, :3000)
 *
 * Adaptations of the generated config (HaproxyCheck.stage with forRun; each one is asserted
 * below): the crt directory moves into a temp dir with a self-signed wildcard certificate;
 * `user www`/`group www` become `uid 80`/`gid 80` (Debian has no www user); chroot moves into the
 * temp dir; the stats socket moves into the temp dir; `log /var/run/log` becomes `log stdout`
 * (no syslogd here); `daemon` is dropped so the test owns the process. Nothing else changes.
 *
 * Needs root and `ip netns`; skips otherwise, unless CDKBSD_REQUIRE_TOOLS=1 (then it fails).
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { App } from '../../lib/core/app';
import { CarpCluster } from '../../lib/carp/carp-cluster';
import { Haproxy } from '../../lib/haproxy/haproxy';
import { Testing } from '../../lib/testing/testing';
import { HaproxyConfView } from '../../lib/testing/parse-haproxy';
import { ExternalTools, HaproxyCheck, StagedHaproxyConfig } from '../../lib/testing/tools';
import { liveSkip } from '../support/live';
import { buildReferenceApp } from '../../examples/ha-reverse-proxy/main';
import { addReverseProxy } from './reference';

const CONF = '/usr/local/etc/haproxy.conf';
const HOST1 = 'haproxy01.example.net';
const VIP4 = '10.1.60.200';
const VIP6 = 'fd5e:d1c2:c9de:60::200';
const CLIENT4 = '10.1.60.10';
const CLIENT6 = 'fd5e:d1c2:c9de:60::10';

const skip = liveSkip('live HAProxy test', ['haproxy', 'openssl'], 'apt-get install haproxy openssl iproute2');

/** The main example's app (with its HAProxy; if the example has none yet, the snippet it will use). */
function exampleConfig(): string {
  const app = buildReferenceApp(new App({ outdir: '/nonexistent-cdkbsd-live' }));
  if (!app.node.findAll().some((c) => c instanceof Haproxy)) {
    const cluster = app.node.findAll().find((c): c is CarpCluster => c instanceof CarpCluster)!;
    addReverseProxy(app, cluster, cluster.vips[0]);
  }
  return Testing.synth(app).file(HOST1, CONF);
}

const suffix = `${process.pid}`;
const NS = { client: `cdkbsd-cl-${suffix}`, lb: `cdkbsd-lb-${suffix}`, servers: `cdkbsd-sv-${suffix}` };

function sh(args: string[]): void {
  const r = spawnSync(args[0], args.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
}

function inNs(ns: string, args: string[]): void {
  sh(['ip', '-n', ns, ...args]);
}

const BACKEND_JS = `
const http = require('http');
const [addr, port, name] = process.argv.slice(2);
http.createServer((req, res) => {
  if (req.url === '/healthz') { res.writeHead(200); res.end('ok'); return; }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ server: name, headers: req.headers }));
}).listen({ host: addr, port: Number(port) }, () => console.log('listening'));
`;

const CLIENT_JS = `
const http = require('http'); const https = require('https'); const http2 = require('http2');
const reqs = JSON.parse(process.argv[2]);
function one(r) {
  return new Promise((resolve) => {
    if (r.h2) {
      const s = http2.connect('https://' + r.hostport, { rejectUnauthorized: false, servername: r.host });
      s.on('error', (e) => resolve({ error: String(e) }));
      const q = s.request({ ':path': r.path || '/', ':authority': r.host });
      let body = ''; let headers;
      q.on('response', (h) => { headers = h; });
      q.on('data', (d) => { body += d; });
      q.on('end', () => { s.close(); resolve({ status: headers[':status'], headers, body, alpn: s.alpnProtocol }); });
      q.end();
      return;
    }
    const mod = r.tls ? https : http;
    const [hostname, port] = r.hostport.startsWith('[') ? [r.hostport.slice(1, r.hostport.indexOf(']')), r.hostport.split(']:')[1]] : r.hostport.split(':');
    const q = mod.request({ hostname, port, path: r.path || '/', method: 'GET', headers: Object.assign({ host: r.host }, r.headers || {}),
      rejectUnauthorized: false, servername: r.tls ? r.host.split(':')[0] : undefined, agent: false }, (res) => {
      let body = ''; res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    q.on('error', (e) => resolve({ error: String(e) }));
    q.setTimeout(15000, () => q.destroy(new Error('timeout')));
    q.end();
  });
}
(async () => { const out = []; for (const r of reqs) out.push(await one(r)); console.log(JSON.stringify(out)); })();
`;

interface Req { hostport: string; host: string; tls?: boolean; h2?: boolean; path?: string; headers?: Record<string, string> }
interface Res { status?: number; headers?: Record<string, string>; body?: string; error?: string; alpn?: string }

let work = '';
let staged: StagedHaproxyConfig;
let config = '';
const procs = new Map<string, ChildProcess>();
let haproxyLog = '';

function client(reqs: Req[]): Res[] {
  const r = spawnSync('ip', ['netns', 'exec', NS.client, process.execPath, path.join(work, 'client.js'), JSON.stringify(reqs)], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`client failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Res[];
}

function clientAsync(reqs: Req[]): Promise<Res[]> {
  return new Promise((resolve, reject) => {
    const p = spawn('ip', ['netns', 'exec', NS.client, process.execPath, path.join(work, 'client.js'), JSON.stringify(reqs)]);
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Res[]) : reject(new Error(`client exit ${code}`))));
  });
}

function body(r: Res): { server: string; headers: Record<string, string> } {
  return JSON.parse(r.body ?? '{}');
}

async function startBackend(name: string, addr: string, port: number): Promise<void> {
  const p = spawn('ip', ['netns', 'exec', NS.servers, process.execPath, path.join(work, 'backend.js'), addr, String(port), name], { stdio: ['ignore', 'pipe', 'pipe'] });
  procs.set(name, p);
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`backend ${name} did not start`)), 10_000);
    p.stdout!.on('data', (d) => { if (String(d).includes('listening')) { clearTimeout(t); resolve(); } });
    p.on('exit', (code) => { clearTimeout(t); reject(new Error(`backend ${name} exited ${code}`)); });
  });
}

/** One command on the HAProxy admin socket (the staged socket in the temp dir). */
function adminCommand(cmd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.createConnection(path.join(staged.directory, 'haproxy.sock'));
    let out = '';
    s.on('connect', () => s.write(`${cmd}\n`));
    s.on('data', (d) => { out += d; });
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}

/** Server status per `backend/server` from `show stat` (CSV). */
async function serverStatus(): Promise<Record<string, string>> {
  const csv = await adminCommand('show stat');
  const lines = csv.trim().split('\n');
  const head = lines[0].replace(/^# /, '').split(',');
  const [px, sv, st] = ['pxname', 'svname', 'status'].map((k) => head.indexOf(k));
  const out: Record<string, string> = {};
  for (const l of lines.slice(1)) {
    const f = l.split(',');
    if (f[sv] !== 'FRONTEND' && f[sv] !== 'BACKEND') out[`${f[px]}/${f[sv]}`] = f[st];
  }
  return out;
}

async function waitFor(what: string, cond: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}\nhaproxy output:\n${haproxyLog}`);
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

describe.skipIf(skip)('live: HAProxy with the main example\'s config, in network namespaces', () => {
  beforeAll(async () => {
    try {
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-live-'));
      fs.writeFileSync(path.join(work, 'backend.js'), BACKEND_JS);
      fs.writeFileSync(path.join(work, 'client.js'), CLIENT_JS);
      config = exampleConfig();
      staged = HaproxyCheck.stage(config, { forRun: true, certificateNames: ['example.net', '*.example.net'] });

      for (const ns of Object.values(NS)) {
        sh(['ip', 'netns', 'add', ns]);
        inNs(ns, ['link', 'set', 'lo', 'up']);
      }
      inNs(NS.client, ['link', 'add', 'c0', 'type', 'veth', 'peer', 'name', 'l0', 'netns', NS.lb]);
      inNs(NS.lb, ['link', 'add', 'l1', 'type', 'veth', 'peer', 'name', 's0', 'netns', NS.servers]);
      const addrs: Array<[string, string, string]> = [
        [NS.client, 'c0', `${CLIENT4}/24`], [NS.client, 'c0', `${CLIENT6}/64`],
        [NS.lb, 'l0', `${VIP4}/24`], [NS.lb, 'l0', `${VIP6}/64`],
        // host 1's own (management) address: the peers section binds it (stick-table sync)
        [NS.lb, 'l0', '10.1.60.201/24'], [NS.lb, 'l0', '2003:abcd:ef12:3460:d:22ff:fe50:3d0b/64'],
        [NS.lb, 'l1', '10.1.70.1/24'], [NS.lb, 'l1', 'fd5e:d1c2:c9de:70::1/64'],
        [NS.servers, 's0', '10.1.70.11/24'], [NS.servers, 's0', '10.1.70.12/24'], [NS.servers, 's0', 'fd5e:d1c2:c9de:70::21/64'],
      ];
      for (const [ns, dev, a] of addrs) inNs(ns, ['addr', 'add', a, 'dev', dev, ...(a.includes(':') ? ['nodad'] : [])]);
      for (const [ns, dev] of [[NS.client, 'c0'], [NS.lb, 'l0'], [NS.lb, 'l1'], [NS.servers, 's0']]) inNs(ns, ['link', 'set', dev, 'up']);

      await startBackend('app1', '10.1.70.11', 8080);
      await startBackend('app2', '10.1.70.12', 8080);
      await startBackend('wiki1', 'fd5e:d1c2:c9de:70::21', 3000);

      const hp = spawn('ip', ['netns', 'exec', NS.lb, 'haproxy', '-f', staged.configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
      procs.set('haproxy', hp);
      hp.stdout!.on('data', (d) => { haproxyLog += d; });
      hp.stderr!.on('data', (d) => { haproxyLog += d; });
      await waitFor('the admin socket', async () => fs.existsSync(path.join(staged.directory, 'haproxy.sock')) && hp.exitCode === null, 10_000);
      // Health checks bring every server UP first (rise 2 × inter 2s at most).
      await waitFor('all servers UP', async () => {
        const s = await serverStatus();
        return ['be_app/app1', 'be_app/app2', 'be_wiki/wiki1'].every((k) => s[k] === 'UP');
      }, 20_000);
    } catch (e) {
      teardown();
      throw e;
    }
  }, 60_000);

  afterAll(() => {
    teardown();
    for (const ns of Object.values(NS)) {
      expect(spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout).not.toContain(ns);
    }
  });

  test('only paths, user/group, chroot, log target and daemon were adapted, each listed', () => {
    const d = staged.directory;
    expect(staged.adaptations).toEqual([
      `crt directory /usr/local/etc/haproxy/certs/ → ${d}/files/usr/local/etc/haproxy/certs/ with one self-signed certificate (wildcard.pem)`,
      'daemon removed (the test runs HAProxy in the foreground and stops it by pid)',
      "user www → uid 80 (Debian has no www user; FreeBSD's www is uid 80)",
      "group www → gid 80 (Debian has no www group; FreeBSD's www is gid 80)",
      `chroot /var/haproxy → ${d}/chroot`,
      'log /var/run/log → stdout (no syslogd in the test)',
      `stats socket /var/run/haproxy.sock → ${d}/haproxy.sock`,
    ]);
    const before = HaproxyConfView.parse(config);
    const after = HaproxyConfView.parse(staged.config);
    // Frontends and backends are byte-for-byte the generated ones, except the certificate path.
    for (const kind of ['frontend', 'backend']) {
      for (const s of before.sectionsOf(kind)) {
        const a = after.section(kind, s.name)!;
        expect(a.directives.map((d) => d.text.replace(staged.directory + '/files', ''))).toEqual(s.directives.map((d) => d.text));
      }
    }
  });

  test('port 80 on both VIPs only redirects to HTTPS (308, same host and path)', () => {
    const [v4, v6] = client([
      { hostport: `${VIP4}:80`, host: 'app.example.net', path: '/x?y=1' },
      { hostport: `[${VIP6}]:80`, host: 'wiki.example.net', path: '/page' },
    ]);
    expect([v4.status, v4.headers!.location]).toEqual([308, 'https://app.example.net/x?y=1']);
    expect([v6.status, v6.headers!.location]).toEqual([308, 'https://wiki.example.net/page']);
  });

  test('HTTPS on the IPv4 and IPv6 VIP routes by Host (case and port ignored), with HSTS and X-Forwarded-*', () => {
    const res = client([
      { tls: true, hostport: `${VIP4}:443`, host: 'app.example.net', headers: { 'x-forwarded-for': '203.0.113.66' } },
      { tls: true, hostport: `[${VIP6}]:443`, host: 'APP.Example.NET:443' },
      { tls: true, hostport: `${VIP4}:443`, host: 'wiki.example.net' },
      { tls: true, hostport: `[${VIP6}]:443`, host: 'wiki.example.net' },
      { tls: true, hostport: `${VIP4}:443`, host: 'unknown.example.net' },
    ]);
    for (const r of res) expect(r.error).toBeUndefined();
    const [app4, app6, wiki4, wiki6, unknown] = res;
    expect(['app1', 'app2']).toContain(body(app4).server);
    expect(['app1', 'app2']).toContain(body(app6).server);
    expect(body(wiki4).server).toBe('wiki1');
    expect(body(wiki6).server).toBe('wiki1');
    // The client's own X-Forwarded-For is dropped; HAProxy sets the real client address.
    expect(body(app4).headers['x-forwarded-for']).toBe(CLIENT4);
    expect(body(wiki6).headers['x-forwarded-for']).toBe(CLIENT6);
    expect(body(app4).headers['x-forwarded-proto']).toBe('https');
    for (const r of [app4, app6, wiki4, wiki6]) {
      expect(r.status).toBe(200);
      expect(r.headers!['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
    }
    expect(unknown.status).toBe(404);
    expect(unknown.body).toBe('404 Not Found');
  });

  test('HTTP/2 is negotiated by ALPN and routed by :authority', () => {
    const [r] = client([{ h2: true, hostport: `[${VIP6}]:443`, host: 'wiki.example.net' }]);
    expect(r.error).toBeUndefined();
    expect(r.alpn).toBe('h2');
    expect(r.status).toBe(200);
    expect(body(r).server).toBe('wiki1');
  });

  test('both app servers get traffic; a stopped server is taken out by the health check while requests keep succeeding', async () => {
    const many = (n: number): Req[] => Array.from({ length: n }, (_, i) => ({ tls: true, hostport: i % 2 ? `[${VIP6}]:443` : `${VIP4}:443`, host: 'app.example.net' }));
    const before = client(many(6));
    expect(new Set(before.map((r) => body(r).server))).toEqual(new Set(['app1', 'app2']));

    // Stop app2, keep requesting until the health check has marked it DOWN.
    const app2 = procs.get('app2')!;
    process.kill(app2.pid!, 'SIGKILL');
    await new Promise((r) => app2.once('exit', r));
    const during: Res[] = [];
    const started = Date.now();
    let down = false;
    while (!down && Date.now() - started < 30_000) {
      during.push(...(await clientAsync(many(2))));
      down = (await serverStatus())['be_app/app2'].startsWith('DOWN');
    }
    expect(down).toBe(true);
    // Every request during the failure succeeded (connection refused → retry + redispatch).
    expect(during.length).toBeGreaterThan(0);
    expect(during.filter((r) => r.status !== 200)).toEqual([]);
    const after = client(many(6));
    expect(after.map((r) => [r.status, body(r).server])).toEqual(Array(6).fill([200, 'app1']));
    expect((await serverStatus())['be_app/app1']).toBe('UP');
  }, 60_000);
});
