// Property-based tests (fast-check, fixed seeds and run counts): random valid topologies of 1–5
// CARP clusters (IPv4, IPv6 or both; 1–3 VIPs; frontends with and without TLS; backends with
// servers, checks and cookies; stats, peers; PF user rules and tables) always synthesize, the
// same way twice; rc.conf read by /bin/sh holds exactly what the spec predicts; haproxy.conf passes
// `haproxy -c`; the manifest describes the files on disk. Random invalid changes always end in a
// ValidationError with construct paths and leave the previous output untouched.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { Duration, Errors, Secret, Testing } from '../../lib/index';
import { Certificate } from '../../lib/haproxy/certificate';
import { HealthCheck } from '../../lib/haproxy/health-check';
import { HaproxyConfView } from '../../lib/testing/parse-haproxy';
import { HaproxyCheck } from '../../lib/testing/tools';
import { PfAction, PfProtocol } from '../../lib/pf/types';
import { PfPort } from '../../lib/pf/values';
import { describeError, snapshot, tempDir } from './fixtures';
import { allFiles } from './oracles';
import { Built, buildTopology, expectedRcConf, topologySpec } from './topology';

const work = tempDir('cdkbsd-props-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('random valid topologies', () => {
  test('always synthesize (60 topologies)', () => {
    fc.assert(fc.property(topologySpec, (spec) => {
      const s = Testing.synth(buildTopology(spec).app);
      const hosts = spec.clusters.reduce((n, c) => n + c.members, 0);
      expect(s.hostnames).toHaveLength(hosts);
      for (const h of s.hostnames) {
        expect(s.files(h).map((f) => f.path)).toEqual(['/boot/loader.conf', '/etc/pf.conf', '/etc/rc.conf', '/etc/sysctl.conf', '/usr/local/etc/haproxy.conf', '/usr/local/etc/newsyslog.conf.d/cdkbsd-haproxy-log.conf', '/usr/local/etc/syslog.d/cdkbsd-haproxy-log.conf']);
      }
    }), { seed: 0x5eed1, numRuns: 60 });
  });

  test('give byte-identical output when built twice and when synthesized twice (30 topologies)', () => {
    fc.assert(fc.property(topologySpec, (spec) => {
      const a = buildTopology(spec).app;
      const first = allFiles(Testing.synth(a));
      const again = allFiles(Testing.synth(a));
      const other = allFiles(Testing.synth(buildTopology(spec).app));
      for (const other2 of [again, other]) {
        expect([...other2.keys()]).toEqual([...first.keys()]);
        for (const [k, f] of first) expect(other2.get(k)!.content, k).toBe(f.content);
      }
    }), { seed: 0x5eed2, numRuns: 30 });
  });

  test('every rc.conf, sourced by /bin/sh, sets exactly the values the spec predicts (15 topologies)', () => {
    fc.assert(fc.property(topologySpec, (spec) => {
      const s = Testing.synth(buildTopology(spec).app);
      spec.clusters.forEach((c, i) => {
        for (let m = 0; m < c.members; m++) {
          expect(s.rcConf(`h${m}.c${i}.example.net`)).toEqual(expectedRcConf(c, i, m));
          expect(s.sysctlConf(`h${m}.c${i}.example.net`)['kern.cdkbsd.note']).toBe(c.sysctlValue);
        }
      });
    }), { seed: 0x5eed3, numRuns: 15 });
  });

  test.skipIf(HaproxyCheck.shouldSkip())('every haproxy.conf passes haproxy -c and has the spec\'s frontends, backends and servers (12 topologies)', () => {
    let checked = 0;
    fc.assert(fc.property(topologySpec, (spec) => {
      const s = Testing.synth(buildTopology(spec).app);
      spec.clusters.forEach((c, i) => {
        const conf = s.file(`h0.c${i}.example.net`, '/usr/local/etc/haproxy.conf');
        const view = HaproxyConfView.parse(conf);
        expect(view.names('frontend')).toEqual(c.frontends.map((_, k) => `Fe${k}`));
        expect(view.names('backend')).toEqual(c.backends.map((_, k) => `Be${k}`));
        c.backends.forEach((b, k) => expect(view.section('backend', `Be${k}`)!.find('server')).toHaveLength(b.servers));
        expect(view.names('listen')).toEqual(c.stats ? ['stats'] : []);
        const r = HaproxyCheck.check(conf);
        expect(r.ok, r.output).toBe(true);
        checked++;
      });
    }), { seed: 0x5eed4, numRuns: 12 });
    expect(checked).toBeGreaterThanOrEqual(12);
  });

  test('synth to disk: the manifest lists every file with its sha256, size and mode; secret files are 0600 (8 topologies)', () => {
    let run = 0;
    fc.assert(fc.property(topologySpec, (spec) => {
      const outdir = path.join(work, `manifest-${run++}`);
      buildTopology(spec, outdir).app.synth();
      const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
      const listed = new Set<string>(['manifest.json']);
      const check = (rel: string, f: any) => {
        const full = path.join(outdir, rel);
        const buf = fs.readFileSync(full);
        expect(createHash('sha256').update(buf).digest('hex'), rel).toBe(f.sha256);
        expect(buf.length, rel).toBe(f.bytes);
        expect(`0${(fs.statSync(full).mode & 0o7777).toString(8)}`, rel).toBe(f.mode);
        if (f.secret) expect(f.mode, rel).toBe('0600');
        listed.add(rel);
      };
      for (const h of manifest.hosts) for (const f of h.files) check(path.join(h.hostname, f.path), f);
      for (const f of manifest.files) check(f.path, f);
      const onDisk: string[] = [];
      const walk = (d: string) => {
        for (const n of fs.readdirSync(d)) {
          const full = path.join(d, n);
          if (fs.statSync(full).isDirectory()) walk(full);
          else onDisk.push(path.relative(outdir, full));
        }
      };
      walk(outdir);
      expect(onDisk.sort()).toEqual([...listed].sort());
      // rc.conf carries the CARP password and haproxy.conf the stats password: both secret.
      for (const h of manifest.hosts) {
        expect(h.files.find((f: any) => f.path === '/etc/rc.conf').secret).toBe(true);
      }
    }), { seed: 0x5eed5, numRuns: 8 });
  });
});

