import { describe, expect, test } from 'vitest';
import { Severity } from '../../lib/core/errors';
import { validateTree } from '../../lib/core/pipeline';
import { AddressFamily } from '../../lib/net/address';
import { PfRuleset } from '../../lib/pf/pf-ruleset';
import { PfProtocol } from '../../lib/pf/types';
import { PfAddress, PfPort } from '../../lib/pf/values';
import { referenceRuleset, topology } from './fixture';
import { GW, gateway, gatewayRuleset } from './fixture-gateway';
import { H1, H2, pfOf, translations, synth } from './helpers';

const errors = (app: Parameters<typeof validateTree>[0]) =>
  validateTree(app).filter((i) => i.severity === Severity.ERROR).map((i) => [i.path, i.message, i.value])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1])));

describe('nat, rdr and binat in FreeBSD 14\'s syntax', () => {
  test('NAT to the interface\'s address: the rule, its section between normalization and filtering, and gateway_enable', () => {
    const g = gateway();
    const fw = gatewayRuleset(g);
    fw.addNat('Out', { interfaceName: 'vtnet0', from: [PfAddress.prefix('10.0.0.0/24')], translateTo: PfAddress.interfaceAddress('vtnet0'), comment: 'LAN to the internet' });
    const s = synth(g.app);
    const v = s.pfConf(GW);
    expect(v.problems).toEqual([]);
    expect(translations(v)).toEqual([{ kind: 'nat', pass: false, log: false, interfaces: ['vtnet0'], af: 'inet', protocols: [], from: ['10.0.0.0/24'], fromPorts: [], to: [], toPorts: [], target: '(vtnet0)', options: [] }]);
    expect(v.translation[0].comment).toBe('Firewall/Out: LAN to the internet');
    // pf.conf(5)'s order: options, normalization, translation, filtering.
    expect(v.normalization[0].line).toBeLessThan(v.translation[0].line);
    expect(v.translation[0].line).toBeLessThan(v.rules[0].line);
    expect(s.file(GW, '/etc/pf.conf')).toContain('-> ($ext_if)');
    expect(s.rcConf(GW).gateway_enable).toBe('YES');
    expect(s.rcConf(GW).ipv6_gateway_enable).toBeUndefined();
  });

  test('NAT on a CARP pair translates to the VIP (its address of the rule\'s family), so that pfsync keeps sessions across a failover', () => {
    const t = topology({ pfsync: { interfaceName: 'vnet1' } });
    for (const [h, n] of [[t.h1, 1], [t.h2, 2]] as const) h.addInterface('vnet2', { ipv4: `10.0.0.${n}/24` });
    const fw = referenceRuleset(t);
    fw.addNat('Out', { interfaceName: 'vnet0', from: [PfAddress.prefix('10.0.0.0/24')], translateTo: PfAddress.vip(t.vip) });
    const s = synth(t.app);
    for (const host of [H1, H2]) {
      expect(translations(s.pfConf(host)).map((x) => [x.interfaces, x.af, x.from, x.target])).toEqual([[['vnet0'], 'inet', ['10.0.0.0/24'], '10.1.60.200']]);
      expect(s.rcConf(host).gateway_enable).toBe('YES');
      // The translations' states are synchronised: pfsync passes on its link.
      expect(s.pfConf(host).rules.filter((r) => r.protocols.includes('pfsync'))).toHaveLength(1);
    }
  });

  test('NAT with protocols, ports and static-port; IPv6 translation turns on ipv6_gateway_enable', () => {
    const g = gateway();
    const fw = gatewayRuleset(g);
    fw.addNat('Sip', { interfaceName: 'vtnet0', protocols: [PfProtocol.UDP], from: [PfAddress.prefix('10.0.0.0/24')], toPorts: [PfPort.number(5060)], translateTo: PfAddress.prefix('192.0.2.10'), staticPort: true });
    fw.addNat('Npt', { interfaceName: 'vtnet0', from: [PfAddress.prefix('fd00:1::/64')], translateTo: PfAddress.prefix('2001:db8:1::10') });
    const s = synth(g.app);
    expect(translations(s.pfConf(GW)).map((x) => [x.kind, x.af, x.protocols, x.from, x.toPorts, x.target, x.options])).toEqual([
      ['nat', 'inet', ['udp'], ['10.0.0.0/24'], ['5060'], '192.0.2.10', ['static-port']],
      ['nat', 'inet6', [], ['fd00:1::/64'], [], '2001:db8:1::10', []],
    ]);
    expect(s.rcConf(GW)).toMatchObject({ gateway_enable: 'YES', ipv6_gateway_enable: 'YES' });
  });

  test('rdr of a port range onto a range of the same length (port 1000:*), rdr pass log, and an rdr to the host itself (no forwarding)', () => {
    const g = gateway();
    const fw = gatewayRuleset(g, { logBlocked: false });
    fw.addRdr('Game', { interfaceName: 'vtnet0', protocols: [PfProtocol.TCP, PfProtocol.UDP], to: [PfAddress.prefix('192.0.2.10')], toPorts: [PfPort.range(27000, 27050)], redirectTo: PfAddress.prefix('10.0.0.5'), redirectPort: 37000 });
    fw.addRdr('Web', { interfaceName: 'vtnet0', protocols: [PfProtocol.TCP], toPorts: [PfPort.service('http')], redirectTo: PfAddress.prefix('10.0.0.6'), redirectPort: 8080, pass: true, log: true });
    const v = pfOf(g.app, GW);
    expect(translations(v).map((x) => [x.kind, x.pass, x.log, x.protocols, x.to, x.toPorts, x.target, x.targetPort])).toEqual([
      ['rdr', false, false, ['tcp', 'udp'], ['192.0.2.10'], ['27000:27050'], '10.0.0.5', '37000:*'],
      ['rdr', true, true, ['tcp'], [], ['80'], '10.0.0.6', '8080'],
    ]);
    const s = synth(g.app);
    expect(s.rcConf(GW).pflog_enable).toBe('YES'); // the rdr logs
    expect(s.rcConf(GW).gateway_enable).toBe('YES');

    const h = gateway();
    gatewayRuleset(h).addRdr('Local', { interfaceName: 'vtnet1', protocols: [PfProtocol.TCP], toPorts: [PfPort.number(80)], redirectTo: PfAddress.prefix('127.0.0.1'), redirectPort: 8080 });
    expect(synth(h.app).rcConf(GW).gateway_enable).toBeUndefined();
  });

  test('binat maps an internal address onto an external one of the same length', () => {
    const g = gateway();
    gatewayRuleset(g).addBinat('Mail', { interfaceName: 'vtnet0', from: PfAddress.prefix('10.0.0.25'), translateTo: PfAddress.prefix('192.0.2.25') });
    expect(translations(pfOf(g.app, GW))).toEqual([{ kind: 'binat', pass: false, log: false, interfaces: ['vtnet0'], af: 'inet', protocols: [], from: ['10.0.0.25'], fromPorts: [], to: [], toPorts: [], target: '192.0.2.25', options: [] }]);
  });

  test('FAIL: what pfctl refuses, each at the translation\'s path with the value and what is allowed', () => {
    const g = gateway();
    const fw = gatewayRuleset(g);
    const t = topology();
    const other = new PfRuleset(g.app, 'Other', { target: g.host, externalInterface: 'vtnet0', sshFrom: ['10.9.0.0/24'] });
    const theirs = other.addTable('theirs', { addresses: ['10.0.0.0/24'] });
    const tbl = fw.addTable('lan', { addresses: ['10.0.0.0/24'] });
    fw.addNat('NoFrom', { interfaceName: 'vtnet0', from: [], family: AddressFamily.IPV4, translateTo: PfAddress.prefix('192.0.2.10') });
    fw.addNat('ToTable', { interfaceName: 'vtnet0', from: [PfAddress.prefix('10.0.0.0/24')], translateTo: PfAddress.table(tbl) });
    fw.addNat('ToNet', { interfaceName: 'vtnet0', from: [PfAddress.prefix('10.0.0.0/24')], translateTo: PfAddress.prefix('192.0.2.0/28') });
    fw.addNat('Mixed', { interfaceName: 'vtnet0', from: [PfAddress.prefix('10.0.0.0/24')], translateTo: PfAddress.prefix('2001:db8:1::10') });
    fw.addNat('V6Vip', { interfaceName: 'vtnet0', family: AddressFamily.IPV6, from: [PfAddress.table(tbl)], translateTo: PfAddress.vip(t.cluster.addVip('V4only', { vhid: 9, ipv4: ['10.1.60.209'] })) });
    fw.addNat('Missing', { interfaceName: 'em9', from: [PfAddress.prefix('10.0.0.0/24')], translateTo: PfAddress.interfaceAddress('em8') });
    fw.addNat('Foreign', { interfaceName: 'vtnet0', from: [PfAddress.table(theirs)], family: AddressFamily.IPV4, translateTo: PfAddress.prefix('192.0.2.10') });
    fw.addRdr('NoProto', { interfaceName: 'vtnet0', toPorts: [PfPort.number(80)], redirectTo: PfAddress.prefix('10.0.0.5') });
    fw.addRdr('Overflow', { interfaceName: 'vtnet0', protocols: [PfProtocol.TCP], toPorts: [PfPort.range(1000, 2000)], redirectTo: PfAddress.prefix('10.0.0.5'), redirectPort: 65000 });
    fw.addRdr('RangeList', { interfaceName: 'vtnet0', protocols: [PfProtocol.TCP], toPorts: [PfPort.range(1000, 2000), PfPort.number(80)], redirectTo: PfAddress.prefix('10.0.0.5'), redirectPort: 3000 });
    fw.addBinat('Mask', { interfaceName: 'vtnet0', from: PfAddress.prefix('10.0.0.0/28'), translateTo: PfAddress.prefix('192.0.2.25') });
    expect(errors(g.app).filter((e) => String(e[0]).startsWith('Firewall/'))).toEqual([
      ['Firewall/Foreign', 'Table <theirs> belongs to another ruleset (Other): this pf.conf has no table line for it, so the rule never matches', '<theirs> (Other/theirs)'],
      ['Firewall/Mask', 'binat from and translateTo must have the same prefix length', '/28 -> /32'],
      ['Firewall/Missing', 'nat interface em8 does not exist on Gw', 'em8'],
      ['Firewall/Missing', 'nat interface em9 does not exist on Gw', 'em9'],
      ['Firewall/Mixed', 'nat mixes address families', 'inet, inet6'],
      ['Firewall/NoFrom', 'nat needs the sources to translate (from)', '[]'],
      ['Firewall/NoProto', 'rdr ports need a TCP or UDP rule', 'any protocol'],
      ['Firewall/Overflow', 'rdr target range ends after port 65535', '65000:* for 1000:2000'],
      ['Firewall/RangeList', 'rdr maps a range onto redirectPort only when toPorts is that one range', '1000:2000, 80'],
      ['Firewall/ToNet', 'nat target must be one address', '192.0.2.0/28'],
      ['Firewall/ToTable', 'nat translateTo is not an address pf can translate to', '<lan>'],
      ['Firewall/V6Vip', 'nat table <lan> holds no inet6 address: the rule matches nothing', '10.0.0.0/24'],
      ['Firewall/V6Vip', 'nat target VIP Carp/V4only has no inet6 address', '10.1.60.209'],
    ]);
  });
});
