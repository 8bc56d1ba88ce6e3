import { expect, test } from 'vitest';
import { PfRuleset, Secret, StatsAddress } from '../../lib/index';
import { referenceApp } from '../haproxy/reference';
import { synth } from './helpers';

function withStats(sshFrom: string[], address?: StatsAddress) {
  const { app, haproxy, cluster, h1 } = referenceApp();
  haproxy.addStatsPage({ user: 'ops', password: Secret.fromLiteral('S3cretStats'), address });
  new PfRuleset(app, 'Firewall', { target: cluster, externalInterface: 'vnet0', sshFrom });
  return { t: synth(app), h1 };
}

test('the stats page on the management address is opened to the management allow-list of its family only', () => {
  const { t, h1 } = withStats(['192.0.2.0/24', '2001:db8:1::/48']);
  const rules = t.pfConf(h1.hostname).rules.filter((r) => r.toPorts.includes('8404'));
  expect(rules).toHaveLength(1);
  expect(rules[0]).toMatchObject({ action: 'pass', direction: 'in', from: ['192.0.2.0/24'], to: ['10.1.60.201'] });
  expect(rules[0].comment).toContain('HAProxy stats page');
});

test('no allow-list prefix of the family: the stats port stays closed (no rule pfctl would reject)', () => {
  const { t, h1 } = withStats(['2001:db8:1::/48']);
  expect(t.pfConf(h1.hostname).rules.filter((r) => r.toPorts.includes('8404'))).toEqual([]);
});

test('a stats page on loopback opens nothing', () => {
  const { t, h1 } = withStats(['192.0.2.0/24'], StatsAddress.LOOPBACK);
  expect(t.pfConf(h1.hostname).rules.filter((r) => r.toPorts.includes('8404'))).toEqual([]);
});
