import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import { App, CarpCluster, CarpClusterProps, Errors, FreeBsdHost, Secret, Testing } from '../../lib/index';

const PASS = Secret.fromLiteral('K7q2Lm9Xv4Rt8Wn3Zp');

function pair(app: App, opts: { ipv6?: boolean; prefix?: string; names?: [string, string] } = {}): [FreeBsdHost, FreeBsdHost] {
  const p = opts.prefix ?? '192.0.2';
  const [n1, n2] = opts.names ?? ['lb-a.example.org', 'lb-b.example.org'];
  const a = new FreeBsdHost(app, n1.split('.')[0], { hostname: n1 });
  a.addInterface('vtnet0', { ipv4: `${p}.11/24`, ipv6: opts.ipv6 === false ? [] : ['2001:db8::11/64'] });
  const b = new FreeBsdHost(app, n2.split('.')[0], { hostname: n2 });
  b.addInterface('vtnet0', { ipv4: `${p}.12/24`, ipv6: opts.ipv6 === false ? [] : ['2001:db8::12/64'] });
  return [a, b];
}

function cluster(app: App, extra: Partial<CarpClusterProps> = {}, hosts?: FreeBsdHost[]): CarpCluster {
  return new CarpCluster(app, 'Carp', { members: hosts ?? pair(app), interfaceName: 'vtnet0', password: PASS, ...extra });
}

function issues(app: App): Array<{ path: string; message: string; value?: string }> {
  try {
    Testing.synth(app);
    return [];
  } catch (e) {
    if (!Errors.isValidationError(e)) throw e;
    return Errors.issuesOf(e).map((i) => ({ path: i.path, message: i.message, value: i.value }));
  }
}

function newApp(): App {
  return new App();
}

