// The rc.d model on hand-written rc.conf files, each checked against what FreeBSD's
// network.subr, rc.d/netif and rc.d/routing do with it (the model's comments cite the functions).
import { describe, expect, test } from 'vitest';
import { RcNetworkModel } from '../../lib/index';

const boot = (rc: string, kernel: string[] = ['em0']) => RcNetworkModel.boot(rc, kernel);
const LO0 = ['ifconfig lo0 up', 'ifconfig lo0 inet 127.0.0.1/8 alias'];
const ROUTES4 = ['route add -inet 127.0.0.1 -iface lo0'];
const ROUTES6 = [
  'route add -inet6 ::1 -prefixlen 128 -iface lo0',
  'route add -inet6 fe80:: -prefixlen 10 ::1 -reject',
  'route add -inet6 ff02:: -prefixlen 16 ::1 -reject',
  'route add -inet6 ::ffff:0.0.0.0 -prefixlen 96 ::1 -reject',
  'route add -inet6 ::0.0.0.0 -prefixlen 96 ::1 -reject',
];

describe('rc.d network start-up model', () => {
  test('an empty rc.conf: lo0 first, every other interface gets IPv6 disabled, the built-in routes', () => {
    const b = boot('', ['em0', 'em1']);
    expect(b.commands).toEqual([...LO0, 'ifconfig em0 inet6 ifdisabled', 'ifconfig em1 inet6 ifdisabled', ...ROUTES4, ...ROUTES6]);
    expect(b.warnings).toEqual([]);
    expect(b.failures).toEqual([]);
  });

  test('one address per family, aliases of each family in rc.d order (all inet ones, then inet6 ones)', () => {
    const b = boot([
      'ifconfig_em0="inet 192.0.2.1/24"',
      'ifconfig_em0_ipv6="inet6 2001:db8::1/64"',
      'ifconfig_em0_alias0="inet6 2001:db8::2/64"',
      'ifconfig_em0_alias1="inet 192.0.2.2/24"',
      'defaultrouter="192.0.2.254"',
      'ipv6_defaultrouter="fe80::1%em0"',
    ].join('\n'));
    expect(b.commands).toEqual([
      ...LO0,
      'ifconfig em0 inet6 ifdisabled',
      'ifconfig em0 inet 192.0.2.1/24',
      'ifconfig em0 inet6 -ifdisabled',
      'ifconfig em0 inet6 2001:db8::1/64',
      'ifconfig em0 up',
      'ifconfig em0 inet 192.0.2.2/24 alias',
      'ifconfig em0 inet6 2001:db8::2/64 alias',
      ...ROUTES4,
      'route add default 192.0.2.254',
      ...ROUTES6,
      'route add -inet6 default fe80::1%em0',
    ]);
  });

  test('aliases are listed by list_vars and sorted by number: a gap is skipped over, an empty value ends the list', () => {
    const gap = boot('ifconfig_em0="inet 192.0.2.1/24"\nifconfig_em0_alias10="inet 192.0.2.10/32"\nifconfig_em0_alias2="inet 192.0.2.2/32"');
    expect(gap.commands.filter((c) => c.endsWith(' alias') && c.startsWith('ifconfig em0'))).toEqual([
      'ifconfig em0 inet 192.0.2.2/32 alias', 'ifconfig em0 inet 192.0.2.10/32 alias',
    ]);
    const stop = boot('ifconfig_em0="inet 192.0.2.1/24"\nifconfig_em0_alias0="inet 192.0.2.2/32"\nifconfig_em0_alias1=""\nifconfig_em0_alias2="inet 192.0.2.3/32"');
    expect(stop.commands.filter((c) => c.startsWith('ifconfig em0 inet 192.0.2.'))).toEqual([
      'ifconfig em0 inet 192.0.2.1/24', 'ifconfig em0 inet 192.0.2.2/32 alias',
    ]);
  });

  test('IPv6 aliases are skipped on an interface without ifconfig_<if>_ipv6 (ipv6if is false)', () => {
    const b = boot('ifconfig_em0="inet 192.0.2.1/24"\nifconfig_em0_alias0="inet6 2001:db8::2/64"');
    expect(b.commands.some((c) => c.includes('2001:db8::2'))).toBe(false);
  });

  test('an IPv4 alias without "inet" is taken with a warning; an IPv6 address without "inet6" too', () => {
    const b = boot('ifconfig_em0_ipv6="2001:db8::1/64"\nifconfig_em0_alias0="192.0.2.5/32"');
    expect(b.commands).toContain('ifconfig em0 inet 192.0.2.5/32 alias');
    expect(b.commands).toContain('ifconfig em0 inet6 2001:db8::1/64');
    expect(b.warnings).toEqual([
      '$ifconfig_em0_ipv6 needs leading "inet6" keyword for an IPv6 address.',
      '$ifconfig_em0_alias0 needs leading "inet" keyword for an IPv4 address.',
    ]);
  });

  test("rc.conf(5)'s VLAN sample: vlans_em0=\"101 vlan0\" with create_args_vlan0=\"vlan 102\"", () => {
    const b = boot('ifconfig_em0="up"\nvlans_em0="101 vlan0"\ncreate_args_vlan0="vlan 102"\nifconfig_em0_101="inet 10.0.101.1/24"\nifconfig_vlan0="inet 10.0.102.1/24"');
    expect(b.commands).toEqual([
      ...LO0,
      'ifconfig em0 inet6 ifdisabled', 'ifconfig em0 up', 'ifconfig em0 up',
      // childif_create, right after em0: the numbered child is named by the kernel from its name
      'ifconfig em0.101 create',
      'ifconfig em0.101 inet6 ifdisabled', 'ifconfig em0.101 inet 10.0.101.1/24', 'ifconfig em0.101 up',
      'ifconfig vlan0 create vlandev em0 vlan 102',
      'ifconfig vlan0 inet6 ifdisabled', 'ifconfig vlan0 inet 10.0.102.1/24', 'ifconfig vlan0 up',
      ...ROUTES4, ...ROUTES6,
    ]);
  });

  test('a VLAN of another name is created as vlan<N> and renamed; ifconfig_<if>_name renames a NIC', () => {
    const b = boot('vlans_net0="dmz"\ncreate_args_dmz="vlan 7"\nifconfig_em0_name="net0"\nifconfig_net0="up"');
    expect(b.commands.slice(0, 2)).toEqual(['ifconfig em0 name net0', ...LO0.slice(0, 1)]);
    expect(b.commands).toContain('ifconfig vlan create vlandev net0 vlan 7');
    expect(b.commands).toContain('ifconfig vlan0 name dmz');
    expect(b.failures).toEqual([]);
  });

  test('cloned interfaces are created first and configured after the kernel ones; epair0 is epair0a and epair0b', () => {
    const b = boot('cloned_interfaces="lagg0 epair0 bridge0"\nifconfig_em0="up"\nifconfig_em1="up"\nifconfig_lagg0="inet 10.0.0.3/24 laggproto lacp laggport em0 laggport em1"\nifconfig_bridge0="addm epair0a up"\nifconfig_epair0a="up"', ['em0', 'em1']);
    expect(b.commands.slice(0, 3)).toEqual(['ifconfig lagg0 create', 'ifconfig epair0 create', 'ifconfig bridge0 create']);
    const starts = b.commands.filter((c) => c.endsWith(' inet6 ifdisabled')).map((c) => c.split(' ')[1]);
    expect(starts).toEqual(['em0', 'em1', 'lagg0', 'epair0a', 'epair0b', 'bridge0']);
    expect(b.commands).toContain('ifconfig lagg0 inet 10.0.0.3/24 laggproto lacp laggport em0 laggport em1');
    expect(b.failures).toEqual([]);
  });

  test('what would fail is reported: a lagg port that does not exist, a clone without a cloner', () => {
    const b = boot('cloned_interfaces="lagg0 dmz0"\nifconfig_lagg0="laggproto lacp laggport em9"');
    expect(b.failures).toEqual([
      'ifconfig dmz0 create: no such cloner (Invalid argument)',
      'ifconfig lagg0 laggproto lacp laggport em9: laggport em9: interface does not exist',
    ]);
  });

  test('static routes in list order, then the default; a missing route_<name> is a warning; :<if> suffixes are stripped', () => {
    const b = boot('ifconfig_em0="inet 10.1.60.2/24"\nstatic_routes="b a:em0 gone"\nroute_a="-net 10.3.0.0/16 10.1.60.1"\nroute_b="-host 10.9.9.9 10.1.60.1"\ndefaultrouter="10.1.60.1"\nipv6_static_routes="x"\nipv6_route_x="-net fd00::/48 fe80::1%em0"');
    expect(b.commands.filter((c) => c.startsWith('route add'))).toEqual([
      ...ROUTES4, 'route add -host 10.9.9.9 10.1.60.1', 'route add -net 10.3.0.0/16 10.1.60.1', 'route add default 10.1.60.1',
      ...ROUTES6, 'route add -inet6 -net fd00::/48 fe80::1%em0',
    ]);
    expect(b.warnings).toEqual(['route_gone not found.']);
  });

  test('NOAUTO keeps an interface out; DHCP brings it up without dhclient (asynchronous, devd starts it)', () => {
    const b = boot('ifconfig_em0="NOAUTO inet 192.0.2.1/24"\nifconfig_em1="DHCP"\nifconfig_em2="SYNCDHCP"', ['em0', 'em1', 'em2']);
    expect(b.commands.some((c) => c.startsWith('ifconfig em0'))).toBe(false);
    expect(b.commands.filter((c) => /em[12]/.test(c))).toEqual([
      'ifconfig em1 inet6 ifdisabled', 'ifconfig em1 up',
      'ifconfig em2 inet6 ifdisabled', 'ifconfig em2 up', '/etc/rc.d/dhclient start em2',
    ]);
  });

  test('what the model does not cover throws instead of guessing', () => {
    expect(() => boot('wlans_ath0="wlan0"')).toThrow(/wlans_ath0 needs wlan\(4\) interfaces/);
    expect(() => boot('ifconfig_em0="inet 192.0.2.1/24"\nifconfig_em0_alias0="inet 192.0.2.10-20/32"')).toThrow(/address range expansion/);
    expect(() => boot('ifconfig_em0="inet 192.0.2.1/24; reboot"')).toThrow(/re-read it through eval/);
    expect(() => boot('ipv6_default_interface="AUTO"')).toThrow(/ipv6_default_interface/);
  });
});
