import { describe, expect, test } from 'vitest';
import { Secret } from '../../lib/core/secret';
import { Severity } from '../../lib/core/errors';
import { validateTree } from '../../lib/core/pipeline';
import { Haproxy } from '../../lib/haproxy/haproxy';
import { AddressFamily } from '../../lib/net/address';
import { PfAction, PfDirection, PfProtocol } from '../../lib/pf/types';
import { PfAddress, PfPort } from '../../lib/pf/values';
import { PfConfView } from '../../lib/testing/parse-pf';
import { GW, gateway, gatewayRuleset } from './fixture-gateway';
import { pfOf, synth } from './helpers';

const issues = (app: Parameters<typeof validateTree>[0]) =>
  validateTree(app).filter((i) => i.path.startsWith('Firewall')).map((i) => ({ message: i.message, severity: i.severity, value: i.value }))
    .sort((a, b) => a.message.localeCompare(b.message));
const ssh = (v: PfConfView) => v.rulesCommented('SSH allow-list').map((r) => [PfConfView.canonical(r), r.comment]);

describe('SSH allow-lists per interface', () => {
  test('sshFrom is the external interface\'s list; management entries name their own interface', () => {
    const g = gateway();
    gatewayRuleset(g, { sshFrom: ['2001:db8:100::/56'], management: [{ interfaceName: 'vtnet2', from: ['10.9.0.0/24'] }] });
    expect(ssh(pfOf(g.app, GW))).toEqual([
      ['pass in on vtnet0 inet6 proto tcp from 2001:db8:100::/56 to any port 22', 'Firewall: SSH allow-list'],
      ['pass in on vtnet2 inet proto tcp from 10.9.0.0/24 to any port 22', 'Firewall: SSH allow-list (management[0])'],
    ]);
    expect(synth(g.app).warnings).toEqual([]);
  });

  test('an entry without interface is placed per prefix on the interface whose on-link prefix overlaps it', () => {
    const g = gateway();
    gatewayRuleset(g, { management: [{ from: ['10.9.0.0/24', '10.0.0.128/25', '2001:db8:1::/48', '10.9.0.7'] }] });
    expect(ssh(pfOf(g.app, GW))).toEqual([
      ['pass in on vtnet2 inet proto tcp from { 10.9.0.0/24, 10.9.0.7 } to any port 22', 'Firewall: SSH allow-list (management[0])'],
      ['pass in on vtnet1 inet proto tcp from 10.0.0.128/25 to any port 22', 'Firewall: SSH allow-list (management[0])'],
      ['pass in on vtnet0 inet6 proto tcp from 2001:db8:1::/48 to any port 22', 'Firewall: SSH allow-list (management[0])'],
    ]);
  });

  test('on a host that routes, SSH passes to the host itself only (not through it)', () => {
    const g = gateway();
    const fw = gatewayRuleset(g);
    fw.addNat('Out', { interfaceName: 'vtnet0', from: [PfAddress.prefix('10.0.0.0/24')], translateTo: PfAddress.interfaceAddress('vtnet0') });
    expect(ssh(pfOf(g.app, GW)).map((x) => x[0])).toEqual(['pass in on vtnet2 inet proto tcp from 10.9.0.0/24 to self port 22']);
  });

  test('the stats page opens from each management list, on the interface its admins arrive on', () => {
    const g = gateway();
    gatewayRuleset(g, { sshFrom: ['192.0.2.128/25'] });
    const hp = new Haproxy(g.app, 'Haproxy', { target: g.host });
    hp.addStatsPage({ user: 'ops', password: Secret.fromLiteral('S3cretStats') });
    const v = pfOf(g.app, GW);
    expect(v.rules.filter((r) => r.toPorts.includes('8404')).map(PfConfView.canonical)).toEqual([
      'pass in on vtnet0 proto tcp from 192.0.2.128/25 to 10.9.0.1 port 8404',
      'pass in on vtnet2 proto tcp from 10.9.0.0/24 to 10.9.0.1 port 8404',
    ]);
  });

  test('FAIL: a prefix on no interface (cannot be placed), a bad interface name, an interface the host lacks, an empty list', () => {
    const g = gateway();
    gatewayRuleset(g, {
      management: [{ from: ['203.0.113.0/24'] }, { interfaceName: 'bad name', from: ['10.9.0.0/24'] }, { interfaceName: 'igb9', from: ['10.9.0.0/24'] }, { interfaceName: 'vtnet2', from: [] }],
    });
    expect(issues(g.app)).toEqual([
      { message: 'management[0] prefix 203.0.113.0/24 is on no interface of Gw: the interface its traffic arrives on cannot be derived', severity: Severity.ERROR, value: '203.0.113.0/24' },
      { message: 'management[1].interfaceName is not a valid interface name', severity: Severity.ERROR, value: 'bad name' },
      { message: 'management[2].interfaceName igb9 does not exist on Gw', severity: Severity.ERROR, value: 'igb9' },
      { message: 'management[3].from is empty', severity: Severity.ERROR, value: '[]' },
    ]);
  });

  test('WARN: the management address\'s interface gets no SSH pass of its family (admins on vtnet2, SSH only on the external interface)', () => {
    const g = gateway();
    gatewayRuleset(g, { sshFrom: ['198.51.100.0/24'], management: undefined });
    expect(issues(g.app)).toEqual([{
      message: 'Gw is managed at 10.9.0.1 on vtnet2 (IPv4) but no SSH allow-list passes IPv4 there (sshFrom on vtnet0): once PF is on, ssh (and the deploy playbook) to that address is blocked',
      severity: Severity.WARNING, value: '10.9.0.1',
    }]);
  });

  test('WARN: no allow-list prefix of the management address\'s family at all', () => {
    const g = gateway();
    gatewayRuleset(g, { management: [{ interfaceName: 'vtnet2', from: ['fd00:9::/64'] }] });
    expect(issues(g.app).map((i) => i.message)).toEqual([
      'Gw is managed at 10.9.0.1 (IPv4) but the SSH allow-lists have no IPv4 prefix: once PF is on, ssh (and the deploy playbook) to that address is blocked',
    ]);
  });

  test('PASS: a rule of one\'s own passing SSH on that interface and family is enough', () => {
    const g = gateway();
    const fw = gatewayRuleset(g, { sshFrom: ['198.51.100.0/24'], management: undefined });
    fw.addRule('AdminSsh', { action: PfAction.PASS, direction: PfDirection.IN, interfaceName: 'vtnet2', family: AddressFamily.IPV4, protocols: [PfProtocol.TCP], toPorts: [PfPort.service('ssh')] });
    expect(issues(g.app)).toEqual([]);
  });
});
