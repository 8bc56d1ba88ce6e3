// Host networking on real networks: VLANs, laggs, bridges, epairs, several addresses, static
// routes and link-local gateways. Each rc.conf is proven by what FreeBSD's boot would do with
// it: the exact ifconfig/route commands of rc.d (lib/testing/rc-network.ts), none failing.
import { describe, expect, test } from 'vitest';
import {
  App, CarpCluster, Errors, FreeBsdHost, Haproxy, LaggProtocol, PfRuleset, Secret, Testing,
} from '../../lib/index';

const PASS = Secret.fromLiteral('K7q2Lm9Xv4Rt8Wn3Zp');
const LO0 = ['ifconfig lo0 up', 'ifconfig lo0 inet 127.0.0.1/8 alias'];
const ROUTES4 = ['route add -inet 127.0.0.1 -iface lo0'];
const ROUTES6 = [
  'route add -inet6 ::1 -prefixlen 128 -iface lo0',
  'route add -inet6 fe80:: -prefixlen 10 ::1 -reject',
  'route add -inet6 ff02:: -prefixlen 16 ::1 -reject',
  'route add -inet6 ::ffff:0.0.0.0 -prefixlen 96 ::1 -reject',
  'route add -inet6 ::0.0.0.0 -prefixlen 96 ::1 -reject',
];

/** Boots a host's rc.conf through the model; nothing may fail or warn. */
function bootOf(t: ReturnType<typeof Testing.synth>, hostname: string): string[] {
  const b = t.networkBoot(hostname);
  expect(b.failures).toEqual([]);
  expect(b.warnings).toEqual([]);
  return b.commands;
}

function issues(app: App): Array<{ path: string; message: string; value?: string; allowed?: string; severity?: string }> {
  try {
    Testing.synth(app);
    return [];
  } catch (e) {
    if (!Errors.isValidationError(e)) throw e;
    return Errors.issuesOf(e).map((i) => ({ path: i.path, message: i.message, value: i.value, allowed: i.allowed, severity: i.severity }));
  }
}

/** Two hosts with CARP on VLAN 100 of igb0 (the parent has no address). */
function vlanPair(app: App): [FreeBsdHost, FreeBsdHost, CarpCluster] {
  const hosts = [1, 2].map((n) => {
    const h = new FreeBsdHost(app, `Fw${n}`, { hostname: `fw${n}.example.net`, defaultRouter: '10.1.100.1' });
    h.addInterface('igb0');
    h.addVlan('igb0.100', { parent: 'igb0', vlanId: 100, ipv4: `10.1.100.${n + 1}/24`, ipv6: [`2001:db8:100::${n + 1}/64`] });
    return h;
  }) as [FreeBsdHost, FreeBsdHost];
  const carp = new CarpCluster(app, 'Carp', { members: hosts, interfaceName: 'igb0.100', password: PASS });
  carp.addVip('Web', { vhid: 10, ipv4: ['10.1.100.10'], ipv6: ['2001:db8:100::10'] });
  return [...hosts, carp];
}

