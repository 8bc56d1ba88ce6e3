import { describe, expect, test } from 'vitest';
import { AddressFamily } from '../../lib/net/address';
import { lookupService } from '../../lib/pf/services';
import { PfAddress, PfPort, PfState } from '../../lib/pf/values';
import { synth } from './helpers';

describe('PfAddress', () => {
  test.each([
    ['2003:abcd:ef12:3420::/60', '2003:abcd:ef12:3420::/60', AddressFamily.IPV6],
    ['2003:ABCD:EF12:3420:0:0:0:0/60', '2003:abcd:ef12:3420::/60', AddressFamily.IPV6],
    ['10.0.0.0/8', '10.0.0.0/8', AddressFamily.IPV4],
    ['192.0.2.7', '192.0.2.7', AddressFamily.IPV4],
    ['192.0.2.7/32', '192.0.2.7', AddressFamily.IPV4],
    ['fd5e::200/128', 'fd5e::200', AddressFamily.IPV6],
  ])('prefix(%s) is written %s (%s)', (input, written, family) => {
    const a = PfAddress.prefix(input);
    expect(a._problem).toBeUndefined();
    expect(a.toString()).toBe(written);
    expect(a.family).toBe(family);
  });

  test('a bad prefix is kept with its problem (reported later by the rule, with its path), never thrown', () => {
    const a = PfAddress.prefix('10.0.0.1/8');
    expect(a._problem).toEqual({ message: 'Address Prefix has host bits set; did you mean "10.0.0.0/8"?', value: '10.0.0.1/8', allowed: 'a network prefix whose host bits are zero' });
  });

  test('any() and self() are written any and self', () => {
    expect(PfAddress.any().toString()).toBe('any');
    expect(PfAddress.self().toString()).toBe('self');
  });
});

describe('PfPort', () => {
  test('a service name is resolved through FreeBSD\'s /etc/services and written as its number', () => {
    expect(PfPort.service('ssh').toString()).toBe('22');
    expect(PfPort.service('http').toString()).toBe('80');
    expect(PfPort.service('www').toString()).toBe('80');
    expect(PfPort.service('https').toString()).toBe('443');
    expect(PfPort.service('submission').toString()).toBe('587');
  });

  test('numbers and ranges', () => {
    expect(PfPort.number(8443).toString()).toBe('8443');
    expect(PfPort.range(1024, 65535).toString()).toBe('1024:65535');
    expect([PfPort.range(5, 6).from, PfPort.range(5, 6).to]).toEqual([5, 6]);
  });

  test.each([[0], [65536], [1.5], [-1], [Number.NaN]])('number(%s) carries a problem', (n) => {
    expect(PfPort.number(n)._problem?.message).toBe('Port must be an integer from 1 to 65535');
  });

  test('the services table keeps FreeBSD\'s protocols: syslog is udp only, shell tcp only, https both', () => {
    expect(lookupService('syslog')).toEqual({ name: 'syslog', port: 514, tcp: false, udp: true });
    expect(lookupService('shell')).toEqual({ name: 'shell', port: 514, tcp: true, udp: false });
    expect(lookupService('https')).toEqual({ name: 'https', port: 443, tcp: true, udp: true });
    expect(lookupService('nonesuch')).toBeUndefined();
  });
});

describe('PfState', () => {
  test('options are written in pf.conf order', () => {
    expect(PfState.keep({ noSync: true, maxStates: 100, sloppy: true, ifBound: true })._optionWords()).toEqual(['max 100', 'no-sync', 'sloppy', 'if-bound']);
    expect(PfState.none()._optionWords()).toEqual([]);
  });

  test('maxStates must be a positive integer', () => {
    expect(PfState.keep({ maxStates: 0 })._problem?.message).toBe('maxStates must be a positive integer');
    expect(PfState.keep({ maxStates: 10 })._problem).toBeUndefined();
  });
});

describe('PfAddress.interfaceAddress', () => {
  test('is written (name); in a ruleset the external interface becomes ($ext_if), and a bad name is the rule\'s error', async () => {
    expect(PfAddress.interfaceAddress('vtnet0').toString()).toBe('(vtnet0)');
    expect(PfAddress.interfaceAddress('bad name')._problem?.message).toBe('Interface name of interfaceAddress is not valid');
    const { gateway, gatewayRuleset, GW } = await import('./fixture-gateway');
    const { PfAction, PfProtocol } = await import('../../lib/pf/types');
    const { validateTree } = await import('../../lib/core/pipeline');
    const g = gateway();
    const fw = gatewayRuleset(g);
    fw.addRule('ToExt', { action: PfAction.PASS, protocols: [PfProtocol.TCP], to: [PfAddress.interfaceAddress('vtnet0')] });
    fw.addRule('ToInt', { action: PfAction.PASS, protocols: [PfProtocol.TCP], to: [PfAddress.interfaceAddress('vtnet1')] });
    expect(synth(g.app).file(GW, '/etc/pf.conf')).toContain('pass proto tcp from any to ($ext_if)  # Firewall/ToExt');
    expect(synth(g.app).pfConf(GW).rulesCommented('Firewall/ToInt')[0].to).toEqual(['(vtnet1)']);
    fw.addRule('Bad', { action: PfAction.PASS, to: [PfAddress.interfaceAddress('bad name')] });
    fw.addRule('Gone', { action: PfAction.PASS, to: [PfAddress.interfaceAddress('em4')] });
    expect(validateTree(g.app).filter((i) => i.severity === 'error').map((i) => [i.path, i.message])).toEqual([
      ['Firewall/Bad', 'Rule to: Interface name of interfaceAddress is not valid'],
      ['Firewall/Gone', 'Rule interface em4 does not exist on Gw'],
    ]);
  });
});
