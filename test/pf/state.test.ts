import { describe, expect, test } from 'vitest';
import { Severity } from '../../lib/core/errors';
import { validateTree } from '../../lib/core/pipeline';
import { Duration } from '../../lib/net/duration';
import { PfRuleset } from '../../lib/pf/pf-ruleset';
import { PfStateOptions } from '../../lib/pf/state';
import { PfAction, PfDirection, PfOverloadFlush, PfProtocol, PfSourceTrack, PfStatePolicy } from '../../lib/pf/types';
import { PfAddress, PfPort, PfState } from '../../lib/pf/values';
import { PfConfView } from '../../lib/testing/parse-pf';
import { GW, gateway, gatewayRuleset } from './fixture-gateway';
import { pfOf } from './helpers';

const issues = (app: Parameters<typeof validateTree>[0]) =>
  validateTree(app).filter((i) => i.path.startsWith('Firewall')).map((i) => ({ path: i.path, message: i.message, severity: i.severity, value: i.value }))
    .sort((a, b) => a.path.localeCompare(b.path) || a.message.localeCompare(b.message));

/** A ruleset with the SSH brute-force idiom: an overload table, a quick block of it, a limited pass. */
function bruteForce(options: Partial<PfStateOptions> = {}) {
  const g = gateway();
  const fw = gatewayRuleset(g);
  const bad = fw.addTable('bruteforce', { persist: true, constant: false });
  fw.addRule('BlockBad', { action: PfAction.BLOCK, direction: PfDirection.IN, quick: true, from: [PfAddress.table(bad)] });
  fw.addRule('Ssh', {
    action: PfAction.PASS, direction: PfDirection.IN, interfaceName: 'vtnet0', protocols: [PfProtocol.TCP], toPorts: [PfPort.service('ssh')],
    state: PfState.keep({ maxSrcConn: 10, maxSrcConnRate: { connections: 3, per: Duration.seconds(30) }, overload: { table: bad, flush: PfOverloadFlush.GLOBAL }, ...options }),
  });
  return { g, fw, bad };
}

describe('state options are rendered, none dropped', () => {
  test('the SSH brute-force idiom: max-src-conn, max-src-conn-rate and overload <table> flush global, the table persist and empty', () => {
    const { g } = bruteForce();
    const v = pfOf(g.app, GW);
    expect(v.table('bruteforce')).toMatchObject({ flags: ['persist'], addresses: [] });
    const rule = v.rulesCommented('Firewall/Ssh')[0];
    expect(rule.state).toBe('keep');
    expect(rule.stateOptions).toEqual(['max-src-conn 10', 'max-src-conn-rate 3/30', 'overload <bruteforce> flush global']);
    expect(PfConfView.canonical(v.rulesCommented('Firewall/BlockBad')[0])).toBe('block in quick from <bruteforce> to any');
    expect(validateTree(g.app)).toEqual([]);
  });

  test('every option in pf.conf(5)\'s words: max, no-sync, sloppy, if-bound/floating, source-track, max-src-*, flush, per-rule timeouts', () => {
    const g = gateway();
    const fw = gatewayRuleset(g);
    const t = fw.addTable('flooders', { persist: true, constant: false, counters: true });
    fw.addRule('Block', { action: PfAction.BLOCK, quick: true, from: [PfAddress.table(t)] });
    const web = (id: string, state: PfState) => fw.addRule(id, { action: PfAction.PASS, direction: PfDirection.IN, protocols: [PfProtocol.TCP], toPorts: [PfPort.number(80)], state });
    web('A', PfState.keep({ maxStates: 500, noSync: true, sloppy: true, statePolicy: PfStatePolicy.IF_BOUND, sourceTrack: PfSourceTrack.RULE, maxSrcNodes: 100, maxSrcStates: 50, maxSrcConn: 50, maxSrcConnRate: { connections: 500, per: Duration.seconds(5) }, overload: { table: t, flush: PfOverloadFlush.RULE } }));
    web('B', PfState.modulate({ ifBound: true, timeouts: { tcpEstablished: Duration.minutes(10), tcpClosing: Duration.seconds(5), srcTrack: Duration.seconds(60), adaptiveStart: 6000, adaptiveEnd: 12000 } }));
    web('C', PfState.keep({ maxSrcNodes: 20 }));
    web('D', PfState.synproxy({ sourceTrack: PfSourceTrack.GLOBAL, maxSrcStates: 3, statePolicy: PfStatePolicy.FLOATING }));
    const v = pfOf(g.app, GW);
    const opts = (id: string) => { const r = v.rules.find((x) => x.comment === `Firewall/${id}`)!; return [r.state, r.stateOptions]; };
    expect(opts('A')).toEqual(['keep', ['max 500', 'no-sync', 'sloppy', 'if-bound', 'source-track rule', 'max-src-nodes 100', 'max-src-states 50', 'max-src-conn 50', 'max-src-conn-rate 500/5', 'overload <flooders> flush']]);
    expect(opts('B')).toEqual(['modulate', ['if-bound', 'tcp.established 600', 'tcp.closing 5', 'src.track 60', 'adaptive.start 6000', 'adaptive.end 12000']]);
    // max-src-nodes needs source tracking per rule: written out.
    expect(opts('C')).toEqual(['keep', ['source-track rule', 'max-src-nodes 20']]);
    expect(opts('D')).toEqual(['synproxy', ['floating', 'source-track global', 'max-src-states 3']]);
    expect(v.table('flooders')!.flags).toEqual(['persist', 'counters']);
    expect(validateTree(g.app)).toEqual([]);
  });
});