describe('VLANs', () => {
  test('CARP on igb0.100: vlans_igb0 creates the VLAN, the parent comes up, the VIP lands on it at boot', () => {
    const app = new App();
    vlanPair(app);
    const t = Testing.synth(app);
    const rc = t.rcConf('fw2.example.net');
    expect(rc.vlans_igb0).toBe('100');
    expect(rc.ifconfig_igb0).toBe('up');
    expect(rc.ifconfig_igb0_100).toBe('inet 10.1.100.3/24');
    expect(rc.ifconfig_igb0_100_alias0).toBe('inet vhid 10 advskew 100 pass K7q2Lm9Xv4Rt8Wn3Zp alias 10.1.100.10/32');
    expect(rc.cloned_interfaces).toBeUndefined();
    expect(bootOf(t, 'fw2.example.net')).toEqual([
      ...LO0,
      'ifconfig igb0 inet6 ifdisabled', 'ifconfig igb0 up', 'ifconfig igb0 up',
      'ifconfig igb0.100 create',
      'ifconfig igb0.100 inet6 ifdisabled',
      'ifconfig igb0.100 inet 10.1.100.3/24',
      'ifconfig igb0.100 inet6 -ifdisabled',
      'ifconfig igb0.100 inet6 2001:db8:100::3/64',
      'ifconfig igb0.100 up',
      'ifconfig igb0.100 inet vhid 10 advskew 100 pass K7q2Lm9Xv4Rt8Wn3Zp alias 10.1.100.10/32 alias',
      'ifconfig igb0.100 inet6 vhid 10 advskew 100 pass K7q2Lm9Xv4Rt8Wn3Zp alias 2001:db8:100::10/128 alias',
      ...ROUTES4, 'route add default 10.1.100.1', ...ROUTES6,
    ]);
  });

  test('PF rules and HAProxy frontends work on a VLAN interface', () => {
    const app = new App();
    const [, , carp] = vlanPair(app);
    const proxy = new Haproxy(app, 'Proxy', { target: carp });
    const be = proxy.addBackend('be_app');
    be.addServer('app1', { address: '10.1.100.50', port: 8080 });
    proxy.addFrontend('fe_web', { vips: [carp.vips[0]], defaultBackend: be });
    new PfRuleset(app, 'Firewall', { target: carp, externalInterface: 'igb0.100', sshFrom: ['10.9.0.0/16'] });
    const t = Testing.synth(app);
    const pf = t.pfConf('fw1.example.net');
    expect(pf.macros.ext_if).toBe('igb0.100');
    const web = pf.rules.find((r) => r.action === 'pass' && r.toPorts.includes('80'))!;
    expect([web.interfaces, web.to]).toEqual([['igb0.100'], ['10.1.100.10', '2001:db8:100::10']]);
    expect(pf.rules.find((r) => r.protocols.includes('carp'))?.interfaces).toEqual(['igb0.100']);
    const fe = t.haproxyConf('fw1.example.net').section('frontend', 'fe_web')!;
    expect(fe.find('bind').map((b) => b.args[0])).toEqual(expect.arrayContaining(['10.1.100.10:80', '[2001:db8:100::10]:80']));
  });

  test('VLANs of other names: create_args_<name>="vlan <tag>", created with vlandev <parent> when the parent comes up', () => {
    const app = new App();
    const h = new FreeBsdHost(app, 'Gw', { hostname: 'gw.example.net' });
    h.addInterface('em0', { ipv4: '192.0.2.2/24' });
    h.addVlan('vlan7', { parent: 'em0', vlanId: 7, ipv4: '10.7.0.1/24' });
    h.addVlan('dmz0', { parent: 'em0', vlanId: 8, ipv4: '10.8.0.1/24' });
    const t = Testing.synth(app);
    const rc = t.rcConf('gw.example.net');
    expect([rc.vlans_em0, rc.create_args_vlan7, rc.create_args_dmz0]).toEqual(['vlan7 dmz0', 'vlan 7', 'vlan 8']);
    expect(bootOf(t, 'gw.example.net')).toEqual([
      ...LO0,
      'ifconfig em0 inet6 ifdisabled', 'ifconfig em0 inet 192.0.2.2/24', 'ifconfig em0 up',
      'ifconfig vlan7 create vlandev em0 vlan 7',
      'ifconfig vlan7 inet6 ifdisabled', 'ifconfig vlan7 inet 10.7.0.1/24', 'ifconfig vlan7 up',
      'ifconfig vlan create vlandev em0 vlan 8', 'ifconfig vlan0 name dmz0',
      'ifconfig dmz0 inet6 ifdisabled', 'ifconfig dmz0 inet 10.8.0.1/24', 'ifconfig dmz0 up',
      ...ROUTES4, ...ROUTES6,
    ]);
  });
});

