import { describe, expect, test } from 'vitest';
import { App } from '../../lib/core/app';
import { FreeBsdHost } from '../../lib/core/host';
import { AddressFamily } from '../../lib/net/address';
import { Construct } from 'constructs';
import { HostContribution } from '../../lib/core/contribution';
import { PfRuleset } from '../../lib/pf/pf-ruleset';
import { PfAction, PfDirection, PfProtocol } from '../../lib/pf/types';
import { PfAddress, PfPort, PfState } from '../../lib/pf/values';
import { PfConfView, PfRuleView } from '../../lib/testing/parse-pf';
import { synth } from './helpers';
import { REFERENCE_ICMP, SSH_PREFIXES, referenceRuleset, topology } from './fixture';

const H1 = 'haproxy01.example.net';
const H2 = 'haproxy02.example.net';

function pfOf(app: App, host: string): PfConfView {
  return PfConfView.parse(synth(app).file(host, '/etc/pf.conf'));
}

function canon(v: PfConfView): string[] {
  return v.rules.map(PfConfView.canonical);
}

describe('PfRuleset on the reference topology', () => {
  test('every member gets a pf.conf that parses back without order or macro problems, with the reference\'s macros and options', () => {
    // GIVEN the reference topology and the reference's ruleset on the cluster
    const t = topology();
    referenceRuleset(t);
    // WHEN synthesized THEN both members' pf.conf read back cleanly
    for (const host of [H1, H2]) {
      const v = pfOf(t.app, host);
      expect(v.problems).toEqual([]);
      expect(v.macros).toEqual({
        ext_if: 'vnet0',
        icmp_types: '{ unreach, squench, echoreq, timex, paramprob }',
        icmp6_types: '{ unreach, toobig, timex, paramprob, echoreq, neighbrsol, neighbradv, routersol, routeradv }',
      });
      expect(v.options.map((o) => `${o.name} ${o.value}`)).toEqual(['block-policy drop', 'skip on lo']);
      expect(v.normalization.map((s) => s.text)).toEqual(['scrub in all']);
    }
  });

  test('the filter rules are the default policy, then the derived rules, each commented with the construct that implied it', () => {
    const t = topology();
    referenceRuleset(t);
    const v = pfOf(t.app, H1);
    expect(v.rules.map((r) => [PfConfView.canonical(r), r.comment])).toEqual([
      ['block in log all', 'Firewall: default policy'],
      ['pass out all', 'Firewall: default policy'],
      ['pass quick on vnet0 proto carp all keep state (no-sync)', 'Carp: CARP (vhid 1) must pass in and out'],
      ['pass in inet proto icmp all icmp-type { unreach, squench, echoreq, timex, paramprob }', 'Firewall: ping and ICMP errors'],
      ['pass in inet6 proto icmp6 all icmp6-type { unreach, toobig, timex, paramprob, echoreq, neighbrsol, neighbradv, routersol, routeradv }',
        'Haproxy01: has IPv6, which needs neighbour and router discovery and toobig'],
      ['pass in inet6 proto icmp6 all icmp6-type listqry',
        'Haproxy01: MLD queries, so IPv6 multicast (CARP, neighbour discovery) keeps flowing behind MLD-snooping switches'],
      [`pass in on vnet0 inet6 proto tcp from { ${SSH_PREFIXES.join(', ')} } to any port 22`, 'Firewall: SSH allow-list'],
      // On the interface the VIP lives on (its CARP interface), to the VIP only.
      ['pass in on vnet0 proto tcp from any to { 10.1.60.200, fd5e:d1c2:c9de:60::200 } port { 80, 443 }', 'Haproxy/fe_web: HAProxy frontend fe_web'],
    ]);
  });

  test('every rule of the reference\'s own pf.conf is passed by the rendered ruleset (same or stricter where noted)', () => {
    // The reference as its write-up has it (service names, macros), read with the same reader.
    const reference = PfConfView.parse([
      'ext_if = "vnet0"',
      'icmp_types = "{ unreach, squench, echoreq, timex, paramprob }"',
      'icmp6_types = "{ unreach, toobig, timex, paramprob, echoreq, neighbradv, neighbrsol, routeradv, routersol }"',
      'set block-policy drop',
      'set skip on lo',
      'block in log all',
      'pass out all',
      `pass in on $ext_if inet6 proto tcp from { ${SSH_PREFIXES.join(' ')} } to any port ssh`,
      'pass in on $ext_if inet proto icmp icmp-type $icmp_types',
      'pass in on $ext_if inet6 proto icmp6 icmp6-type $icmp6_types',
      'pass quick on $ext_if proto carp',
      'pass in on $ext_if proto tcp to any port { http, https }',
      '',
    ].join('\n'));
    expect(reference.problems).toEqual([]);
    const t = topology();
    referenceRuleset(t);
    const ours = pfOf(t.app, H1);
    expect(ours.options).toEqual(expect.arrayContaining(reference.options.map((o) => expect.objectContaining({ name: o.name, value: o.value }))));

    const same = (r: PfRuleView, keys: Array<keyof PfRuleView>) => (o: PfRuleView) => keys.every((k) => JSON.stringify(o[k]) === JSON.stringify(r[k]));
    const sorted = (x: string[]) => [...x].sort();
    const [block, passOut, ssh, icmp, icmp6, carp, web] = reference.rules;
    // Identical rules.
    for (const r of [block, passOut, ssh]) expect(canon(ours)).toContain(PfConfView.canonical(r));
    // ICMP/ICMPv6: the same types; ours apply on every interface (neighbour discovery is needed on each).
    const icmpOurs = ours.rules.filter(same(icmp, ['action', 'direction', 'af', 'protocols']));
    expect(icmpOurs.map((r) => sorted(r.icmpTypes))).toEqual([sorted(icmp.icmpTypes)]);
    expect(icmpOurs[0].interfaces).toEqual([]);
    // (The MLD query rule is ours alone: listqry only.)
    const icmp6Ours = ours.rules.filter(same(icmp6, ['action', 'direction', 'af', 'protocols'])).filter((r) => !r.icmp6Types.includes('listqry'));
    expect(icmp6Ours.map((r) => sorted(r.icmp6Types))).toEqual([sorted(icmp6.icmp6Types)]);
    // CARP: the same rule, with keep state (no-sync) as pfsync(4) asks.
    expect(ours.rules.filter(same(carp, ['action', 'quick', 'interfaces', 'protocols', 'from', 'to'])).map((r) => r.stateOptions)).toEqual([['no-sync']]);
    // HTTP/HTTPS: the same ports, only to the addresses HAProxy listens on (the VIP).
    const webOurs = ours.rules.filter((r) => r.action === 'pass' && r.direction === 'in' && JSON.stringify(r.toPorts) === JSON.stringify(web.toPorts));
    expect(webOurs.map((r) => r.to)).toEqual([['10.1.60.200', 'fd5e:d1c2:c9de:60::200']]);
    expect(web.toPorts).toEqual(['80', '443']);
  });

  test('pf_enable and pflog_enable (the default block rule logs) are set in every member\'s rc.conf', () => {
    const t = topology();
    referenceRuleset(t);
    const s = synth(t.app);
    for (const host of [H1, H2]) {
      expect(s.rcConf(host).pf_enable).toBe('YES');
      expect(s.rcConf(host).pflog_enable).toBe('YES');
    }
  });

  test('pflog_enable is not set when no rule logs; it is when a user rule logs', () => {
    const t = topology();
    const fw = referenceRuleset(t, { logBlocked: false });
    expect(synth(t.app).rcConf(H1).pflog_enable).toBeUndefined();
    fw.addRule('LogSmtp', { action: PfAction.BLOCK, direction: PfDirection.IN, log: true, protocols: [PfProtocol.TCP], toPorts: [PfPort.service('smtp')] });
    expect(synth(t.app).rcConf(H1).pflog_enable).toBe('YES');
  });

  test('the same app gives byte-identical pf.conf files', () => {
    const a = topology();
    referenceRuleset(a);
    const b = topology();
    referenceRuleset(b);
    expect(synth(a.app).file(H2, '/etc/pf.conf')).toBe(synth(b.app).file(H2, '/etc/pf.conf'));
  });
});

