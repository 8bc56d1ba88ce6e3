import { Construct } from 'constructs';
import { describe, expect, test } from 'vitest';
import { Severity } from '../../lib/core/errors';
import { validateTree } from '../../lib/core/pipeline';
import { Haproxy } from '../../lib/haproxy/haproxy';
import { PfAction, PfDirection, PfProtocol } from '../../lib/pf/types';
import { PfAddress, PfPort } from '../../lib/pf/values';
import { PfConfView } from '../../lib/testing/parse-pf';
import { referenceRuleset, topology } from './fixture';
import { GW, gateway, gatewayRuleset, Service } from './fixture-gateway';
import { H1, pfOf, synth } from './helpers';

const canon = (v: PfConfView, text: string) => v.rulesCommented(text).map(PfConfView.canonical);
const fwIssues = (app: Parameters<typeof validateTree>[0]) =>
  validateTree(app).filter((i) => i.path.startsWith('Firewall')).map((i) => ({ path: i.path, message: i.message, severity: i.severity, value: i.value }))
    .sort((a, b) => a.path.localeCompare(b.path) || a.message.localeCompare(b.message));

describe('openings are as wide as the service', () => {
  test('a frontend on an internal address opens only the internal interface, to that address: the public segment cannot reach it', () => {
    // GIVEN the issue's case: HAProxy on the internal address 10.0.0.1, and a user rule after it
    const g = gateway();
    const fw = gatewayRuleset(g);
    const hp = new Haproxy(g.app, 'Haproxy', { target: g.host });
    const be = hp.addBackend('be');
    be.addServer('s', { address: '10.0.0.20', port: 8080 });
    hp.addFrontend('fe_int', { addresses: ['10.0.0.1'], plainHttp: true, defaultBackend: be });
    fw.addRule('Extra', { action: PfAction.PASS, direction: PfDirection.IN, interfaceName: 'vtnet1', protocols: [PfProtocol.TCP], from: [PfAddress.prefix('10.0.0.0/25')], toPorts: [PfPort.number(80)] });
    // WHEN synthesized THEN the derived rule names vtnet1 (where 10.0.0.1 lives) and the address
    const v = pfOf(g.app, GW);
    expect(canon(v, 'HAProxy frontend fe_int')).toEqual(['pass in on vtnet1 proto tcp from any to 10.0.0.1 port 80']);
    // No rule passes port 80 on the public interface.
    expect(v.rules.filter((r) => r.action === 'pass' && r.toPorts.includes('80') && (r.interfaces.length === 0 || r.interfaces.includes('vtnet0')))).toEqual([]);
  });

  test('each address on the interface it lives on: own addresses, an address of an on-link prefix, and an address on no interface (no `on`)', () => {
    const g = gateway();
    gatewayRuleset(g);
    new Service(g.app, 'Svc', g.host, [{ to: ['192.0.2.10', '2001:db8:1::10', '10.0.0.50', '198.51.100.1'] }]);
    expect(canon(pfOf(g.app, GW), 'Svc: service 0')).toEqual([
      'pass in on vtnet0 proto tcp from any to { 192.0.2.10, 2001:db8:1::10 } port 8080',
      'pass in on vtnet1 proto tcp from any to 10.0.0.50 port 8080',
      'pass in proto tcp from any to 198.51.100.1 port 8080',
    ]);
  });

  test('a CARP VIP opens on its CARP interface (the plan\'s alias lines), both families in one rule', () => {
    const t = topology();
    referenceRuleset(t);
    expect(pfOf(t.app, H1).rulesCommented('HAProxy frontend fe_web').map((r) => [r.interfaces, r.to])).toEqual([
      [['vnet0'], ['10.1.60.200', 'fd5e:d1c2:c9de:60::200']],
    ]);
  });

  test('binds on every address (0.0.0.0, ::) and openings without address open the host itself (self), per family', () => {
    const g = gateway();
    gatewayRuleset(g);
    new Service(g.app, 'All', g.host, [{ to: ['0.0.0.0'] }, { to: ['::'] }, { to: ['0.0.0.0', '::'] }, { to: [] }, { to: [], interfaceName: 'vtnet1' }]);
    const v = pfOf(g.app, GW);
    expect([0, 1, 2, 3, 4].map((i) => canon(v, `All: service ${i}`))).toEqual([
      ['pass in inet proto tcp from any to self port 8080'],
      ['pass in inet6 proto tcp from any to self port 8080'],
      ['pass in proto tcp from any to self port 8080'],
      ['pass in proto tcp from any to self port 8080'],
      ['pass in on vtnet1 proto tcp from any to self port 8080'],
    ]);
  });

  test('allowed sources of the owner stay; each rule keeps the sources of its destinations\' family', () => {
    const g = gateway();
    gatewayRuleset(g);
    new Service(g.app, 'Svc', g.host, [{ to: ['10.0.0.1', 'fd00:1::1'], from: ['10.0.0.0/24', 'fd00:1::/64'] }, { to: ['10.0.0.1'], from: ['10.0.0.0/24', 'fd00:1::/64'] }]);
    const v = pfOf(g.app, GW);
    expect(canon(v, 'Svc: service 0')).toEqual(['pass in on vtnet1 proto tcp from { 10.0.0.0/24, fd00:1::/64 } to { 10.0.0.1, fd00:1::1 } port 8080']);
    expect(canon(v, 'Svc: service 1')).toEqual(['pass in on vtnet1 proto tcp from 10.0.0.0/24 to 10.0.0.1 port 8080']);
  });

  test('refused sources (exceptFrom) become a block rule right after the pass', () => {
    const g = gateway();
    gatewayRuleset(g);
    new Service(g.app, 'Svc', g.host, [{ to: ['10.0.0.1'], exceptFrom: ['10.0.0.66', 'fd00:1::66'] }]);
    const v = pfOf(g.app, GW);
    const rules = v.rulesCommented('Svc: service 0');
    expect(rules.map(PfConfView.canonical)).toEqual([
      'pass in on vtnet1 proto tcp from any to 10.0.0.1 port 8080',
      'block in on vtnet1 proto tcp from 10.0.0.66 to 10.0.0.1 port 8080',
    ]);
    expect(v.rules.indexOf(rules[1])).toBe(v.rules.indexOf(rules[0]) + 1);
  });
});

