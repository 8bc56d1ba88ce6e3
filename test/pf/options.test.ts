import { describe, expect, test } from 'vitest';
import { Severity } from '../../lib/core/errors';
import { validateTree } from '../../lib/core/pipeline';
import { Duration } from '../../lib/net/duration';
import { PfLimits } from '../../lib/pf/ruleset-props';
import { PfTimeouts } from '../../lib/pf/timeouts';
import { PfStatePolicy } from '../../lib/pf/types';
import { PfConfView } from '../../lib/testing/parse-pf';
import { referenceRuleset, topology } from './fixture';
import { GW, gateway, gatewayRuleset } from './fixture-gateway';
import { H1, optionPairs, pfOf } from './helpers';

const errors = (app: Parameters<typeof validateTree>[0]) =>
  validateTree(app).filter((i) => i.severity === Severity.ERROR).map((i) => [i.path, i.message, i.value]);

describe('ruleset options', () => {
  test('set limit, set timeout, set state-policy and set loginterface, in the options section before skip', () => {
    const g = gateway();
    gatewayRuleset(g, {
      limits: { states: 200000, srcNodes: 50000, frags: 10000, tableEntries: 400000 },
      timeouts: { tcpEstablished: Duration.hours(4), udpMultiple: Duration.minutes(2), frag: Duration.seconds(15), interval: Duration.seconds(5), adaptiveStart: 120000, adaptiveEnd: 240000 },
      statePolicy: PfStatePolicy.IF_BOUND,
      logInterface: 'vtnet0',
    });
    const v = pfOf(g.app, GW);
    expect(v.options.map((o) => o.name)).toEqual(['block-policy', 'state-policy', 'loginterface', 'limit', 'timeout', 'skip']);
    expect(v.option('state-policy')).toBe('if-bound');
    expect(v.option('loginterface')).toBe('vtnet0');
    expect(optionPairs(v, 'limit')).toEqual({ states: '200000', 'src-nodes': '50000', frags: '10000', 'table-entries': '400000' });
    expect(optionPairs(v, 'timeout')).toEqual({ 'tcp.established': '14400', 'udp.multiple': '120', 'adaptive.start': '120000', 'adaptive.end': '240000', frag: '15', interval: '5' });
  });

  test('antispoof quick for every filtered interface with an address (the loopback is skipped), after CARP and pfsync', () => {
    const t = topology({ pfsync: { interfaceName: 'vnet1' } });
    referenceRuleset(t, { antispoof: true });
    const v = pfOf(t.app, H1);
    const spoof = v.rules.filter((r) => r.action === 'antispoof');
    expect(spoof.map((r) => [PfConfView.canonical(r), r.comment])).toEqual([
      ['antispoof quick on { vnet0, vnet1 } all', 'Firewall: sources that claim an address of another interface, or of this host'],
    ]);
    expect(spoof[0].text).toBe('antispoof quick for { vnet0, vnet1 }');
    const carp = v.rules.findIndex((r) => r.protocols.includes('pfsync'));
    expect(v.rules.indexOf(spoof[0])).toBe(carp + 1);
  });

  test('skipInterfaces leaves an interface out of antispoof too', () => {
    const g = gateway();
    gatewayRuleset(g, { antispoof: true, skipInterfaces: ['lo', 'vtnet2'] });
    const v = pfOf(g.app, GW);
    expect(v.option('skip')).toBe('on { lo , vtnet2 }');
    expect(v.rules.filter((r) => r.action === 'antispoof').map((r) => r.interfaces)).toEqual([['vtnet0', 'vtnet1']]);
  });

  test('FAIL: unknown limits and timeouts, bad numbers, a bad state policy, a log interface the host lacks', () => {
    const g = gateway();
    gatewayRuleset(g, {
      limits: { states: 0, anchors: 5 } as unknown as PfLimits,
      timeouts: { tcpEstablished: Duration.millis(10), tcpEstablishd: Duration.seconds(1), adaptiveStart: -1 } as unknown as PfTimeouts,
      statePolicy: 'bound' as PfStatePolicy,
      logInterface: 'em5',
    });
    const found = errors(g.app);
    // Unknown keys and enum members are reported by the generic check of props (with a
    // "did you mean"); PF's own checks report what only pfctl knows.
    for (const [key, value] of [['limits', 'anchors'], ['timeouts', 'tcpEstablishd'], ['statePolicy', 'bound']]) {
      expect(found.filter((e) => e[0] === 'Firewall' && e[2] === value && String(e[1]).includes(key))).not.toEqual([]);
    }
    expect(found).toEqual(expect.arrayContaining([
      ['Firewall', 'limits.states must be a positive integer', '0'],
      ['Firewall', 'Timeout tcpEstablished (tcp.established) must be whole seconds', '10ms'],
      ['Firewall', 'Timeout adaptiveStart (adaptive.start) is a number of states', '-1'],
      ['Firewall', 'logInterface em5 does not exist on Gw', 'em5'],
    ]));
    expect(found.every((e) => e[0] === 'Firewall')).toBe(true);
  });
});
