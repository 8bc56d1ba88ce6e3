import { describe, expect, test } from 'vitest';
import { App, CarpCluster, Errors, FreeBsdHost, Secret, Testing } from '../../lib/index';
import { Haproxy } from '../../lib/haproxy/haproxy';

function setup(extra: Record<string, unknown> = {}, opts: { haproxy?: boolean; jail?: boolean } = {}) {
  const app = new App();
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