describe('overrideOpening and omitOpening: per-owner control', () => {
  test('narrower sources and other interfaces, by the owner or an ancestor; the nearest wins', () => {
    const g = gateway();
    const fw = gatewayRuleset(g);
    const parent = new Construct(g.app, 'Apps');
    const a = new Service(parent, 'A', g.host, [{ to: ['192.0.2.10'] }]);
    const b = new Service(parent, 'B', g.host, [{ to: ['192.0.2.10'], ports: [9090] }]);
    fw.overrideOpening(parent, { from: ['198.51.100.0/24'] }); // both A and B …
    fw.overrideOpening(b, { interfaceNames: ['vtnet0', 'vtnet1'] }); // … but B's own override wins
    const v = pfOf(g.app, GW);
    expect(canon(v, 'Apps/A:')).toEqual(['pass in on vtnet0 proto tcp from 198.51.100.0/24 to 192.0.2.10 port 8080']);
    expect(canon(v, 'Apps/B:')).toEqual(['pass in on { vtnet0, vtnet1 } proto tcp from any to 192.0.2.10 port 9090']);
    void a;
  });

  test('a wider source list than the owner\'s is rendered as given (explicit widening)', () => {
    const g = gateway();
    const fw = gatewayRuleset(g);
    const s = new Service(g.app, 'Svc', g.host, [{ to: ['10.0.0.1'], from: ['10.0.0.0/25'] }]);
    fw.overrideOpening(s, { from: ['10.0.0.0/16'] });
    expect(canon(pfOf(g.app, GW), 'Svc:')).toEqual(['pass in on vtnet1 proto tcp from 10.0.0.0/16 to 10.0.0.1 port 8080']);
  });

  test('omitOpening leaves one owner out (an HAProxy covers its frontends); allowServices: false leaves all out but the overridden', () => {
    const g = gateway();
    const fw = gatewayRuleset(g);
    const keep = new Service(g.app, 'Keep', g.host, [{ to: ['10.0.0.1'] }]);
    const drop = new Service(g.app, 'Drop', g.host, [{ to: ['10.0.0.1'], ports: [9000] }]);
    fw.omitOpening(drop);
    let v = pfOf(g.app, GW);
    expect(v.rulesCommented('Drop:')).toEqual([]);
    expect(v.rulesCommented('Keep:')).toHaveLength(1);

    const h = gateway();
    const fw2 = gatewayRuleset(h, { allowServices: false });
    const s1 = new Service(h.app, 'One', h.host, [{ to: ['10.0.0.1'] }]);
    new Service(h.app, 'Two', h.host, [{ to: ['10.0.0.1'], ports: [9000] }]);
    fw2.overrideOpening(s1, { from: ['10.0.0.0/24'] });
    v = pfOf(h.app, GW);
    expect(canon(v, 'One:')).toEqual(['pass in on vtnet1 proto tcp from 10.0.0.0/24 to 10.0.0.1 port 8080']);
    expect(v.rulesCommented('Two:')).toEqual([]);
    void keep;
  });

  test('omitOpening on an HAProxy leaves out its frontends and its peers', () => {
    const t = topology();
    t.haproxy.enablePeers();
    const fw = referenceRuleset(t);
    fw.omitOpening(t.haproxy);
    const v = pfOf(t.app, H1);
    expect(v.rules.filter((r) => /^Haproxy[:/]/.test(r.comment ?? ''))).toEqual([]);
    expect(v.rules.filter((r) => r.toPorts.includes('443') || r.toPorts.includes('10000'))).toEqual([]);
  });

  test('FAIL: a construct that opens nothing here, an empty or bad source list, an unknown interface, and the same owner twice', () => {
    const g = gateway();
    const fw = gatewayRuleset(g);
    const svc = new Service(g.app, 'Svc', g.host, [{ to: ['10.0.0.1'] }]);
    const idle = new Construct(g.app, 'Idle');
    fw.overrideOpening(idle, { from: ['10.0.0.0/24'] });
    fw.overrideOpening(svc, { from: [], interfaceNames: ['em7'] });
    fw.omitOpening(svc);
    const other = new Service(g.app, 'Other', g.host, [{ to: ['10.0.0.1'] }]);
    fw.overrideOpening(other, { from: ['10.0.0.1/24'] });
    expect(fwIssues(g.app)).toEqual([
      { path: 'Firewall', message: 'omitOpening: the openings of Svc are already overridden or omitted', severity: Severity.ERROR, value: 'Svc' },
      { path: 'Firewall', message: 'overrideOpening names Idle, which opens nothing on the hosts of this ruleset', severity: Severity.ERROR, value: 'Idle' },
      { path: 'Firewall', message: 'overrideOpening(Other) from: Prefix has host bits set; did you mean "10.0.0.0/24"?', severity: Severity.ERROR, value: '10.0.0.1/24' },
      { path: 'Firewall', message: 'overrideOpening(Svc) from is empty: nothing could pass', severity: Severity.ERROR, value: '[]' },
      { path: 'Firewall', message: 'overrideOpening(Svc) interface em7 does not exist on Gw', severity: Severity.ERROR, value: 'em7' },
    ]);
    expect(() => synth(g.app)).toThrow(/\[Firewall\] overrideOpening names Idle, which opens nothing/);
  });

  test('WARN: sources of the other family only: the opening gets no rule (pfctl would refuse one), and the synth says so', () => {
    const g = gateway();
    const fw = gatewayRuleset(g);
    const s = new Service(g.app, 'V4', g.host, [{ to: ['10.0.0.1'] }]);
    fw.overrideOpening(s, { from: ['fd00:1::/64'] });
    const out = synth(g.app);
    expect(out.pfConf(GW).rulesCommented('V4:')).toEqual([]);
    expect(out.warnings.map((w) => [w.path, w.message])).toContainEqual(['Firewall', 'V4: service 0 gets no pass rule on Gw: its allowed sources are all of the other address family']);
  });
});