describe('CARP rendering', () => {
  test('advskew follows member order: 0, 100 (and 200 for a third member)', () => {
    const app = newApp();
    const [a, b] = pair(app);
    const c = new FreeBsdHost(app, 'lb-c', { hostname: 'lb-c.example.org' });
    c.addInterface('vtnet0', { ipv4: '192.0.2.13/24', ipv6: ['2001:db8::13/64'] });
    const cl = cluster(app, {}, [a, b, c]);
    cl.addVip('Vip', { vhid: 7, ipv4: ['192.0.2.50'] });
    expect([a, b, c].map((h) => cl.advskewOf(h))).toEqual([0, 100, 200]);
    const t = Testing.synth(app);
    expect(t.rcConf('lb-c.example.org').ifconfig_vtnet0_alias0).toBe('inet vhid 7 advskew 200 pass K7q2Lm9Xv4Rt8Wn3Zp alias 192.0.2.50/32');
  });

  test('explicit advskews and advbase are written on every line of the vhid, vhid first', () => {
    const app = newApp();
    const cl = cluster(app, { advskews: [10, 50], advbase: 2 });
    cl.addVip('V4', { vhid: 1, ipv4: ['192.0.2.50/24'] });
    cl.addVip('V6', { vhid: 2, ipv6: ['2001:db8::50/64'] });
    const rc = Testing.synth(app).rcConf('lb-b.example.org');
    expect(rc.ifconfig_vtnet0_alias0).toBe('inet vhid 1 advbase 2 advskew 50 pass K7q2Lm9Xv4Rt8Wn3Zp alias 192.0.2.50/24');
    expect(rc.ifconfig_vtnet0_alias1).toBe('inet6 vhid 2 advbase 2 advskew 50 pass K7q2Lm9Xv4Rt8Wn3Zp alias 2001:db8::50/64');
  });

  test('aliases are numbered contiguously from 0: own extra addresses first, then VIPs by vhid', () => {
    const app = newApp();
    const a = new FreeBsdHost(app, 'A', { hostname: 'a.example.org' });
    a.addInterface('em0', { ipv4: '192.0.2.11/24', ipv6: ['2001:db8::11/64', 'fd00::11/64'] });
    const b = new FreeBsdHost(app, 'B', { hostname: 'b.example.org' });
    b.addInterface('em0', { ipv4: '192.0.2.12/24', ipv6: ['2001:db8::12/64', 'fd00::12/64'] });
    const cl = new CarpCluster(app, 'Carp', { members: [a, b], interfaceName: 'em0', password: PASS });
    cl.addVip('Second', { vhid: 9, ipv4: ['192.0.2.60'] });
    cl.addVip('First', { vhid: 3, ipv4: ['192.0.2.50'], ipv6: ['fd00::50'] });
    const rc = Testing.synth(app).rcConf('a.example.org');
    const aliases = Object.keys(rc).filter((k) => k.startsWith('ifconfig_em0_alias')).sort();
    expect(aliases).toEqual(['ifconfig_em0_alias0', 'ifconfig_em0_alias1', 'ifconfig_em0_alias2', 'ifconfig_em0_alias3']);
    expect(aliases.map((k) => rc[k].split(' alias ')[0].split(' pass ')[0])).toEqual([
      'inet6 fd00::11/64',
      'inet vhid 3 advskew 0',
      'inet6 vhid 3 advskew 0',
      'inet vhid 9 advskew 0',
    ]);
  });

  test('preempt can be turned off; sysctl.conf then says so explicitly', () => {
    const app = newApp();
    cluster(app, { preempt: false }).addVip('V', { vhid: 1, ipv4: ['192.0.2.50'] });
    expect(Testing.synth(app).sysctlConf('lb-a.example.org')['net.inet.carp.preempt']).toBe('0');
  });

  test('a VNET jail member marks loader.conf for the jail host', () => {
    const app = newApp();
    const a = new FreeBsdHost(app, 'A', { hostname: 'a.example.org', vnetJail: true });
    a.addInterface('vnet0', { ipv4: '192.0.2.11/24' });
    const b = new FreeBsdHost(app, 'B', { hostname: 'b.example.org', vnetJail: true });
    b.addInterface('vnet0', { ipv4: '192.0.2.12/24' });
    new CarpCluster(app, 'Carp', { members: [a, b], interfaceName: 'vnet0', password: PASS }).addVip('V', { vhid: 1, ipv4: ['192.0.2.50'] });
    const t = Testing.synth(app);
    expect(t.loaderConf('a.example.org').carp_load).toBe('YES');
    expect(t.file('a.example.org', '/boot/loader.conf')).toContain("install these lines on the jail's host");
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-'));
    new App({ outdir: out });
    const app2 = newApp();
    void app2;
  });

  test('the password is read from the environment or a file at synth time', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-'));
    fs.writeFileSync(path.join(dir, 'pw'), 'FromFile123456\n');
    const app = newApp();
    cluster(app, { password: Secret.fromFile(path.join(dir, 'pw')) }).addVip('V', { vhid: 1, ipv4: ['192.0.2.50'] });
    expect(Testing.synth(app).rcConf('lb-a.example.org').ifconfig_vtnet0_alias0).toContain(' pass FromFile123456 ');
    process.env.CDKBSD_TEST_CARP = 'FromEnv1234567';
    const app2 = newApp();
    cluster(app2, { password: Secret.fromEnv('CDKBSD_TEST_CARP') }).addVip('V', { vhid: 1, ipv4: ['192.0.2.50'] });
    expect(Testing.synth(app2).rcConf('lb-a.example.org').ifconfig_vtnet0_alias0).toContain(' pass FromEnv1234567 ');
  });
});