/** One invalid change to a built topology, and the construct path its error must carry. */
interface Mutation {
  readonly name: string;
  apply(b: Built): string;
}

const MUTATIONS: Mutation[] = [
  { name: 'vhid 0', apply: (b) => b.clusters[0].cluster.addVip('Bad', { vhid: 0, ipv4: ['10.0.0.250'] }).node.path },
  { name: 'vhid reused', apply: (b) => (b.clusters[0].cluster.addVip('Again', { vhid: 1, ipv6: ['fd00:1::250'] }), b.clusters[0].cluster.node.path) },
  { name: 'interface address without a prefix', apply: (b) => b.clusters[0].hosts[0].addInterface('em9', { ipv4: '10.77.0.1' }).node.path },
  { name: 'hostname not fully qualified', apply: (b) => new (b.clusters[0].hosts[0].constructor as any)(b.app, 'Lonely', { hostname: 'lonely' }).node.path },
  { name: 'server port 0', apply: (b) => (b.clusters[0].backends[0].addServer('zero', { address: '10.9.9.9', port: 0 }), b.clusters[0].backends[0].node.path) },
  { name: 'unused backend', apply: (b) => { const be = b.clusters[0].haproxy.addBackend('Orphan'); be.addServer('s', { address: '10.9.9.9', port: 80 }); return be.node.path; } },
  { name: 'CARP password with a hyphen', apply: (b) => { (b.clusters[0].cluster as any).password = Secret.fromLiteral('with-hyphen1'); return b.clusters[0].cluster.node.path; } },
  { name: 'CARP password from an unset variable', apply: (b) => { (b.clusters[0].cluster as any).password = Secret.fromEnv('CDKBSD_PROPS_UNSET'); return b.clusters[0].cluster.node.path; } },
  { name: 'rc.conf key not a variable name', apply: (b) => (b.clusters[0].hosts[0].rcConf.set('9lives', 'x'), b.clusters[0].hosts[0].node.path) },
  { name: 'rc.conf value with a newline', apply: (b) => (b.clusters[0].hosts[0].rcConf.set('cdkbsd_x', 'a\nb'), b.clusters[0].hosts[0].node.path) },
  { name: 'relative certificate path', apply: (b) => b.clusters[0].haproxy.addFrontend('Rel', { addresses: ['127.0.0.2'], certificates: [Certificate.fromFile('cert.pem')] }).node.path },
  { name: 'table name with a space', apply: (b) => b.clusters[0].pf.addTable('bad name', { addresses: ['10.0.0.0/8'] }).node.path },
  { name: 'port 70000', apply: (b) => b.clusters[0].pf.addRule('Big', { action: PfAction.PASS, protocols: [PfProtocol.TCP], toPorts: [PfPort.number(70000)] }).node.path },
  { name: 'invalid route domain', apply: (b) => (b.clusters[0].frontends[0].addRoute({ domains: ['bad domain'], backend: b.clusters[0].backends[0] }), b.clusters[0].frontends[0].node.path) },
  { name: 'health check interval 10ms', apply: (b) => { const be = b.clusters[0].haproxy.addBackend('Fast', { healthCheck: HealthCheck.tcp({ interval: Duration.millis(10) }) }); return be.node.path; } },
  { name: 'sysctl value with a space', apply: (b) => (b.clusters[0].hosts[0].sysctlConf.set('kern.x', 'a b'), b.clusters[0].hosts[0].node.path) },
  { name: 'file at a relative path', apply: (b) => (b.clusters[0].hosts[0].addFile('etc/motd', 'x'), b.clusters[0].hosts[0].node.path) },
  { name: 'advskews equal', apply: (b) => new (b.clusters[0].cluster.constructor as any)(b.app, 'Tie', { members: b.clusters[0].hosts, interfaceName: 'vtnet0', password: Secret.fromLiteral('abcdefghij'), advskews: b.clusters[0].hosts.map(() => 7) }).node.path },
];

describe('random invalid inputs', () => {
  test('end in a ValidationError naming the construct, never another error, and the previous output stays untouched (40 cases)', () => {
    const outdir = path.join(work, 'invalid', 'dist');
    fs.mkdirSync(path.dirname(outdir), { recursive: true });
    buildTopology({ clusters: [], deploy: false }, outdir).app.synth();
    fc.assert(fc.property(topologySpec, fc.constantFrom(...MUTATIONS), (spec, mutation) => {
      const before = snapshot(outdir);
      const b = buildTopology(spec, outdir);
      const expectedPath = mutation.apply(b);
      let thrown: unknown;
      try {
        b.app.synth();
      } catch (e) {
        thrown = e;
      }
      expect(thrown, mutation.name).toBeDefined();
      expect(Errors.isValidationError(thrown), `${mutation.name}: ${describeError(thrown)}`).toBe(true);
      const issues = Errors.issuesOf(thrown);
      expect(issues.length).toBeGreaterThan(0);
      for (const i of issues) {
        expect(i.path, `${mutation.name}: ${i.message}`).not.toBe('');
        expect(i.message).not.toBe('');
      }
      expect(issues.map((i) => i.path), mutation.name).toContain(expectedPath);
      expect(snapshot(outdir)).toBe(before);
    }), { seed: 0x5eed6, numRuns: 40 });
  });
});