describe('state options pfctl would refuse are errors at the rule\'s path', () => {
  test('FAIL: overload without a connection limit, a constant overload table, and an overload table of another ruleset', () => {
    const { g, fw } = bruteForce({ maxSrcConn: undefined, maxSrcConnRate: undefined });
    const konst = fw.addTable('konst', { addresses: ['192.0.2.1'] });
    fw.addRule('Const', { action: PfAction.PASS, protocols: [PfProtocol.TCP], state: PfState.keep({ maxSrcConn: 5, overload: { table: konst } }) });
    const other = new PfRuleset(g.app, 'Other', { target: g.host, externalInterface: 'vtnet0', sshFrom: ['10.9.0.0/24'] });
    const foreign = other.addTable('foreign', { persist: true, constant: false });
    fw.addRule('Foreign', { action: PfAction.PASS, protocols: [PfProtocol.TCP], state: PfState.keep({ maxSrcConn: 5, overload: { table: foreign } }) });
    const found = issues(g.app).filter((i) => i.severity === Severity.ERROR && !i.path.startsWith('Gw'));
    expect(found).toEqual([
      { path: 'Firewall/Const', message: 'State: overload table <konst> is constant: pf cannot add the offending sources to it', severity: Severity.ERROR, value: '<konst> const' },
      { path: 'Firewall/Foreign', message: 'Table <foreign> belongs to another ruleset (Other): this pf.conf has no table line for it, so the rule never matches', severity: Severity.ERROR, value: '<foreign> (Other/foreign)' },
      { path: 'Firewall/Ssh', message: 'State: overload needs maxSrcConn or maxSrcConnRate: without a limit no source is ever added', severity: Severity.ERROR, value: 'overload <bruteforce>' },
    ]);
  });

  test('FAIL: per-rule limits with source-track global, sloppy with modulate, a ruleset-wide timeout on a rule, bad numbers, an unknown option', () => {
    const g = gateway();
    const fw = gatewayRuleset(g);
    const add = (id: string, state: PfState) => fw.addRule(id, { action: PfAction.PASS, protocols: [PfProtocol.TCP], state });
    add('Global', PfState.keep({ sourceTrack: PfSourceTrack.GLOBAL, maxSrcConn: 5 }));
    add('Sloppy', PfState.modulate({ sloppy: true }));
    add('Frag', PfState.keep({ timeouts: { frag: Duration.seconds(30) } }));
    add('Zero', PfState.keep({ maxSrcStates: 0, maxSrcConnRate: { connections: 5, per: Duration.millis(500) } }));
    add('Typo', PfState.keep({ maxSrcConnections: 5 } as unknown as PfStateOptions));
    add('Millis', PfState.keep({ timeouts: { tcpEstablished: Duration.millis(1500) } }));
    expect(issues(g.app).map((i) => [i.path, i.message, i.value])).toEqual([
      ['Firewall/Frag', 'State: Timeout frag (frag) applies to the whole ruleset, not to one rule\'s states', 'frag'],
      ['Firewall/Global', 'State: maxSrcConn counts per rule and cannot be used with source-track global', 'maxSrcConn with sourceTrack: GLOBAL'],
      ['Firewall/Millis', 'State: Timeout tcpEstablished (tcp.established) must be whole seconds', '1500ms'],
      ['Firewall/Sloppy', 'State: sloppy state tracking cannot be used with modulate or synproxy state', 'modulate state'],
      ['Firewall/Typo', 'State: Unknown property "maxSrcConnections" in PfStateOptions', 'maxSrcConnections'],
      ['Firewall/Zero', 'State: maxSrcConnRate.per must be whole seconds, at least one', '500ms'],
      ['Firewall/Zero', 'State: maxSrcStates must be a positive integer', '0'],
    ]);
  });

  test('WARN: an overload table that no rule blocks only lists offenders', () => {
    const g = gateway();
    const fw = gatewayRuleset(g);
    const t = fw.addTable('offenders', { persist: true, constant: false });
    fw.addRule('Web', { action: PfAction.PASS, protocols: [PfProtocol.TCP], toPorts: [PfPort.number(80)], state: PfState.keep({ maxSrcConn: 100, overload: { table: t } }) });
    expect(issues(g.app)).toEqual([
      { path: 'Firewall', message: 'Overload table <offenders> is filled but no rule blocks it: offenders are only listed, never kept out', severity: Severity.WARNING, value: '<offenders>' },
    ]);
  });
});