describe('CARP validation', () => {
  test.each([
    ['vhid 0', { vhid: 0 }, 'vhid must be an integer from 1 to 255', '0'],
    ['vhid 256', { vhid: 256 }, 'vhid must be an integer from 1 to 255', '256'],
    ['vhid 1.5', { vhid: 1.5 }, 'vhid must be an integer from 1 to 255', '1.5'],
    ['vhid NaN', { vhid: NaN }, 'vhid must be an integer from 1 to 255', 'NaN'],
  ])('%s is rejected at the VIP path', (_n, props, message, value) => {
    const app = newApp();
    cluster(app).addVip('Vip', { ipv4: ['192.0.2.50'], ...(props as any) });
    expect(issues(app)).toEqual([{ path: 'Carp/Vip', message, value }]);
  });

  test('vhid 1 and 255 are accepted', () => {
    const app = newApp();
    const c = cluster(app);
    c.addVip('A', { vhid: 1, ipv4: ['192.0.2.50'] });
    c.addVip('B', { vhid: 255, ipv4: ['192.0.2.51'] });
    expect(issues(app)).toEqual([]);
  });

  test.each([
    [[0, 241], 'advskew of member 1 must be an integer from 0 to 240', '241'],
    [[-1, 100], 'advskew of member 0 must be an integer from 0 to 240', '-1'],
    [[0, 0], 'advskews must be distinct: members with equal advskew tie in the election', '0, 0'],
    [[100, 0], 'advskews must increase in member order (the first member is the preferred master)', '100, 0'],
  ])('advskews %j are rejected at the cluster path', (advskews, message, value) => {
    const app = newApp();
    cluster(app, { advskews: advskews as number[] }).addVip('V', { vhid: 1, ipv4: ['192.0.2.50'] });
    expect(issues(app)).toContainEqual({ path: 'Carp', message, value });
  });

  test('a backup at advskew 240 is an error: a demoted master ties with it', () => {
    const app = newApp();
    cluster(app, { advskews: [0, 240] }).addVip('V', { vhid: 1, ipv4: ['192.0.2.50'] });
    expect(issues(app)).toEqual([{ path: 'Carp', message: expect.stringContaining('has advskew 240: a demoted master saturates at 240'), value: '240' }]);
  });

  test.each([[0], [256], [2.5]])('advbase %s is rejected; 1–255 accepted', (advbase) => {
    const app = newApp();
    cluster(app, { advbase }).addVip('V', { vhid: 1, ipv4: ['192.0.2.50'] });
    expect(issues(app)).toEqual([{ path: 'Carp', message: 'advbase must be an integer from 1 to 255', value: String(advbase) }]);
    const ok = newApp();
    cluster(ok, { advbase: 255 }).addVip('V', { vhid: 1, ipv4: ['192.0.2.50'] });
    expect(issues(ok)).toEqual([]);
  });

  test("the original's password very-secure-password is rejected for its hyphen, naming the 19-character limit too, without showing it", () => {
    const app = newApp();
    cluster(app, { password: Secret.fromLiteral('very-secure-password') }).addVip('V', { vhid: 1, ipv4: ['192.0.2.50'] });
    let err: any;
    try {
      Testing.synth(app);
    } catch (e) {
      err = e;
    }
    const list = Errors.issuesOf(err);
    expect(list).toHaveLength(1);
    expect(list[0].path).toBe('Carp');
    expect(list[0].message).toMatch(/^CARP password is rejected: it contains a hyphen: FreeBSD's rc.d/);
    expect(list[0].message).toContain('address range');
    expect(list[0].message).toContain('20 bytes long but ifconfig keeps only the first 19');
    expect(list[0].value).toBe('<redacted>');
    expect(err.message).not.toContain('very-secure-password');
    expect(err.message).not.toContain('secure');
  });

  test.each([
    ['pass word'],
    ['pa$$word'],
    ['pass`id`'],
    ['pass;reboot'],
    ['inet6'],
    ['ab"cd'],
    ['x\ny'],
  ])('unsafe password %j is rejected', (pw) => {
    const app = newApp();
    cluster(app, { password: Secret.fromLiteral(pw) }).addVip('V', { vhid: 1, ipv4: ['192.0.2.50'] });
    const list = issues(app);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ path: 'Carp', value: '<redacted>' });
    expect(list[0].message).toMatch(/^CARP password is rejected/);
  });

  test('a 20-character safe password is a warning naming the effective length', () => {
    const app = newApp();
    cluster(app, { password: Secret.fromLiteral('abcdefghij0123456789') }).addVip('V', { vhid: 1, ipv4: ['192.0.2.50'] });
    const t = Testing.synth(app);
    expect(t.warnings.map((w) => [w.path, w.message])).toEqual([
      ['Carp', 'CARP password: it is 20 bytes long but ifconfig keeps only the first 19 (strlcpy into the 20-byte CARP key), so the effective password is 19 characters'],
    ]);
  });

  test('a missing environment variable or secret file is a clear error', () => {
    delete process.env.CDKBSD_NOT_SET;
    const app = newApp();
    cluster(app, { password: Secret.fromEnv('CDKBSD_NOT_SET') }).addVip('V', { vhid: 1, ipv4: ['192.0.2.50'] });
    expect(issues(app)).toEqual([{ path: 'Carp', message: 'CARP password cannot be read: environment variable CDKBSD_NOT_SET is not set or empty', value: '<secret from environment variable CDKBSD_NOT_SET>' }]);
    const app2 = newApp();
    cluster(app2, { password: Secret.fromFile('/nonexistent/pw') }).addVip('V', { vhid: 1, ipv4: ['192.0.2.50'] });
    expect(issues(app2)[0].message).toBe('CARP password cannot be read: secret file /nonexistent/pw cannot be read (ENOENT)');
  });

  test('a vhid used twice on the interface is an error', () => {
    const app = newApp();
    const c = cluster(app);
    c.addVip('A', { vhid: 1, ipv4: ['192.0.2.50'] });
    c.addVip('B', { vhid: 1, ipv4: ['192.0.2.51'] });
    expect(issues(app)).toEqual([{ path: 'Carp', message: 'vhid 1 is used by both Carp/A and Carp/B on vtnet0', value: '1' }]);
  });

  test('a VIP outside every prefix of a member is an error; inside (with /32) it is fine', () => {
    const app = newApp();
    cluster(app).addVip('V', { vhid: 1, ipv4: ['198.51.100.50/32'] });
    expect(issues(app)).toEqual([
      { path: 'Carp', message: 'VIP 198.51.100.50 (Carp/V) lies in no prefix that members lb-a.example.org and lb-b.example.org have on vtnet0', value: '198.51.100.50' },
    ]);
  });

  test('an IPv6 VIP on an interface without its own IPv6 address is an error (rc.d would skip it)', () => {
    const app = newApp();
    const c = cluster(app, {}, pair(app, { ipv6: false }));
    c.addVip('V', { vhid: 1, ipv6: ['2001:db8::50'] });
    const list = issues(app);
    expect(list).toContainEqual({ path: 'lb-a', message: expect.stringContaining('carries an IPv6 CARP address but has no IPv6 address of its own'), value: 'vtnet0' });
    expect(list).toContainEqual({ path: 'lb-b', message: expect.stringContaining('rc.d skips IPv6 aliases without ifconfig_vtnet0_ipv6'), value: 'vtnet0' });
  });

  test('the same VIP address in two clusters is an error; one vhid on one segment twice too', () => {
    const app = newApp();
    const c1 = new CarpCluster(app, 'C1', { members: pair(app), interfaceName: 'vtnet0', password: PASS });
    const c2 = new CarpCluster(app, 'C2', { members: pair(app, { names: ['lb-c.example.org', 'lb-d.example.org'], prefix: '192.0.2' }), interfaceName: 'vtnet0', password: PASS });
    c1.addVip('V', { vhid: 1, ipv4: ['192.0.2.50'] });
    c2.addVip('V', { vhid: 1, ipv4: ['192.0.2.50'] });
    const list = issues(app);
    expect(list).toContainEqual({ path: 'C1', message: expect.stringMatching(/^vhid 1 is also used by C2\/V on the same network segment/), value: '1' });
    expect(list).toContainEqual({ path: 'C1', message: 'VIP address 192.0.2.50 is also used by C2/V', value: '192.0.2.50' });
  });

  test('a member without the cluster interface is an error naming its interfaces', () => {
    const app = newApp();
    const [a, b] = pair(app);
    new CarpCluster(app, 'Carp', { members: [a, b], interfaceName: 'em0', password: PASS }).addVip('V', { vhid: 1, ipv4: ['192.0.2.50'] });
    expect(issues(app)).toContainEqual({ path: 'Carp', message: 'Member lb-a has no interface em0', value: 'em0' });
  });

  test('bad interface names, bad VIP addresses and family mix-ups are reported with paths', () => {
    const app = newApp();
    const hosts = pair(app);
    hosts[0].addInterface('bad name!', {});
    const c = cluster(app, {}, hosts);
    c.addVip('V', { vhid: 1, ipv4: ['192.0.2.500', '2001:db8::5'], ipv6: ['fe80::1'] });
    const list = issues(app);
    expect(list).toContainEqual({ path: 'lb-a/bad name!', message: 'Interface name is not valid', value: 'bad name!' });
    expect(list).toContainEqual({ path: 'Carp/V', message: 'VIP address in ipv4: Not an IP address', value: '192.0.2.500' });
    expect(list).toContainEqual({ path: 'Carp/V', message: 'ipv4 holds an address of the other family', value: '2001:db8::5' });
    expect(list).toContainEqual({ path: 'Carp/V', message: 'A VIP cannot be a link-local address', value: 'fe80::1' });
  });

  test('preempt off with several VIPs is a warning', () => {
    const app = newApp();
    const c = cluster(app, { preempt: false });
    c.addVip('A', { vhid: 1, ipv4: ['192.0.2.50'] });
    c.addVip('B', { vhid: 2, ipv4: ['192.0.2.51'] });
    expect(Testing.synth(app).warnings.map((w) => w.path + ': ' + w.message)).toEqual([
      'Carp: Preempt is off with several VIPs: they may end up on different members, and a repaired preferred master never takes them back',
    ]);
  });
});

