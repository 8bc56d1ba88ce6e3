import { describe, expect, test } from 'vitest';
import { App, CarpCluster, Duration, Errors, FreeBsdHost, Secret, Testing } from '../../lib/index';
import { Haproxy } from '../../lib/haproxy/haproxy';

function setup(extra: Record<string, unknown> = {}, opts: { haproxy?: boolean; jail?: boolean } = {}) {
  const app = new App({ diagram: false });
  const hosts = ['a', 'b'].map((n, i) => {
    const h = new FreeBsdHost(app, n.toUpperCase(), { hostname: `lb-${n}.example.org`, vnetJail: opts.jail });
    h.addInterface('vtnet0', { ipv4: `192.0.2.${11 + i}/24` });
    return h;
  });
  const c = new CarpCluster(app, 'Carp', { members: hosts, interfaceName: 'vtnet0', password: Secret.fromLiteral('K7q2Lm9Xv4Rt8Wn3Zp'), ...extra });
  c.addVip('V', { vhid: 1, ipv4: ['192.0.2.50'] });
  if (opts.haproxy !== false) new Haproxy(app, 'Proxy', { target: c });
  return { app, c };
}

function errors(app: App) {
  try {
    Testing.synth(app);
    return [];
  } catch (e) {
    if (!Errors.isValidationError(e)) throw e;
    return Errors.issuesOf(e).map((i) => `${i.path}: ${i.message}`);
  }
}

describe('CARP state hooks (devd)', () => {
  test('a state hook renders /etc/devd/carp.conf on every member with the command and the interface', () => {
    const { app } = setup({ stateChangeHook: { command: '/usr/local/bin/notify', arguments: ['ops'] } }, { haproxy: false });
    const t = Testing.synth(app);
    for (const h of t.hostnames) {
      const conf = t.file(h, '/etc/devd/carp.conf');
      expect(conf).toMatch(/match "system"\s+"CARP";/);
      expect(conf).toContain('vtnet0');
      expect(conf).toContain('/usr/local/bin/notify ops');
    }
  });

  test('a relative hook command is rejected with the cluster path', () => {
    const { app } = setup({ stateChangeHook: { command: 'notify.sh' } }, { haproxy: false });
    expect(errors(app)).toEqual([expect.stringMatching(/^Carp: stateChangeHook /)]);
  });

  test('on VNET jails the devd file is meant for the jail host', () => {
    const { app } = setup({ stateChangeHook: {} }, { haproxy: false, jail: true });
    const t = Testing.synth(app);
    expect(t.hasFile('lb-a.example.org', '/etc/devd/carp.conf')).toBe(true);
  });
});

describe('HAProxy watcher (service-aware demotion)', () => {
  test('with the option on, every member gets the watcher, its rc.d script and the enable key', () => {
    const { app } = setup({ haproxyWatch: { interval: Duration.seconds(3), fall: 2, rise: 4 } });
    const t = Testing.synth(app);
    for (const h of t.hostnames) {
      const files = Object.fromEntries(t.files(h).map((f) => [f.path, f]));
      expect(files['/usr/local/libexec/cdkbsd/carp-haproxy-watch'].mode).toBe(0o755);
      expect(files['/usr/local/libexec/cdkbsd/carp-haproxy-watch'].content.startsWith('#!/bin/sh\n')).toBe(true);
      expect(files['/usr/local/libexec/cdkbsd/carp-haproxy-watch'].content).toMatch(/INTERVAL='3'/);
      expect(files['/usr/local/etc/rc.d/cdkbsd_carpwatch'].mode).toBe(0o755);
      expect(t.rcConf(h).cdkbsd_carpwatch_enable).toBe('YES');
      expect(t.sysctlConf(h)['net.inet.carp.preempt']).toBe('1');
    }
  });

  test('the watcher requires preempt', () => {
    const { app } = setup({ preempt: false, haproxyWatch: {} });
    expect(errors(app)).toEqual(['Carp: haproxyWatch needs preempt: without it a demoted master keeps its VIPs']);
  });

  test('the watcher requires an Haproxy on the cluster', () => {
    const { app } = setup({ haproxyWatch: {} }, { haproxy: false });
    expect(errors(app)).toEqual(['Carp: haproxyWatch is on but no Haproxy runs on this cluster']);
  });

  test('bad watcher numbers are rejected with the cluster path', () => {
    const { app } = setup({ haproxyWatch: { fall: 0, demotion: 241, interval: Duration.millis(500) } });
    expect(errors(app)).toEqual([
      'Carp: haproxyWatch.interval must be whole seconds from 1 to 3600',
      'Carp: haproxyWatch.fall must be an integer from 1 to 100',
      'Carp: haproxyWatch.demotion must be an integer from 1 to 240',
    ]);
  });
});