describe('derived rules follow the other constructs', () => {
  test('a second frontend on another port adds its own pass rule; a VIP added to the frontend\'s cluster is not opened unless bound', () => {
    const t = topology();
    const extra = t.cluster.addVip('Extra', { vhid: 2, ipv4: ['10.1.60.210/32'] });
    const be = t.haproxy.backends[0];
    t.haproxy.addFrontend('fe_alt', { vips: [extra], httpPort: 8080, plainHttp: true, defaultBackend: be });
    referenceRuleset(t);
    const v = pfOf(t.app, H1);
    const webRules = v.rules.filter((r) => (r.comment ?? '').includes('HAProxy frontend'));
    expect(webRules.map((r) => [r.to, r.toPorts, r.comment])).toEqual([
      [['10.1.60.210'], ['8080'], 'Haproxy/fe_alt: HAProxy frontend fe_alt'],
      [['10.1.60.200', 'fd5e:d1c2:c9de:60::200'], ['80', '443'], 'Haproxy/fe_web: HAProxy frontend fe_web'],
    ]);
    expect(v.rulesCommented('Carp: CARP')[0].comment).toBe('Carp: CARP (vhid 1, 2) must pass in and out');
  });

  test('HAProxy peers open the peers port from the other member only, to the own address', () => {
    const t = topology();
    t.haproxy.enablePeers({ port: 10000 });
    referenceRuleset(t);
    const peers1 = pfOf(t.app, H1).rulesCommented('HAProxy peers');
    const peers2 = pfOf(t.app, H2).rulesCommented('HAProxy peers');
    // The members' management addresses (the fixture's global IPv6 addresses).
    // On vnet0, where the own management address lives.
    expect(peers1.map(PfConfView.canonical)).toEqual(['pass in on vnet0 proto tcp from 2003:abcd:ef12:3460:420:99ff:feeb:2969 to 2003:abcd:ef12:3460:d:22ff:fe50:3d0b port 10000']);
    expect(peers2.map(PfConfView.canonical)).toEqual(['pass in on vnet0 proto tcp from 2003:abcd:ef12:3460:d:22ff:fe50:3d0b to 2003:abcd:ef12:3460:420:99ff:feeb:2969 port 10000']);
  });

  test('any construct can contribute an opening as plain data; PF renders it and the rule names it', () => {
    const t = topology();
    referenceRuleset(t);
    // A service PF has never heard of: it only returns data (docs/architecture.md).
    class Ntp extends Construct {
      public _contribute(): HostContribution[] {
        return [t.h1, t.h2].map((host) => ({
          host, owner: this,
          openings: [{ owner: this, purpose: 'NTP', protocol: 'udp' as const, ports: [123], to: [], from: ['192.0.2.0/24'] }],
        }));
      }
    }
    new Ntp(t.app, 'Ntp');
    // No destination address: the host itself (self), not any address it might forward to.
    expect(pfOf(t.app, H1).rulesCommented('Ntp: NTP').map(PfConfView.canonical)).toEqual(['pass in proto udp from 192.0.2.0/24 to self port 123']);
    expect(pfOf(t.app, H2).rulesCommented('Ntp: NTP')).toHaveLength(1);
  });

  test('allowServices: false derives no service rule', () => {
    const t = topology();
    referenceRuleset(t, { allowServices: false });
    expect(pfOf(t.app, H1).rulesCommented('HAProxy')).toEqual([]);
  });

  test('an IPv4-only host gets no ICMPv6 rule and no icmp6_types macro; an IPv6-only host no ICMP rule', () => {
    const app = new App({ outdir: '/nonexistent' });
    const v4 = new FreeBsdHost(app, 'V4', { hostname: 'v4.example.net' });
    v4.addInterface('em0', { ipv4: '192.0.2.10/24' });
    const v6 = new FreeBsdHost(app, 'V6', { hostname: 'v6.example.net' });
    v6.addInterface('em0', { ipv6: ['2001:db8::10/64'] });
    new PfRuleset(app, 'Fw4', { target: v4, externalInterface: 'em0', sshFrom: ['192.0.2.0/24'] });
    new PfRuleset(app, 'Fw6', { target: v6, externalInterface: 'em0', sshFrom: ['2001:db8::/32'] });
    const a = pfOf(app, 'v4.example.net');
    expect(Object.keys(a.macros)).toEqual(['ext_if', 'icmp_types']);
    expect(a.rules.filter((r) => r.protocols.includes('icmp6'))).toEqual([]);
    expect(a.rulesCommented('SSH')[0].af).toBe('inet');
    const b = pfOf(app, 'v6.example.net');
    expect(Object.keys(b.macros)).toEqual(['ext_if', 'icmp6_types']);
    expect(b.rules.filter((r) => r.protocols.includes('icmp'))).toEqual([]);
    // No CARP cluster: no CARP rule.
    expect(a.rules.filter((r) => r.protocols.includes('carp'))).toEqual([]);
  });

  test('pfsync (configured once, on the cluster) passes on its own interface macro, quick, without syncing its own states', () => {
    const t = topology({ pfsync: { interfaceName: 'vtnet1' } });
    referenceRuleset(t);
    const v = pfOf(t.app, H1);
    expect(v.macros.sync_if).toBe('vtnet1');
    expect(v.rulesCommented('pfsync').map(PfConfView.canonical)).toEqual(['pass quick on vtnet1 proto pfsync all keep state (no-sync)']);
    expect(synth(t.app).file(H1, '/etc/pf.conf')).toContain('pass quick on $sync_if proto pfsync');
  });
});