describe('lagg, bridge, epair', () => {
  test('a VLAN on an LACP lagg, a bridge of a VLAN and an epair: everything exists before it is used', () => {
    const app = new App();
    const h = new FreeBsdHost(app, 'Host', { hostname: 'host.example.net', defaultRouter: '10.1.60.1' });
    h.addInterface('igb0');
    h.addInterface('igb1');
    h.addLagg('lagg0', { protocol: LaggProtocol.LACP, ports: ['igb0', 'igb1'] });
    h.addVlan('lagg0.60', { parent: 'lagg0', vlanId: 60, ipv4: '10.1.60.2/24' });
    h.addVlan('lagg0.80', { parent: 'lagg0', vlanId: 80 });
    const epair = h.addEpair('epair0');
    h.addBridge('bridge0', { members: ['lagg0.80', epair.name], ipv4: '10.1.80.1/24' });
    expect([epair.name, epair.pairName, epair.peerName]).toEqual(['epair0a', 'epair0', 'epair0b']);
    const t = Testing.synth(app);
    const rc = t.rcConf('host.example.net');
    expect(rc.cloned_interfaces).toBe('lagg0 epair0 bridge0');
    expect(rc.vlans_lagg0).toBe('60 80');
    expect(rc.ifconfig_lagg0).toBe('laggproto lacp laggport igb0 laggport igb1 up');
    expect(rc.ifconfig_bridge0).toBe('inet 10.1.80.1/24 addm lagg0.80 addm epair0a');
    expect([rc.ifconfig_igb0, rc.ifconfig_igb1, rc.ifconfig_epair0a, rc.ifconfig_lagg0_80]).toEqual(['up', 'up', 'up', 'up']);
    expect(bootOf(t, 'host.example.net')).toEqual([
      'ifconfig lagg0 create', 'ifconfig epair0 create', 'ifconfig bridge0 create',
      ...LO0,
      'ifconfig igb0 inet6 ifdisabled', 'ifconfig igb0 up', 'ifconfig igb0 up',
      'ifconfig igb1 inet6 ifdisabled', 'ifconfig igb1 up', 'ifconfig igb1 up',
      'ifconfig lagg0 inet6 ifdisabled', 'ifconfig lagg0 laggproto lacp laggport igb0 laggport igb1 up', 'ifconfig lagg0 up',
      'ifconfig lagg0.60 create',
      'ifconfig lagg0.60 inet6 ifdisabled', 'ifconfig lagg0.60 inet 10.1.60.2/24', 'ifconfig lagg0.60 up',
      'ifconfig lagg0.80 create',
      'ifconfig lagg0.80 inet6 ifdisabled', 'ifconfig lagg0.80 up', 'ifconfig lagg0.80 up',
      'ifconfig epair0a inet6 ifdisabled', 'ifconfig epair0a up', 'ifconfig epair0a up',
      'ifconfig epair0b inet6 ifdisabled',
      'ifconfig bridge0 inet6 ifdisabled', 'ifconfig bridge0 inet 10.1.80.1/24 addm lagg0.80 addm epair0a', 'ifconfig bridge0 up',
      ...ROUTES4, 'route add default 10.1.60.1', ...ROUTES6,
    ]);
  });

  test('a lagg with addresses of both families, failover protocol; the jail takes the epair b end as its own interface', () => {
    const app = new App();
    const h = new FreeBsdHost(app, 'Host', { hostname: 'host.example.net' });
    h.addInterface('em0');
    h.addInterface('em1');
    h.addLagg('lagg1', { protocol: LaggProtocol.FAILOVER, ports: ['em1', 'em0'], ipv4: '192.0.2.3/24', ipv6: ['2001:db8::3/64'] });
    const e = h.addEpair('epair3', { ipv4: '10.3.0.1/30' });
    const jail = new FreeBsdHost(app, 'Jail', { hostname: 'jail.example.net', vnetJail: true, defaultRouter: '10.3.0.1' });
    jail.addInterface(e.peerName, { ipv4: '10.3.0.2/30' });
    const t = Testing.synth(app);
    expect(t.rcConf('host.example.net').ifconfig_lagg1).toBe('inet 192.0.2.3/24 laggproto failover laggport em1 laggport em0');
    expect(bootOf(t, 'host.example.net').filter((c) => /lagg1|epair3/.test(c))).toEqual([
      'ifconfig lagg1 create', 'ifconfig epair3 create',
      'ifconfig lagg1 inet6 ifdisabled', 'ifconfig lagg1 inet 192.0.2.3/24 laggproto failover laggport em1 laggport em0',
      'ifconfig lagg1 inet6 -ifdisabled', 'ifconfig lagg1 inet6 2001:db8::3/64', 'ifconfig lagg1 up',
      'ifconfig epair3a inet6 ifdisabled', 'ifconfig epair3a inet 10.3.0.1/30', 'ifconfig epair3a up',
      'ifconfig epair3b inet6 ifdisabled',
    ]);
    expect(bootOf(t, 'jail.example.net')).toEqual([
      ...LO0, 'ifconfig epair3b inet6 ifdisabled', 'ifconfig epair3b inet 10.3.0.2/30', 'ifconfig epair3b up',
      ...ROUTES4, 'route add default 10.3.0.1', ...ROUTES6,
    ]);
  });
});

