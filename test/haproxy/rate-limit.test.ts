import { describe, expect, test } from 'vitest';
import { validateTree } from '../../lib/core/pipeline';
import { Duration } from '../../lib/net/duration';
import { ProxyMode } from '../../lib/haproxy/tcp';
import { Testing } from '../../lib/testing/testing';
import { HaproxyCheck } from '../../lib/testing/tools';
import { HaproxyRateLimitProps } from '../../lib/haproxy/rate-limit';
import { referenceApp } from './reference';
import { assertValidEverywhere } from './versions';

const skipHaproxy = HaproxyCheck.shouldSkip();
const H1 = 'haproxy01.example.net';

function limited(rateLimit: HaproxyRateLimitProps, peers = true) {
  const r = referenceApp();
  if (peers) r.haproxy.enablePeers();
  const be = r.haproxy.addBackend('be_api');
  be.addServer('api', { address: '10.1.70.41', port: 8080 });
  r.haproxy.addFrontend('fe_api', { vips: [r.vip], httpPort: 8080, defaultBackend: be, rateLimit });
  const pg = r.haproxy.addBackend('be_pg');
  pg.addServer('pg', { address: '10.1.70.50', port: 5432 });
  r.haproxy.addFrontend('fe_pg', { mode: ProxyMode.TCP, vips: [r.vip], port: 5432, defaultBackend: pg, rateLimit });
  return r;
}

describe('rate limits per client address', () => {
  test('HTTP: a stick table of request rates and concurrent connections, replicated through peers; over a limit, 429', () => {
    const { app } = limited({ requests: 100, period: Duration.seconds(10), concurrentConnections: 20 });
    const fe = Testing.synth(app).haproxyConf(H1).section('frontend', 'fe_api')!;
    expect(fe.findFirst('stick-table')!.args).toEqual(['type', 'ipv6', 'size', '100000', 'expire', '30s', 'store', 'http_req_rate(10s),conn_cur', 'peers', 'members']);
    expect(fe.find('http-request').slice(0, 3).map((d) => d.text)).toEqual([
      'http-request track-sc0 src',
      'http-request deny deny_status 429 if { sc_http_req_rate(0) gt 100 }',
      'http-request deny deny_status 429 if { sc_conn_cur(0) gt 20 }',
    ]);
  });

  test('TCP: connection rates, tracked and refused at the connection (before a TLS handshake)', () => {
    const { app } = limited({ requests: 10, period: Duration.minutes(1), tableSize: 5000 }, false);
    const fe = Testing.synth(app).haproxyConf(H1).section('frontend', 'fe_pg')!;
    expect(fe.findFirst('stick-table')!.args).toEqual(['type', 'ipv6', 'size', '5000', 'expire', '3m', 'store', 'conn_rate(1m)']);
    expect(fe.find('tcp-request').map((d) => d.text)).toEqual([
      'tcp-request connection track-sc0 src',
      'tcp-request connection reject if { sc_conn_rate(0) gt 10 }',
    ]);
  });

  test('an explicit expire is kept', () => {
    const { app } = limited({ concurrentConnections: 5, expire: Duration.minutes(10) });
    expect(Testing.synth(app).haproxyConf(H1).section('frontend', 'fe_api')!.findFirst('stick-table')!.args.slice(4, 8)).toEqual(['expire', '10m', 'store', 'conn_cur']);
  });

  test.skipIf(skipHaproxy)('both pass haproxy -c without a warning (with and without peers)', () => {
    assertValidEverywhere(Testing.synth(limited({ requests: 100, concurrentConnections: 20 }).app).file(H1, '/usr/local/etc/haproxy.conf'));
    assertValidEverywhere(Testing.synth(limited({ requests: 5 }, false).app).file(H1, '/usr/local/etc/haproxy.conf'));
  });

  test.each([
    ['nothing to limit', {}, 'rateLimit limits nothing'],
    ['requests 0', { requests: 0 }, 'rateLimit.requests must be an integer from 1 to 1000000000'],
    ['a fractional connection limit', { concurrentConnections: 1.5 }, 'rateLimit.concurrentConnections must be an integer from 1 to 1000000'],
    ['a period under a second', { requests: 5, period: Duration.millis(500) }, 'rateLimit.period must be from 1s to about 24.8 days'],
    ['a period without requests', { concurrentConnections: 5, period: Duration.seconds(5) }, 'rateLimit.period is set but requests is not: the period is what requests are counted over'],
    ['expire shorter than the period', { requests: 5, period: Duration.minutes(1), expire: Duration.seconds(30) }, 'rateLimit.expire is shorter than the period: entries would be dropped before their rate is known'],
    ['a table of size 0', { requests: 5, tableSize: 0 }, 'rateLimit.tableSize must be an integer from 1 to 100000000'],
  ])('%s is an error at the frontend', (_n, props, message) => {
    const { app } = limited(props as HaproxyRateLimitProps);
    const issues = validateTree(app).filter((i) => i.path === 'Haproxy/fe_api' && i.severity === 'error');
    expect(issues.map((i) => i.message)).toEqual([message]);
    expect(issues[0].allowed).toBeTruthy();
  });
});
