import { expect, test } from 'vitest';
import { Duration, Errors, Testing } from '../../lib/index';
import { referenceApp } from './reference';

test('stickOnSource renders a dual-stack stick table replicated through the peers section', () => {
  const { app, haproxy, h1 } = referenceApp();
  haproxy.enablePeers({ name: 'lbpeers' });
  const sticky = haproxy.addBackend('be_sticky', { stickOnSource: { expire: Duration.hours(1), size: 5000 } });
  sticky.addServer('s1', { address: '10.1.70.31', port: 80 });
  haproxy.frontends[0].addRoute({ domains: ['sticky.example.net'], backend: sticky });
  const conf = Testing.synth(app).haproxyConf(h1.hostname).section('backend', 'be_sticky')!;
  expect(conf.findFirst('stick-table')!.args).toEqual(['type', 'ipv6', 'size', '5000', 'expire', '1h', 'peers', 'lbpeers']);
  expect(conf.findFirst('stick')!.args).toEqual(['on', 'src']);
});

test('a stick table on a cluster without peers is a warning: stickiness would be lost at failover', () => {
  const { app, haproxy } = referenceApp();
  const sticky = haproxy.addBackend('be_sticky', { stickOnSource: {} });
  sticky.addServer('s1', { address: '10.1.70.31', port: 80 });
  haproxy.frontends[0].addRoute({ domains: ['sticky.example.net'], backend: sticky });
  expect(Testing.synth(app).warnings.map((w) => `${w.path}: ${w.message}`)).toContain(
    'Haproxy: Backend be_sticky keeps a stick table but peers are off: each member has its own table, so stickiness is lost at a failover',
  );
});

test('a bad stick table expiry is an error at the backend path', () => {
  const { app, haproxy } = referenceApp();
  const sticky = haproxy.addBackend('be_sticky', { stickOnSource: { expire: Duration.millis(10), size: 0 } });
  sticky.addServer('s1', { address: '10.1.70.31', port: 80 });
  haproxy.frontends[0].addRoute({ domains: ['sticky.example.net'], backend: sticky });
  try {
    Testing.synth(app);
    expect.unreachable();
  } catch (e) {
    expect(Errors.issuesOf(e).map((i) => `${i.path}: ${i.message}`)).toEqual([
      'Haproxy/be_sticky: stickOnSource.expire must be a Duration from 1s to about 24.8 days',
      'Haproxy/be_sticky: stickOnSource.size must be an integer from 1 to 100000000',
    ]);
  }
});