describe('several addresses per interface', () => {
  test('ipv4Addresses: the first is ifconfig_<if>, the others aliases, then IPv6 extras, then CARP, numbered without a gap', () => {
    const app = new App();
    const hosts = [1, 2].map((n) => {
      const h = new FreeBsdHost(app, `Lb${n}`, { hostname: `lb${n}.example.net` });
      h.addInterface('vtnet0', {
        ipv4Addresses: [`192.0.2.${10 + n}/24`, `198.51.100.${10 + n}/24`],
        ipv6: [`2001:db8::${10 + n}/64`, `fd00::${10 + n}/64`],
      });
      return h;
    });
    const carp = new CarpCluster(app, 'Carp', { members: hosts, interfaceName: 'vtnet0', password: PASS });
    carp.addVip('A', { vhid: 1, ipv4: ['192.0.2.50'] });
    carp.addVip('B', { vhid: 2, ipv4: ['198.51.100.50'], ipv6: ['2001:db8::50'] });
    const t = Testing.synth(app);
    const rc = t.rcConf('lb1.example.net');
    expect(Object.keys(rc).filter((k) => k.startsWith('ifconfig_')).map((k) => [k, rc[k]])).toEqual([
      ['ifconfig_vtnet0', 'inet 192.0.2.11/24'],
      ['ifconfig_vtnet0_alias0', 'inet 198.51.100.11/24'],
      ['ifconfig_vtnet0_alias1', 'inet6 fd00::11/64'],
      ['ifconfig_vtnet0_alias2', 'inet vhid 1 advskew 0 pass K7q2Lm9Xv4Rt8Wn3Zp alias 192.0.2.50/32'],
      ['ifconfig_vtnet0_alias3', 'inet vhid 2 advskew 0 pass K7q2Lm9Xv4Rt8Wn3Zp alias 198.51.100.50/32'],
      ['ifconfig_vtnet0_alias4', 'inet6 vhid 2 advskew 0 pass K7q2Lm9Xv4Rt8Wn3Zp alias 2001:db8::50/128'],
      ['ifconfig_vtnet0_ipv6', 'inet6 2001:db8::11/64'],
    ]);
    expect(bootOf(t, 'lb1.example.net').filter((c) => c.startsWith('ifconfig vtnet0'))).toEqual([
      'ifconfig vtnet0 inet6 ifdisabled',
      'ifconfig vtnet0 inet 192.0.2.11/24',
      'ifconfig vtnet0 inet6 -ifdisabled',
      'ifconfig vtnet0 inet6 2001:db8::11/64',
      'ifconfig vtnet0 up',
      'ifconfig vtnet0 inet 198.51.100.11/24 alias',
      'ifconfig vtnet0 inet vhid 1 advskew 0 pass K7q2Lm9Xv4Rt8Wn3Zp alias 192.0.2.50/32 alias',
      'ifconfig vtnet0 inet vhid 2 advskew 0 pass K7q2Lm9Xv4Rt8Wn3Zp alias 198.51.100.50/32 alias',
      'ifconfig vtnet0 inet6 fd00::11/64 alias',
      'ifconfig vtnet0 inet6 vhid 2 advskew 0 pass K7q2Lm9Xv4Rt8Wn3Zp alias 2001:db8::50/128 alias',
    ]);
    expect(hosts[0].interfaces[0].ipv4!.toString()).toBe('192.0.2.11/24');
    expect(hosts[0].interfaces[0].ipv4Addresses.map(String)).toEqual(['192.0.2.11/24', '198.51.100.11/24']);
  });
});

describe('static routes and link-local gateways', () => {
  test('routes of both families and a link-local IPv6 default router written with its zone', () => {
    const app = new App();
    const h = new FreeBsdHost(app, 'Vm', { hostname: 'vm.example.net', defaultRouter: '203.0.113.1', ipv6DefaultRouter: 'fe80::1%vtnet0' });
    h.addInterface('vtnet0', { ipv4: '203.0.113.10/24', ipv6: ['2001:db8:10::10/64'] });
    h.addInterface('vtnet1', { ipv4: '10.1.60.2/24' });
    h.addInterface('vtnet2');
    h.addRoute('office', { destination: '10.2.0.0/16', gateway: '10.1.60.1' });
    h.addRoute('nas', { destination: '10.9.9.9', gateway: '10.1.60.1' });
    h.addRoute('p2p', { destination: '172.20.0.0/30', interfaceName: 'vtnet2' });
    h.addRoute('ula', { destination: 'fd00:2::/48', gateway: 'fe80::2%vtnet0' });
    const r = h.routes.map((x) => [x.name, x.destination?.toString(), x.gateway?.text, x.gatewayZone, x.interfaceName]);
    expect(r[3]).toEqual(['ula', 'fd00:2::/48', 'fe80::2', 'vtnet0', undefined]);
    const t = Testing.synth(app);
    const rc = t.rcConf('vm.example.net');
    expect(rc).toMatchObject({
      ipv6_defaultrouter: 'fe80::1%vtnet0',
      static_routes: 'office nas p2p',
      route_office: '-net 10.2.0.0/16 10.1.60.1',
      route_nas: '-host 10.9.9.9 10.1.60.1',
      route_p2p: '-net 172.20.0.0/30 -interface vtnet2',
      ipv6_static_routes: 'ula',
      ipv6_route_ula: '-net fd00:2::/48 fe80::2%vtnet0',
    });
    expect(bootOf(t, 'vm.example.net').filter((c) => c.startsWith('route '))).toEqual([
      ...ROUTES4,
      'route add -net 10.2.0.0/16 10.1.60.1',
      'route add -host 10.9.9.9 10.1.60.1',
      'route add -net 172.20.0.0/30 -interface vtnet2',
      'route add default 203.0.113.1',
      ...ROUTES6,
      'route add -inet6 -net fd00:2::/48 fe80::2%vtnet0',
      'route add -inet6 default fe80::1%vtnet0',
    ]);
  });
});

