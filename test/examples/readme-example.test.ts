// The worked example of the README ("Unit-testing a topology"): kept here so it runs.
import { expect, test } from 'vitest';
import { App, Errors, HaproxyCheck, PfConfView, Testing } from '../../lib/index';
import { buildReferenceApp } from '../../examples/ha-reverse-proxy/main';

test('README: unit-testing the reference topology', () => {
  const t = Testing.synth(buildReferenceApp(new App()));

  // rc.conf, read back by /bin/sh
  const rc = t.rcConf('haproxy02.example.net');
  expect(rc.ifconfig_vnet0_alias1).toBe('inet vhid 1 advskew 100 pass verysecurepassword alias 10.1.60.200/32');
  expect(rc.haproxy_enable).toBe('YES');

  // haproxy.conf as sections and directives
  const haproxy = t.haproxyConf('haproxy01.example.net');
  const fe = haproxy.section('frontend', 'fe_web')!;
  expect(fe.find('bind').map((b) => b.args[0])).toContain('[fd5e:d1c2:c9de:60::200]:443');
  expect(haproxy.section('backend', 'be_app')!.find('server').map((s) => s.args[0])).toEqual(['app1', 'app2']);

  // pf.conf as rules: HTTPS reaches the VIPs, and nothing else is opened to the world
  const pf: PfConfView = t.pfConf('haproxy01.example.net');
  const web = pf.rules.find((r) => r.action === 'pass' && r.toPorts.includes('443'))!;
  expect(web.to).toEqual(['10.1.60.200', 'fd5e:d1c2:c9de:60::200']);
  expect(pf.orderErrors).toEqual([]);

  // and the real haproxy binary agrees (skipped where haproxy is not installed)
  if (!HaproxyCheck.shouldSkip()) expect(HaproxyCheck.check(t.file('haproxy01.example.net', '/usr/local/etc/haproxy.conf')).ok).toBe(true);
});

test('README: a mistake is caught before anything is written', () => {
  const app = buildReferenceApp(new App());
  const cluster = app.node.findChild('Carp') as any;
  cluster.addVip('Typo', { vhid: 1, ipv4: ['10.1.61.200'] }); // vhid taken, and outside the /24
  try {
    Testing.synth(app);
    expect.unreachable();
  } catch (e) {
    // One error per cause: the address outside the /24 (naming both members), and the vhid taken.
    expect(Errors.issuesOf(e).map((i) => `${i.path}: ${i.message}`)).toEqual([
      'Carp: VIP 10.1.61.200 (Carp/Typo) lies in no prefix that members haproxy01.example.net and haproxy02.example.net have on vnet0',
      'Carp: vhid 1 is used by both Carp/Vip and Carp/Typo on vnet0',
    ]);
  }
});
