import { describe, expect, test } from 'vitest';
import { validateTree } from '../../lib/core/pipeline';
import { Secret } from '../../lib/core/secret';
import { Haproxy } from '../../lib/haproxy/haproxy';
import { StatsAddress } from '../../lib/haproxy/haproxy-props';
import { PfConfView } from '../../lib/testing/parse-pf';
import { Testing } from '../../lib/testing/testing';
import { HaproxyCheck } from '../../lib/testing/tools';
import { GW, gateway, gatewayRuleset } from '../pf/fixture-gateway';
import { pfOf } from '../pf/helpers';
import { referenceApp } from './reference';
import { assertValidEverywhere } from './versions';

const skipHaproxy = HaproxyCheck.shouldSkip();
const H1 = 'haproxy01.example.net';
const H2 = 'haproxy02.example.net';

describe('the Prometheus exporter', () => {
  test('a frontend on each member\'s own address, beside the stats page: /metrics served by the exporter, anything else 404', () => {
    const { app, haproxy } = referenceApp();
    haproxy.addStatsPage({ user: 'admin', password: Secret.fromLiteral('pw') });
    haproxy.addMetrics();
    const s = Testing.synth(app);
    for (const [h, addr] of [[H1, '10.1.60.201'], [H2, '10.1.60.202']]) {
      const v = s.haproxyConf(h);
      expect(v.sections.slice(-2).map((x) => `${x.kind} ${x.name}`)).toEqual(['listen stats', 'frontend prometheus']);
      expect(v.section('frontend', 'prometheus')!.directives.map((d) => d.text)).toEqual([
        `bind ${addr}:8405`,
        'option dontlog-normal',
        'http-request use-service prometheus-exporter if { path /metrics }',
        'http-request return status 404 content-type text/plain string 404 Not Found',
      ]);
    }
  });

  test('the firewall opens it to the management allow-list only, like the stats page', () => {
    const g = gateway();
    gatewayRuleset(g);
    const hp = new Haproxy(g.app, 'Haproxy', { target: g.host });
    const be = hp.addBackend('be');
    be.addServer('s', { address: '10.0.0.20', port: 8080 });
    hp.addFrontend('fe', { addresses: ['192.0.2.10'], defaultBackend: be });
    hp.addMetrics({ port: 9101, path: '/prom' });
    const v = pfOf(g.app, GW);
    expect(v.rulesCommented('HAProxy Prometheus metrics').map(PfConfView.canonical)).toEqual(['pass in on vtnet2 proto tcp from 10.9.0.0/24 to 10.9.0.1 port 9101']);
    expect(Testing.synth(g.app).haproxyConf(GW).section('frontend', 'prometheus')!.find('http-request')[0].text).toBe('http-request use-service prometheus-exporter if { path /prom }');
  });

  test('on loopback there is nothing to open', () => {
    const g = gateway();
    gatewayRuleset(g);
    const hp = new Haproxy(g.app, 'Haproxy', { target: g.host });
    const be = hp.addBackend('be');
    be.addServer('s', { address: '10.0.0.20', port: 8080 });
    hp.addFrontend('fe', { addresses: ['192.0.2.10'], defaultBackend: be });
    hp.addMetrics({ address: StatsAddress.LOOPBACK });
    expect(pfOf(g.app, GW).rulesCommented('Prometheus')).toEqual([]);
    expect(Testing.synth(g.app).haproxyConf(GW).section('frontend', 'prometheus')!.findFirst('bind')!.args).toEqual(['127.0.0.1:8405']);
  });

  test('a port the stats page or a frontend uses, a bad port or path, added twice: errors at the Haproxy', () => {
    const { app, haproxy } = referenceApp();
    haproxy.addStatsPage({ user: 'admin', password: Secret.fromLiteral('pw') });
    haproxy.addMetrics({ port: 8404 });
    haproxy.addMetrics({ port: 0, path: 'metrics' });
    expect(validateTree(app).filter((i) => i.path === 'Haproxy' && i.severity === 'error').map((i) => i.message)).toEqual([
      'The metrics are added twice',
      'Metrics port must be an integer from 1 to 65535',
      'Metrics path must be a plain absolute path',
    ]);
    const r2 = referenceApp();
    r2.haproxy.addStatsPage({ user: 'admin', password: Secret.fromLiteral('pw') });
    r2.haproxy.addMetrics({ port: 8404 });
    expect(validateTree(r2.app).filter((i) => i.path === 'Haproxy' && i.severity === 'error').map((i) => i.message)).toEqual([
      'The metrics and the stats page both bind 10.1.60.201:8404',
      'The metrics and the stats page both bind 10.1.60.202:8404',
    ]);
  });

  test.skipIf(skipHaproxy)('passes haproxy -c without a warning (Debian\'s 2.6 has the exporter built in)', () => {
    const { app, haproxy } = referenceApp();
    haproxy.addStatsPage({ user: 'admin', password: Secret.fromLiteral('pw') });
    haproxy.addMetrics();
    assertValidEverywhere(Testing.synth(app).file(H1, '/usr/local/etc/haproxy.conf'));
  });
});