describe('validation of every new value', () => {
  const H = 'Host';
  function host(app: App, props: Record<string, unknown> = {}): FreeBsdHost {
    const h = new FreeBsdHost(app, H, { hostname: 'host.example.net', ...props });
    h.addInterface('igb0');
    h.addInterface('igb1');
    h.addInterface('em0', { ipv4: '192.0.2.2/24', ipv6: ['2001:db8::2/64'] });
    h.addInterface('em1', { ipv4: '198.51.100.2/24' });
    return h;
  }
  /** The issues of one mistake: [path, message, value, allowed]. */
  function only(build: (app: App, h: FreeBsdHost) => void, props: Record<string, unknown> = {}) {
    const app = new App();
    build(app, host(app, props));
    return issues(app).map((i) => [i.path, i.message, i.value, i.allowed]);
  }

  test.each([
    ['vlanId 0', (_: App, h: FreeBsdHost) => h.addVlan('igb0.0', { parent: 'igb0', vlanId: 0 }), [`${H}/igb0.0`, 'vlanId must be an integer from 1 to 4094', '0', 'integers 1–4094']],
    ['vlanId 4095', (_: App, h: FreeBsdHost) => h.addVlan('vlan9', { parent: 'igb0', vlanId: 4095 }), [`${H}/vlan9`, 'vlanId must be an integer from 1 to 4094', '4095', 'integers 1–4094']],
    ['dotted name that is not parent.tag', (_: App, h: FreeBsdHost) => h.addVlan('igb0.100', { parent: 'igb0', vlanId: 200 }),
      [`${H}/igb0.100`, 'A dotted VLAN name says <parent>.<tag>: igb0.100 does not match parent igb0 and vlanId 200', 'igb0.100', 'igb0.200, or a name without a dot (vlan200, dmz0)']],
    ['unknown parent', (_: App, h: FreeBsdHost) => h.addVlan('igb7.5', { parent: 'igb7', vlanId: 5 }),
      [H, 'VLAN igb7.5: the host has no parent interface igb7', 'igb7', 'an interface of host.example.net: igb0, igb1, em0, em1, igb7.5']],
    ['parent is a bridge', (_: App, h: FreeBsdHost) => { h.addBridge('bridge0', { members: ['igb1'] }); h.addVlan('vlan5', { parent: 'bridge0', vlanId: 5 }); },
      [H, 'VLAN vlan5: its parent bridge0 is a bridge', 'bridge0', 'a physical interface or a lagg']],
    ['parent is a lagg port', (_: App, h: FreeBsdHost) => { h.addLagg('lagg0', { protocol: LaggProtocol.LACP, ports: ['igb0', 'igb1'] }); h.addVlan('igb0.5', { parent: 'igb0', vlanId: 5 }); },
      [H, 'VLAN igb0.5: its parent igb0 is a port of lagg0, which takes its traffic', 'igb0', "the lagg itself: parent 'lagg0'"]],
    ['one tag twice on a parent', (_: App, h: FreeBsdHost) => { h.addVlan('igb0.5', { parent: 'igb0', vlanId: 5 }); h.addVlan('vlan5', { parent: 'igb0', vlanId: 5 }); },
      [H, 'VLAN vlan5: igb0.5 already has tag 5 on igb0', '5', 'one VLAN per tag and parent']],
    ['an interface name twice', (_: App, h: FreeBsdHost) => h.addVlan('em0', { parent: 'igb0', vlanId: 5 }), [H, 'Interface is added twice', 'em0', 'each interface once']],
    ['lagg name', (_: App, h: FreeBsdHost) => h.addLagg('bond0', { protocol: LaggProtocol.LACP, ports: ['igb0'] }), [`${H}/bond0`, 'A lagg interface is named lagg<N>', 'bond0', 'lagg0, lagg1, …']],
    ['lagg protocol', (_: App, h: FreeBsdHost) => h.addLagg('lagg0', { protocol: 'fec' as LaggProtocol, ports: ['igb0'] }),
      [`${H}/lagg0`, 'protocol is not a member of LaggProtocol', 'fec', 'LaggProtocol.LACP, LaggProtocol.FAILOVER, LaggProtocol.LOADBALANCE, LaggProtocol.ROUNDROBIN, LaggProtocol.BROADCAST, LaggProtocol.NONE']],
    ['lagg without ports', (_: App, h: FreeBsdHost) => h.addLagg('lagg0', { protocol: LaggProtocol.LACP, ports: [] }), [`${H}/lagg0`, 'A lagg needs a list of member ports', '[]', "interface names of the host, e.g. ['igb0', 'igb1']"]],
    ['lagg port missing', (_: App, h: FreeBsdHost) => h.addLagg('lagg0', { protocol: LaggProtocol.LACP, ports: ['igb0', 'igb5'] }),
      [H, 'lagg lagg0: the host has no port interface igb5', 'igb5', "a physical interface of the host (add it with addInterface('igb5')): igb0, igb1, em0, em1, lagg0"]],
    ['lagg port with an address', (_: App, h: FreeBsdHost) => h.addLagg('lagg0', { protocol: LaggProtocol.LACP, ports: ['igb0', 'em1'] }),
      [H, 'lagg lagg0: port em1 has addresses of its own; a lagg port carries no address', '198.51.100.2/24', 'no address on em1; put them on lagg0']],
    ['lagg port listed twice', (_: App, h: FreeBsdHost) => h.addLagg('lagg0', { protocol: LaggProtocol.LACP, ports: ['igb0', 'igb0'] }), [`${H}/lagg0`, 'A lagg port is listed twice', 'igb0', 'each port once']],
    ['a port in two laggs', (_: App, h: FreeBsdHost) => { h.addLagg('lagg0', { protocol: LaggProtocol.LACP, ports: ['igb0'] }); h.addLagg('lagg1', { protocol: LaggProtocol.LACP, ports: ['igb0', 'igb1'] }); },
      [H, 'Interface igb0 is a port of both lagg0 and lagg1', 'igb0', 'each port in one lagg']],
    ['lagg port is a VLAN', (_: App, h: FreeBsdHost) => { h.addVlan('igb1.9', { parent: 'igb1', vlanId: 9 }); h.addLagg('lagg0', { protocol: LaggProtocol.LACP, ports: ['igb1.9'] }); },
      [H, 'lagg lagg0: port igb1.9 is a vlan', 'igb1.9', 'physical interfaces']],
    ['bridge name', (_: App, h: FreeBsdHost) => h.addBridge('br0', { members: ['igb0'] }), [`${H}/br0`, 'A bridge interface is named bridge<N>', 'br0', 'bridge0, bridge1, …']],
    ['bridge member missing', (_: App, h: FreeBsdHost) => h.addBridge('bridge0', { members: ['tap0'] }),
      [H, 'Bridge bridge0: the host has no member interface tap0', 'tap0', 'an interface of host.example.net: igb0, igb1, em0, em1, bridge0']],
    ['a member in two bridges', (_: App, h: FreeBsdHost) => { h.addBridge('bridge0', { members: ['igb0'] }); h.addBridge('bridge1', { members: ['igb0'] }); },
      [H, 'Interface igb0 is a member of both bridge0 and bridge1', 'igb0', 'each interface in one bridge']],
    ['a bridge its own member', (_: App, h: FreeBsdHost) => h.addBridge('bridge0', { members: ['bridge0'] }),
      [`${H}/bridge0`, 'A bridge cannot be its own member', 'bridge0', 'other interfaces of the host']],
    ['epair name', (_: App, h: FreeBsdHost) => h.addEpair('pair0'), [`${H}/pair0a`, 'An epair is named epair<N> (its ends are epair<N>a and epair<N>b)', 'pair0', 'epair0, epair1, …']],
    ['epair b end on the same host', (_: App, h: FreeBsdHost) => { h.addEpair('epair0'); h.addInterface('epair0b'); },
      [H, 'epair0b is the other end of epair0, created on this host: as an interface of the host it would stop rc.d from creating the pair', 'epair0b', "give epair0b to the VNET jail's FreeBsdHost (jail.addInterface('epair0b', …))"]],
    ['ipv4 and ipv4Addresses', (_: App, h: FreeBsdHost) => h.addInterface('em2', { ipv4: '10.0.0.1/24', ipv4Addresses: ['10.0.0.2/24'] }),
      [`${H}/em2`, 'ipv4 and ipv4Addresses are both given', '10.0.0.1/24 and ["10.0.0.2/24"]', 'either ipv4 (one address) or ipv4Addresses (a list)']],
    ['ipv4Addresses holds IPv6', (_: App, h: FreeBsdHost) => h.addInterface('em2', { ipv4Addresses: ['10.0.0.1/24', '2001:db8::9/64'] }),
      [`${H}/em2`, 'ipv4Addresses holds an IPv6 address', '2001:db8::9/64', 'an IPv4 address with prefix length, e.g. 10.1.60.201/24']],
    ['an IPv4 address listed twice', (_: App, h: FreeBsdHost) => h.addInterface('em2', { ipv4Addresses: ['10.0.0.1/24', '10.0.0.1/32'] }),
      [`${H}/em2`, 'IPv4 address is listed twice', '10.0.0.1/32', 'each address once']],
    ['one address on two interfaces', (_: App, h: FreeBsdHost) => h.addInterface('em2', { ipv4Addresses: ['10.0.0.1/24', '192.0.2.2/24'] }),
      [H, 'Address 192.0.2.2 is on both em0 and em2', '192.0.2.2/24', 'each address on one interface of the host']],
  ])('%s', (_name, build, expected) => {
    expect(only(build)).toEqual([expected]);
  });

  test.each([
    ['a bare link-local router', 'fe80::1', [H, 'ipv6DefaultRouter fe80::1 is link-local: FreeBSD needs the interface it is reached on', 'fe80::1', 'fe80::1%<interface>, e.g. fe80::1%em0']],
    ['an unknown zone', 'fe80::1%vtnet0', [H, 'ipv6DefaultRouter: zone vtnet0 is not an interface of the host', 'fe80::1%vtnet0', 'an interface of host.example.net: igb0, igb1, em0, em1']],
    ['a zone without IPv6', 'fe80::1%em1', [H, 'ipv6DefaultRouter: interface em1 has no IPv6 address, so rc.d leaves IPv6 disabled on it (ifdisabled) and the router is unreachable', 'fe80::1%em1', 'an interface with an IPv6 address (em0)']],
    ['a zone on a global address', '2001:db8::1%em0', [H, 'ipv6DefaultRouter: Only a link-local address (fe80::/10) takes a zone', '2001:db8::1%em0', '2001:db8::1 without %em0, or a link-local address with its zone']],
    ['a zone that is no interface name', 'fe80::1%em 0', [H, 'ipv6DefaultRouter: The zone after % is not an interface name', 'fe80::1%em 0', expect.stringContaining('fe80::1%<interface>')]],
    ['garbage', 'fe80::1::2', [H, 'ipv6DefaultRouter: Not an IP address', 'fe80::1::2', expect.stringContaining('fe80::1%vtnet0')]],
  ])('ipv6DefaultRouter: %s', (_name, router, expected) => {
    expect(only(() => undefined, { ipv6DefaultRouter: router })).toEqual([expected]);
  });

  test.each([
    ['name', (h: FreeBsdHost) => h.addRoute('to office', { destination: '10.2.0.0/16', gateway: '192.0.2.1' }),
      [`${H}/route_to office`, 'Route name is not valid: it becomes part of rc.conf route_<name>', 'to office', 'letters, digits and _ (at most 40), starting with a letter or digit, e.g. office or net10_2']],
    ['host bits', (h: FreeBsdHost) => h.addRoute('r', { destination: '10.2.0.1/16', gateway: '192.0.2.1' }),
      [`${H}/route_r`, 'destination: Prefix has host bits set; did you mean "10.2.0.0/16"?', '10.2.0.1/16', 'a network prefix whose host bits are zero']],
    ['default', (h: FreeBsdHost) => h.addRoute('r', { destination: 'default', gateway: '192.0.2.1' }),
      [`${H}/route_r`, 'The default route is not a static route', 'default', 'defaultRouter / ipv6DefaultRouter of the host']],
    ['families differ', (h: FreeBsdHost) => h.addRoute('r', { destination: '10.2.0.0/16', gateway: '2001:db8::1' }),
      [`${H}/route_r`, 'The gateway is IPv6 but the destination is not', '2001:db8::1', 'an IPv4 gateway for 10.2.0.0/16']],
    ['gateway and interface', (h: FreeBsdHost) => h.addRoute('r', { destination: '10.2.0.0/16', gateway: '192.0.2.1', interfaceName: 'em0' }),
      [`${H}/route_r`, 'A route goes either via a gateway or out of an interface, not both', 'gateway 192.0.2.1, interfaceName em0', 'gateway or interfaceName']],
    ['neither', (h: FreeBsdHost) => h.addRoute('r', { destination: '10.2.0.0/16' }),
      [`${H}/route_r`, 'A route needs a gateway or an interface', '10.2.0.0/16', expect.stringContaining('interfaceName')]],
    ['gateway off-link', (h: FreeBsdHost) => h.addRoute('r', { destination: '10.2.0.0/16', gateway: '10.1.1.1' }),
      [H, 'Route r: gateway 10.1.1.1 is not on-link: no interface has a prefix containing it (FreeBSD does not resolve a gateway through another route)', '10.1.1.1', 'an address inside 192.0.2.0/24 (em0) or 198.51.100.0/24 (em1)']],
    ['gateway is the host', (h: FreeBsdHost) => h.addRoute('r', { destination: '10.2.0.0/16', gateway: '192.0.2.2' }),
      [H, 'Route r: gateway 192.0.2.2 is an address of the host itself', '192.0.2.2', 'the address of the next router']],
    ['destination on-link', (h: FreeBsdHost) => h.addRoute('r', { destination: '192.0.2.0/24', gateway: '198.51.100.1' }),
      [H, 'Route r: 192.0.2.0/24 is the on-link network of em0: the kernel routes it already (route add would fail: File exists)', '192.0.2.0/24', 'a network not attached to the host']],
    ['one destination twice', (h: FreeBsdHost) => { h.addRoute('a', { destination: '10.2.0.0/16', gateway: '192.0.2.1' }); h.addRoute('b', { destination: '10.2.0.0/16', gateway: '192.0.2.9' }); },
      [H, 'Route b: destination 10.2.0.0/16 is also routed by a', '10.2.0.0/16', 'one route per destination']],
    ['a name twice', (h: FreeBsdHost) => { h.addRoute('a', { destination: '10.2.0.0/16', gateway: '192.0.2.1' }); h.addRoute('a', { destination: '10.3.0.0/16', gateway: '192.0.2.1' }); },
      [H, 'Route name is used twice', 'a', 'a name per route']],
    ['unknown interface', (h: FreeBsdHost) => h.addRoute('r', { destination: '10.2.0.0/16', interfaceName: 'tun0' }),
      [H, 'Route r: the host has no interface tun0', 'tun0', 'an interface of host.example.net: igb0, igb1, em0, em1']],
    ['link-local gateway without zone', (h: FreeBsdHost) => h.addRoute('r', { destination: 'fd00::/48', gateway: 'fe80::1' }),
      [H, 'Route r: gateway fe80::1 is link-local: FreeBSD needs the interface it is reached on', 'fe80::1', 'fe80::1%<interface>, e.g. fe80::1%em0']],
  ])('route: %s', (_name, build, expected) => {
    expect(only((_, h) => build(h))).toEqual([expected]);
  });

  test('a gateway reached through an interface route is on-link', () => {
    expect(only((_, h) => {
      h.addRoute('p2p', { destination: '172.20.0.0/30', interfaceName: 'igb0' });
      h.addRoute('far', { destination: '10.20.0.0/16', gateway: '172.20.0.2' });
    })).toEqual([]);
  });

  test('a bridge member with an address is a warning, not an error', () => {
    const app = new App();
    host(app).addBridge('bridge0', { members: ['em1'] });
    expect(issues(app)).toEqual([]);
    const w = Testing.synth(app).warnings.map((i) => [i.path, i.message, i.value]);
    expect(w).toEqual([[H, 'Bridge member em1 has addresses of its own: if_bridge(4) wants them on the bridge (recent FreeBSD refuses them on members by default)', '198.51.100.2/24']]);
  });

  test('the same IPv4 address in two vhids of one cluster is an error (FreeBSD would move it to the last vhid)', () => {
    const app = new App();
    const [, , carp] = vlanPair(app);
    carp.addVip('Other', { vhid: 11, ipv4: ['10.1.100.10'] });
    expect(issues(app).map((i) => [i.path, i.message, i.value])).toEqual([
      ['Carp', 'VIP address 10.1.100.10 is in both vhid 10 (Carp/Web) and vhid 11 (Carp/Other): FreeBSD would silently move it to the last vhid configured', '10.1.100.10'],
    ]);
  });
});

describe('interfaces and routes made with new', () => {
  test('join the host that is their scope, like the add methods', async () => {
    const { NetworkInterface, VlanInterface, StaticRoute } = await import('../../lib/index');
    const app = new App();
    const h = new FreeBsdHost(app, 'Gw', { hostname: 'gw.example.net' });
    new NetworkInterface(h, 'em0', { ipv4: '192.0.2.2/24' });
    new VlanInterface(h, 'em0.5', { parent: 'em0', vlanId: 5, ipv4: '10.5.0.1/24' });
    new StaticRoute(h, 'r', 'office', { destination: '10.2.0.0/16', gateway: '192.0.2.1' });
    expect(h.interfaces.map((i) => [i.name, i.kind])).toEqual([['em0', 'physical'], ['em0.5', 'vlan']]);
    const rc = Testing.synth(app).rcConf('gw.example.net');
    expect([rc.vlans_em0, rc.ifconfig_em0_5, rc.route_office]).toEqual(['5', 'inet 10.5.0.1/24', '-net 10.2.0.0/16 192.0.2.1']);
  });
});