describe('CARP validation across clusters', () => {
  test('one vhid on overlapping prefixes of different lengths (/24 inside /16) is caught', () => {
    const app = new App();
    const mk = (id: string, name: string, ip: string) => {
      const h = new FreeBsdHost(app, id, { hostname: name });
      h.addInterface('vtnet0', { ipv4: ip });
      return h;
    };
    const c1 = new CarpCluster(app, 'C1', { members: [mk('A', 'a.example.org', '10.1.60.11/24'), mk('B', 'b.example.org', '10.1.60.12/24')], interfaceName: 'vtnet0', password: PASS });
    const c2 = new CarpCluster(app, 'C2', { members: [mk('C', 'c.example.org', '10.1.61.11/16'), mk('D', 'd.example.org', '10.1.61.12/16')], interfaceName: 'vtnet0', password: PASS });
    c1.addVip('V', { vhid: 5, ipv4: ['10.1.60.50'] });
    c2.addVip('V', { vhid: 5, ipv4: ['10.1.61.50'] });
    expect(issues(app)).toEqual([
      { path: 'C1', message: expect.stringMatching(/^vhid 5 is also used by C2\/V on the same network segment/), value: '5' },
    ]);
  });

  test('one vhid on separate segments is fine', () => {
    const app = new App();
    const c1 = new CarpCluster(app, 'C1', { members: pair(app), interfaceName: 'vtnet0', password: PASS });
    const c2 = new CarpCluster(app, 'C2', { members: pair(app, { names: ['lb-c.example.org', 'lb-d.example.org'], prefix: '198.51.100', ipv6: false }), interfaceName: 'vtnet0', password: PASS });
    c1.addVip('V', { vhid: 1, ipv4: ['192.0.2.50'] });
    c2.addVip('V', { vhid: 1, ipv4: ['198.51.100.50'] });
    expect(issues(app)).toEqual([]);
  });
});
