import { describe, expect, test } from 'vitest';
import { validateTree } from '../../lib/core/pipeline';
import { Haproxy } from '../../lib/haproxy/haproxy';
import { ProxyMode } from '../../lib/haproxy/tcp';
import { PfConfView } from '../../lib/testing/parse-pf';
import { Testing } from '../../lib/testing/testing';
import { HaproxyCheck } from '../../lib/testing/tools';
import { GW, gateway, gatewayRuleset } from '../pf/fixture-gateway';
import { pfOf } from '../pf/helpers';
import { referenceApp } from './reference';
import { assertValidEverywhere } from './versions';

const skipHaproxy = HaproxyCheck.shouldSkip();

function onGateway(addresses: string[], extra: Record<string, unknown> = {}) {
  const g = gateway();
  gatewayRuleset(g);
  const hp = new Haproxy(g.app, 'Haproxy', { target: g.host });
  const be = hp.addBackend('be');
  be.addServer('s', { address: '10.0.0.20', port: 8080 });
  hp.addFrontend('fe', { addresses, defaultBackend: be, ...extra });
  return g;
}

describe('binds on every address, and addresses the host does not have', () => {
  test('0.0.0.0 and :: bind every address (:: for IPv6 only, as FreeBSD does) and open the host itself (pf self), per family', () => {
    const g = onGateway(['0.0.0.0', '::']);
    expect(Testing.synth(g.app).haproxyConf(GW).section('frontend', 'fe')!.find('bind').map((b) => b.args.join(' '))).toEqual(['0.0.0.0:80', '[::]:80 v6only']);
    expect(pfOf(g.app, GW).rulesCommented('HAProxy frontend fe').map(PfConfView.canonical)).toEqual(['pass in proto tcp from any to self port 80']);
  });

  test.skipIf(skipHaproxy)('0.0.0.0 beside :: passes haproxy -c', () => {
    assertValidEverywhere(Testing.synth(onGateway(['0.0.0.0', '::']).app).file(GW, '/usr/local/etc/haproxy.conf'));
  });

  test('a frontend address that is not on the host is an error naming the host and what is allowed instead', () => {
    const g = onGateway(['192.0.2.99', '192.0.2.10']);
    const issues = validateTree(g.app).filter((i) => i.path === 'Haproxy/fe');
    expect(issues.map((i) => [i.severity, i.message, i.value])).toEqual([['error', 'Frontend address 192.0.2.99 is not an address of Gw: HAProxy could not bind it there', '192.0.2.99']]);
    expect(issues[0].allowed).toContain('transparent: true');
    expect(() => Testing.synth(g.app)).toThrow(/Frontend address 192\.0\.2\.99 is not an address of Gw/);
  });

  test('transparent binds such an address; loopback and the host\'s own addresses need nothing; a VIP is on every member', () => {
    expect(() => Testing.synth(onGateway(['192.0.2.99'], { transparent: true }).app)).not.toThrow();
    expect(Testing.synth(onGateway(['192.0.2.99'], { transparent: true }).app).haproxyConf(GW).section('frontend', 'fe')!.findFirst('bind')!.args).toEqual(['192.0.2.99:80', 'transparent']);
    expect(() => Testing.synth(onGateway(['127.0.0.1', '::1', '10.0.0.1', 'fd00:1::1']).app)).not.toThrow();
    const r = referenceApp();
    expect(() => Testing.synth(r.app)).not.toThrow();
  });

  test('a loopback listener (e.g. behind a TCP frontend) gets no firewall opening', () => {
    const g = onGateway(['127.0.0.1'], { httpPort: 8443 });
    expect(pfOf(g.app, GW).rulesCommented('HAProxy frontend fe')).toEqual([]);
  });

  test('on a cluster, an own address of one member is an error for the others', () => {
    const r = referenceApp();
    const be = r.haproxy.addBackend('be_x');
    be.addServer('x', { address: '10.1.70.70', port: 80 });
    r.haproxy.addFrontend('fe_x', { mode: ProxyMode.TCP, addresses: ['10.1.60.201'], port: 2525, defaultBackend: be });
    expect(() => Testing.synth(r.app)).toThrow(/\[Haproxy\/fe_x\] Frontend address 10\.1\.60\.201 is not an address of Haproxy02/);
  });
});
