import * as fc from 'fast-check';
import * as ipaddr from 'ipaddr.js';
import { describe, expect, test } from 'vitest';
import { AddressFamily, InterfaceAddress, IpAddress, IpPrefix } from '../../lib/net/address';

/** What ipaddr.js itself says of a text (the reference the fast paths must agree with). */
function reference(text: string): string | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text).toString();
  if (text.includes(':') && !text.includes('%') && ipaddr.IPv6.isValid(text)) return ipaddr.IPv6.parse(text).toRFC5952String();
  return undefined;
}

const octet = fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.constantFrom('00', '01', '010', '255', '256', '1e2', '0x1', ''));
const quadText = fc.tuple(octet, octet, octet, octet).map((p) => p.join('.'));
const hexGroup = fc.string({ unit: fc.constantFrom(...'0123456789abcdefAG'), maxLength: 5 });
const v6Text = fc.oneof(
  fc.array(fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16)), { minLength: 8, maxLength: 8 }).map((g) => g.join(':')),
  fc.tuple(fc.array(hexGroup, { maxLength: 4 }), fc.array(hexGroup, { maxLength: 4 }))
    .map(([a, b]) => `${a.join(':')}::${b.join(':')}`),
  fc.constantFrom('::', '::1', 'fe80::1%vtnet0', '::ffff:10.1.2.3', '1:2:3:4:5:6:7:8:9', 'gg::1', ':::'),
);

describe('IpAddress parsing agrees with ipaddr.js', () => {
  test('dotted quads, including leading zeros and octets over 255', () => {
    fc.assert(fc.property(quadText, (t) => {
      expect(IpAddress._tryParse(t)?.text).toBe(reference(t));
    }), { numRuns: 3000 });
  });

  test('IPv6 texts, valid and not', () => {
    fc.assert(fc.property(v6Text, (t) => {
      expect(IpAddress._tryParse(t)?.text).toBe(reference(t));
    }), { numRuns: 3000 });
  });

  test('non-strings and other shapes are not addresses', () => {
    for (const t of [undefined, null, 42, {}, '10.1.2', '10.1.2.3.4', ' 10.1.2.3', '10.1.2.3 ', 'localhost'] as any[]) {
      expect(IpAddress._tryParse(t)).toBeUndefined();
    }
    expect(() => IpAddress.parse('10.01.2.3')).toThrow(/Not an IP address/);
  });
});

describe('prefixes', () => {
  test('the network of an interface address is ipaddr.js\'s networkAddressFromCIDR', () => {
    const v4 = fc.tuple(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 32 }))
      .map(([o, l]) => `${o.join('.')}/${l}`);
    const v6 = fc.tuple(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 128 }))
      .map(([g, l]) => `${g.map((n) => n.toString(16)).join(':')}/${l}`);
    fc.assert(fc.property(fc.oneof(v4, v6), (cidr) => {
      const ia = InterfaceAddress.parse(cidr);
      const ref = cidr.includes(':') ? ipaddr.IPv6.networkAddressFromCIDR(cidr).toRFC5952String() : ipaddr.IPv4.networkAddressFromCIDR(cidr).toString();
      expect(ia.network.toString()).toBe(`${ref}/${ia.prefixLength}`);
      expect(ia.network.contains(ia.address)).toBe(true);
    }), { numRuns: 2000 });
  });

  test('host bits set is an error that proposes the network; a bare address is a host prefix', () => {
    expect(() => IpPrefix.parse('10.1.2.3/24')).toThrow(/did you mean "10\.1\.2\.0\/24"/);
    expect(() => IpPrefix.parse('2001:db8::1/64')).toThrow(/did you mean "2001:db8::\/64"/);
    expect(IpPrefix.parse('10.1.2.0/24').toString()).toBe('10.1.2.0/24');
    expect(IpPrefix.parse('2001:DB8:0:0::/48').toString()).toBe('2001:db8::/48');
    const host = IpPrefix.parse('fd00::1');
    expect([host.toString(), host.family]).toEqual(['fd00::1/128', AddressFamily.IPV6]);
    expect(IpPrefix.parse('0.0.0.0/0').networkAddress).toBe('0.0.0.0');
  });
});
