import { describe, expect, test } from 'vitest';
import { App, CarpCluster, Duration, Errors, FreeBsdHost, Haproxy, HaproxyWatch, HaproxyWatchProps, Secret, Testing } from '../../lib/index';

/** Two members on vtnet0, one VIP, HAProxy on the cluster (unless told otherwise), and a watch. */
function setup(watch: Partial<HaproxyWatchProps> = {}, opts: { preempt?: boolean; haproxyOnHost?: boolean } = {}) {
  const app = new App();
  const hosts = ['a', 'b'].map((n, i) => {
    const h = new FreeBsdHost(app, n.toUpperCase(), { hostname: `lb-${n}.example.org` });
    h.addInterface('vtnet0', { ipv4: `192.0.2.${11 + i}/24` });
    return h;
  });
  const cluster = new CarpCluster(app, 'Carp', { members: hosts, interfaceName: 'vtnet0', password: Secret.fromLiteral('K7q2Lm9Xv4Rt8Wn3Zp'), preempt: opts.preempt });
  cluster.addVip('V', { vhid: 1, ipv4: ['192.0.2.50'] });
  const haproxy = new Haproxy(app, 'Proxy', { target: opts.haproxyOnHost ? hosts[0] : cluster });
  new HaproxyWatch(app, 'Watch', { cluster, haproxy, ...watch });
  return app;
}

function errors(app: App): string[] {
  try {
    Testing.synth(app);
    return [];
  } catch (e) {
    if (!Errors.isValidationError(e)) throw e;
    return Errors.issuesOf(e).map((i) => `${i.path}: ${i.message}`);
  }
}

describe('HaproxyWatch (service-aware CARP demotion)', () => {
  test('every member gets the watcher, its rc.d script and the enable key; the script reads the HAProxy stats socket', () => {
    const t = Testing.synth(setup({ interval: Duration.seconds(3), fall: 2, rise: 4 }));
    expect(t.hostnames).toEqual(['lb-a.example.org', 'lb-b.example.org']);
    for (const h of t.hostnames) {
      const files = Object.fromEntries(t.files(h).map((f) => [f.path, f]));
      const script = files['/usr/local/libexec/cdkbsd/carp-haproxy-watch'];
      expect(script.mode).toBe(0o755);
      expect(script.producer).toBe('Watch');
      expect(script.content.startsWith('#!/bin/sh\n')).toBe(true);
      expect(script.content).toMatch(/^INTERVAL='3'$/m);
      expect(script.content).toMatch(/^FALL='2'$/m);
      expect(script.content).toMatch(/^RISE='4'$/m);
      expect(script.content).toMatch(/^STATS_SOCKET='\/var\/run\/haproxy\.sock'$/m);
      expect(files['/usr/local/etc/rc.d/cdkbsd_carpwatch'].mode).toBe(0o755);
      expect(t.rcConf(h).cdkbsd_carpwatch_enable).toBe('YES');
      expect(t.sysctlConf(h)['net.inet.carp.preempt']).toBe('1');
    }
  });

  test('the watch requires preempt on the cluster', () => {
    expect(errors(setup({}, { preempt: false }))).toEqual(['Watch: The watch needs preempt on Carp: without it a demoted master keeps its VIPs']);
  });

  test('the watched HAProxy must run on every member', () => {
    expect(errors(setup({}, { haproxyOnHost: true }))).toEqual([
      'Watch: Proxy does not run on every member of Carp: the watcher would demote a member for a proxy it never had',
    ]);
  });

  test('bad numbers are rejected with the watch path, each once', () => {
    expect(errors(setup({ fall: 0, demotion: 241, interval: Duration.millis(500) }))).toEqual([
      'Watch: interval must be whole seconds from 1 to 3600',
      'Watch: fall must be an integer from 1 to 100',
      'Watch: demotion must be an integer from 1 to 240',
    ]);
  });

  test('without a watch no member gets the watcher', () => {
    const app = new App();
    const h = new FreeBsdHost(app, 'H', { hostname: 'h.example.org' });
    h.addInterface('vtnet0', { ipv4: '192.0.2.11/24' });
    new Haproxy(app, 'Proxy', { target: h });
    const t = Testing.synth(app);
    expect(t.hasFile('h.example.org', '/usr/local/libexec/cdkbsd/carp-haproxy-watch')).toBe(false);
    expect(t.rcConf('h.example.org').cdkbsd_carpwatch_enable).toBeUndefined();
  });
});
