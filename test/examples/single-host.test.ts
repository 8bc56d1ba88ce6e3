import { expect, test } from 'vitest';
import { App, HaproxyCheck, Testing } from '../../lib/index';
import { buildSingleHostApp } from '../../examples/single-host/main';

test('the single-host example: HAProxy and PF on one host, no CARP', () => {
  const t = Testing.synth(buildSingleHostApp(new App()));
  expect(t.warnings).toEqual([]);
  const rc = t.rcConf('web.example.org');
  expect(rc).toMatchObject({
    hostname: 'web.example.org', ifconfig_vtnet0: 'inet 192.0.2.20/24', ifconfig_vtnet0_ipv6: 'inet6 2001:db8:10::20/64',
    haproxy_enable: 'YES', pf_enable: 'YES', ntpd_enable: 'YES', sshd_enable: 'YES',
  });
  expect(Object.keys(rc).some((k) => k.includes('alias'))).toBe(false);
  expect(t.hasFile('web.example.org', '/boot/loader.conf')).toBe(false); // nothing to load: no CARP, not a jail
  const pf = t.pfConf('web.example.org');
  expect(pf.rules.some((r) => r.protocols.includes('carp'))).toBe(false);
  expect(pf.rules.find((r) => r.toPorts.includes('443'))!.to).toEqual(['192.0.2.20', '2001:db8:10::20']);
  if (!HaproxyCheck.shouldSkip()) {
    const r = HaproxyCheck.check(t.file('web.example.org', '/usr/local/etc/haproxy.conf'));
    expect(r.ok, r.output).toBe(true);
  }
});