describe('user rules', () => {
  test('come after the derived rules, in the order added, with the external interface as its macro', () => {
    const t = topology();
    const fw = referenceRuleset(t);
    const bad = fw.addTable('bad_hosts', { addresses: ['198.51.100.0/24', '2001:db8:bad::/48'] });
    fw.addRule('BlockBad', { action: PfAction.BLOCK, direction: PfDirection.IN, quick: true, log: true, interfaceName: 'vnet0', from: [PfAddress.table(bad)] });
    fw.addRule('Dns', { action: PfAction.PASS, direction: PfDirection.IN, protocols: [PfProtocol.UDP, PfProtocol.TCP], to: [PfAddress.vip(t.vip)], toPorts: [PfPort.service('domain')], state: PfState.keep({ maxStates: 500 }), comment: 'resolver' });
    fw.addRule('Mgmt', { action: PfAction.PASS, direction: PfDirection.IN, family: AddressFamily.IPV4, protocols: [PfProtocol.TCP], from: [PfAddress.prefix('10.1.60.0/24')], to: [PfAddress.self()], toPorts: [PfPort.range(9000, 9100)] });
    const text = synth(t.app).file(H1, '/etc/pf.conf');
    expect(text).toContain('block in log quick on $ext_if from <bad_hosts> to any  # Firewall/BlockBad');
    const v = PfConfView.parse(text);
    expect(v.table('bad_hosts')).toMatchObject({ name: 'bad_hosts', flags: ['const'], addresses: ['198.51.100.0/24', '2001:db8:bad::/48'] });
    expect(v.rules.slice(-3).map((r) => [PfConfView.canonical(r), r.comment])).toEqual([
      ['block in log quick on vnet0 from <bad_hosts> to any', 'Firewall/BlockBad'],
      ['pass in proto { udp, tcp } from any to { 10.1.60.200, fd5e:d1c2:c9de:60::200 } port 53 keep state (max 500)', 'Firewall/Dns: resolver'],
      ['pass in inet proto tcp from 10.1.60.0/24 to self port 9000:9100', 'Firewall/Mgmt'],
    ]);
  });

  test('a VIP in a rule of one family renders only that family\'s addresses', () => {
    const t = topology();
    const fw = referenceRuleset(t);
    fw.addRule('V6Only', { action: PfAction.PASS, direction: PfDirection.IN, family: AddressFamily.IPV6, protocols: [PfProtocol.TCP], to: [PfAddress.vip(t.vip)], toPorts: [PfPort.number(8443)] });
    expect(pfOf(t.app, H1).rules.at(-1)!.to).toEqual(['fd5e:d1c2:c9de:60::200']);
  });
});
