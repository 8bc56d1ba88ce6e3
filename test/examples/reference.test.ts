import { describe, expect, test } from 'vitest';
import { App, Testing } from '../../lib/index';
import { buildReferenceApp } from '../../examples/ha-reverse-proxy/main';

// The reference setup (shared/reference/reference-setup.md), value by value. The password is the
// reference's words without hyphens: the original breaks rc.d and is rejected (see carp tests).
const PASS = 'verysecurepassword';
const REFERENCE = {
  'haproxy01.example.net': {
    hostname: 'haproxy01.example.net',
    ifconfig_vnet0: 'inet 10.1.60.201/24',
    ifconfig_vnet0_ipv6: 'inet6 2003:abcd:ef12:3460:d:22ff:fe50:3d0b/64',
    ifconfig_vnet0_alias0: 'inet6 fd5e:d1c2:c9de:60:d:22ff:fe50:3d0b/64',
    ifconfig_vnet0_alias1: `inet vhid 1 advskew 0 pass ${PASS} alias 10.1.60.200/32`,
    ifconfig_vnet0_alias2: `inet6 vhid 1 advskew 0 pass ${PASS} alias fd5e:d1c2:c9de:60::200/128`,
    defaultrouter: '10.1.60.1',
    ipv6_defaultrouter: '2003:abcd:ef12:3460::1',
  },
  'haproxy02.example.net': {
    hostname: 'haproxy02.example.net',
    ifconfig_vnet0: 'inet 10.1.60.202/24',
    ifconfig_vnet0_ipv6: 'inet6 2003:abcd:ef12:3460:420:99ff:feeb:2969/64',
    ifconfig_vnet0_alias0: 'inet6 fd5e:d1c2:c9de:60:420:99ff:feeb:2969/64',
    ifconfig_vnet0_alias1: `inet vhid 1 advskew 100 pass ${PASS} alias 10.1.60.200/32`,
    ifconfig_vnet0_alias2: `inet6 vhid 1 advskew 100 pass ${PASS} alias fd5e:d1c2:c9de:60::200/128`,
    defaultrouter: '10.1.60.1',
    ipv6_defaultrouter: '2003:abcd:ef12:3460::1',
  },
} as const;

describe('the main example reproduces the reference setup', () => {
  const t = Testing.synth(buildReferenceApp(new App()));

  test('both hosts are synthesized', () => {
    expect(t.hostnames).toEqual(['haproxy01.example.net', 'haproxy02.example.net']);
  });

  for (const [host, expected] of Object.entries(REFERENCE)) {
    test(`${host}: rc.conf, sourced by /bin/sh, has every network value of the reference`, () => {
      const rc = t.rcConf(host);
      for (const [k, v] of Object.entries(expected)) expect(rc[k], k).toBe(v);
      // Nothing else on vnet0: no extra aliases (vnet1 is the example's added pfsync link).
      expect(Object.keys(rc).filter((k) => k.startsWith('ifconfig_vnet0')).sort()).toEqual(
        Object.keys(expected).filter((k) => k.startsWith('ifconfig_')).sort(),
      );
    });

    test(`${host}: carp is loaded at boot and preempt is on`, () => {
      expect(t.loaderConf(host).carp_load).toBe('YES');
      expect(t.sysctlConf(host)['net.inet.carp.preempt']).toBe('1');
    });

    test(`${host}: rc.conf carries the CARP password, so it is written 0600 and flagged secret`, () => {
      const f = t.files(host).find((x) => x.path === '/etc/rc.conf')!;
      expect(f.secret).toBe(true);
      expect(f.mode).toBe(0o600);
    });
  }

  test('the CARP lines of one vhid carry the same parameters on both families (vhid first)', () => {
    for (const host of t.hostnames) {
      const rc = t.rcConf(host);
      const carp = Object.entries(rc).filter(([k, v]) => k.includes('_alias') && v.includes(' vhid '));
      const params = new Set(carp.map(([, v]) => v.replace(/^inet6? /, '').replace(/ alias .*$/, '')));
      expect(params.size).toBe(1);
      for (const [, v] of carp) expect(v.split(' ')[1]).toBe('vhid');
    }
  });

  test('the example synthesizes without warnings from the network part', () => {
    expect(t.warnings.filter((w) => w.path.startsWith('Carp') || w.path.startsWith('Haproxy0'))).toEqual([]);
  });
});

describe('the main example goes beyond the reference (issue 10: failover that follows the service)', () => {
  const t = Testing.synth(buildReferenceApp(new App()));
  const hosts = ['haproxy01.example.net', 'haproxy02.example.net'];

  test.each(hosts)('%s carries the watcher, its rc.d script and rc.conf enable line', (host) => {
    const files = t.files(host);
    const watcher = files.find((f) => f.path === '/usr/local/libexec/cdkbsd/carp-haproxy-watch')!;
    expect(watcher.mode).toBe(0o755);
    expect(files.find((f) => f.path === '/usr/local/etc/rc.d/cdkbsd_carpwatch')!.mode).toBe(0o755);
    expect(t.rcConf(host).cdkbsd_carpwatch_enable).toBe('YES');
  });

  test.each(hosts)('%s logs CARP transitions through devd on vnet0', (host) => {
    expect(t.file(host, '/etc/devd/carp.conf')).toMatch(/match "subsystem" "\[0-9\]\+@vnet0";/);
  });

  test('pfsync: rc.conf on each member points at the other over vnet1, and PF passes pfsync there', () => {
    expect(t.rcConf(hosts[0])).toMatchObject({ pfsync_enable: 'YES', pfsync_syncdev: 'vnet1', pfsync_syncpeer: '172.16.60.2' });
    expect(t.rcConf(hosts[1])).toMatchObject({ pfsync_enable: 'YES', pfsync_syncdev: 'vnet1', pfsync_syncpeer: '172.16.60.1' });
    for (const h of hosts) {
      const pf = t.pfConf(h);
      expect(pf.macros.sync_if).toBe('vnet1');
      const sync = pf.rules.find((r) => r.protocols.includes('pfsync'))!;
      expect(sync).toMatchObject({ action: 'pass', quick: true, interfaces: ['vnet1'] });
      expect(sync.stateOptions).toContain('no-sync');
      const carp = pf.rules.find((r) => r.protocols.includes('carp'))!;
      expect(carp.stateOptions).toContain('no-sync');
    }
  });

  test('peers: the same peers section on both, each host naming itself as localpeer at its own address', () => {
    const peerLines = hosts.map((h) => t.haproxyConf(h).section('peers', 'members')!.find('peer').map((d) => d.args.join(' ')));
    expect(peerLines[0]).toEqual(['haproxy01.example.net [2003:abcd:ef12:3460:d:22ff:fe50:3d0b]:10000', 'haproxy02.example.net [2003:abcd:ef12:3460:420:99ff:feeb:2969]:10000']);
    expect(peerLines[1]).toEqual(peerLines[0]);
    hosts.forEach((h) => {
      expect(t.haproxyConf(h).section('global')!.findFirst('localpeer')!.args).toEqual([h]);
      // The stick table of be_app is replicated through that section.
      const be = t.haproxyConf(h).section('backend', 'be_app')!;
      expect(be.findFirst('stick-table')!.valueAfter('peers')).toBe('members');
      expect(be.findFirst('stick')!.args).toEqual(['on', 'src']);
    });
  });
});
