import { describe, expect, test } from 'vitest';
import { Severity } from '../../lib/core/errors';
import { validateTree } from '../../lib/core/pipeline';
import { PfRuleset } from '../../lib/pf/pf-ruleset';
import { PfAction, PfDirection } from '../../lib/pf/types';
import { PfAddress } from '../../lib/pf/values';
import { GW, gateway, gatewayRuleset } from './fixture-gateway';
import { pfOf, synth } from './helpers';

const issues = (app: Parameters<typeof validateTree>[0]) =>
  validateTree(app).filter((i) => i.severity === Severity.ERROR).map((i) => ({ path: i.path, message: i.message, value: i.value }))
    .sort((a, b) => a.path.localeCompare(b.path) || a.message.localeCompare(b.message));

describe('tables', () => {
  test('persist, const, counters and file are written in pfctl\'s words; an empty table has no { } (a reload keeps what pf added)', () => {
    const g = gateway();
    const fw = gatewayRuleset(g);
    fw.addTable('bruteforce', { persist: true, constant: false });
    fw.addTable('blocklist', { persist: true, constant: false, counters: true, file: '/etc/pf.blocklist' });
    fw.addTable('partners', { addresses: ['198.51.100.0/24', '2001:db8:99::/48'], counters: true });
    const v = pfOf(g.app, GW);
    expect(v.tables.map((t) => [t.name, t.flags, t.addresses])).toEqual([
      ['bruteforce', ['persist'], []],
      ['blocklist', ['persist', 'counters', 'file "/etc/pf.blocklist"'], []],
      ['partners', ['const', 'counters'], ['198.51.100.0/24', '2001:db8:99::/48']],
    ]);
    expect(synth(g.app).file(GW, '/etc/pf.conf')).toContain('table <bruteforce> persist  # Firewall/bruteforce\n');
  });

  test('FAIL: an empty table that is neither persist nor read from a file, an empty constant persist table, a bad file path', () => {
    const g = gateway();
    const fw = gatewayRuleset(g);
    fw.addTable('empty');
    fw.addTable('frozen', { persist: true });
    fw.addTable('rel', { persist: true, constant: false, file: 'pf.blocklist' });
    fw.addTable('quoted', { persist: true, constant: false, file: '/etc/a"b' });
    expect(issues(g.app)).toEqual([
      { path: 'Firewall/empty', message: 'Table is empty', value: '<empty>' },
      { path: 'Firewall/frozen', message: 'Table is empty and constant: it can never hold an address', value: '<frozen> persist const' },
      { path: 'Firewall/quoted', message: 'Table file must be an absolute path without quotes, backslashes, control characters or ..', value: '/etc/a"b' },
      { path: 'Firewall/rel', message: 'Table file must be an absolute path without quotes, backslashes, control characters or ..', value: 'pf.blocklist' },
    ]);
  });

  test('FAIL: a rule using a table of another ruleset (this pf.conf would not define it)', () => {
    const g = gateway();
    const fw = gatewayRuleset(g);
    const other = new PfRuleset(g.app, 'Other', { target: g.host, externalInterface: 'vtnet0', sshFrom: ['10.9.0.0/24'] });
    const theirs = other.addTable('theirs', { addresses: ['203.0.113.0/24'] });
    fw.addTable('ours', { addresses: ['198.51.100.0/24'] });
    fw.addRule('Uses', { action: PfAction.BLOCK, direction: PfDirection.IN, from: [PfAddress.table(theirs)] });
    const found = issues(g.app).filter((i) => i.path === 'Firewall/Uses');
    expect(found).toEqual([{ path: 'Firewall/Uses', message: 'Table <theirs> belongs to another ruleset (Other): this pf.conf has no table line for it, so the rule never matches', value: '<theirs> (Other/theirs)' }]);
    expect(validateTree(g.app).find((i) => i.path === 'Firewall/Uses')!.allowed).toBe('a table of Firewall: <ours>');
  });
});
