import { describe, expect, test } from 'vitest';
import { Severity } from '../../lib/core/errors';
import { AddressFamily } from '../../lib/net/address';
import { PfRuleset } from '../../lib/pf/pf-ruleset';
import { Icmp6Type, IcmpType, PfAction, PfDirection, PfProtocol } from '../../lib/pf/types';
import { PfAddress, PfPort, PfState } from '../../lib/pf/values';
import { synth } from './helpers';
import { findings, referenceRuleset, topology } from './fixture';

const ERROR = Severity.ERROR;
const WARNING = Severity.WARNING;

/** Findings under the firewall (the tree's other constructs are valid). */
function fwFindings(app: Parameters<typeof findings>[0]) {
  return findings(app).filter((f) => f.path.startsWith('Firewall'));
}

describe('ports', () => {
  test('PASS: numbers 1–65535, ranges and service names FreeBSD knows', () => {
    const t = topology();
    const fw = referenceRuleset(t);
    fw.addRule('Ok', { action: PfAction.PASS, protocols: [PfProtocol.TCP], toPorts: [PfPort.number(1), PfPort.number(65535), PfPort.range(1024, 2048), PfPort.service('https')] });
    expect(fwFindings(t.app)).toEqual([]);
  });

  test('FAIL: 0, 65536 and a reversed range are errors at the rule\'s path', () => {
    const t = topology();
    const fw = referenceRuleset(t);
    fw.addRule('Bad', { action: PfAction.PASS, protocols: [PfProtocol.TCP], toPorts: [PfPort.number(0), PfPort.number(65536), PfPort.range(2000, 1000)] });
    expect(fwFindings(t.app)).toEqual([
      { path: 'Firewall/Bad', message: 'Rule toPorts: Port must be an integer from 1 to 65535', severity: ERROR },
      { path: 'Firewall/Bad', message: 'Rule toPorts: Port must be an integer from 1 to 65535', severity: ERROR },
      { path: 'Firewall/Bad', message: 'Rule toPorts: Port range starts after it ends', severity: ERROR },
    ]);
    expect(() => synth(t.app)).toThrow(/\[Firewall\/Bad\] Rule toPorts: Port must be an integer from 1 to 65535 \(got: "65536"/);
  });

  test('FAIL: a service name not in /etc/services, and a udp-only service on tcp', () => {
    const t = topology();
    const fw = referenceRuleset(t);
    fw.addRule('Typo', { action: PfAction.PASS, protocols: [PfProtocol.TCP], toPorts: [PfPort.service('htps')] });
    fw.addRule('Syslog', { action: PfAction.PASS, protocols: [PfProtocol.TCP], toPorts: [PfPort.service('syslog')] });
    expect(fwFindings(t.app)).toEqual([
      { path: 'Firewall/Syslog', message: 'Rule toPorts: service syslog is not defined for tcp in /etc/services', severity: ERROR },
      { path: 'Firewall/Typo', message: 'Rule toPorts: Port service name is not in FreeBSD\'s /etc/services', severity: ERROR },
    ]);
  });

  test('FAIL: ports on a rule that is not TCP/UDP', () => {
    const t = topology();
    const fw = referenceRuleset(t);
    fw.addRule('NoProto', { action: PfAction.PASS, toPorts: [PfPort.number(22)] });
    expect(fwFindings(t.app)).toEqual([
      { path: 'Firewall/NoProto', message: 'Rule toPorts need a TCP or UDP rule: pf matches ports only for tcp and udp', severity: ERROR },
    ]);
  });

  test('FAIL: sshPort out of range is an error at the ruleset\'s path', () => {
    const t = topology();
    referenceRuleset(t, { sshPort: 70000 });
    expect(fwFindings(t.app)).toEqual([{ path: 'Firewall', message: 'sshPort must be an integer from 1 to 65535', severity: ERROR }]);
  });
});

describe('ICMP type names per family', () => {
  test('PASS: ICMP names on an inet icmp rule, ICMPv6 names on an inet6 icmp6 rule', () => {
    const t = topology();
    const fw = referenceRuleset(t);
    fw.addRule('Ping4', { action: PfAction.PASS, direction: PfDirection.IN, protocols: [PfProtocol.ICMP], icmpTypes: [IcmpType.ECHOREQ] });
    fw.addRule('Ping6', { action: PfAction.PASS, direction: PfDirection.IN, family: AddressFamily.IPV6, protocols: [PfProtocol.ICMP6], icmp6Types: [Icmp6Type.ECHOREQ] });
    expect(fwFindings(t.app)).toEqual([]);
    const v = synth(t.app).file('haproxy01.example.net', '/etc/pf.conf');
    expect(v).toContain('pass in inet proto icmp all icmp-type echoreq  # Firewall/Ping4');
  });

  test('FAIL: an ICMPv6-only name given as an ICMP type, and ICMP types on an IPv6 rule', () => {
    const t = topology();
    const fw = referenceRuleset(t);
    fw.addRule('V6NameInV4', { action: PfAction.PASS, protocols: [PfProtocol.ICMP], icmpTypes: ['neighbrsol' as IcmpType] });
    fw.addRule('V4TypesOnV6', { action: PfAction.PASS, family: AddressFamily.IPV6, protocols: [PfProtocol.ICMP6], icmpTypes: [IcmpType.ECHOREQ] });
    expect(fwFindings(t.app)).toEqual([
      { path: 'Firewall/V4TypesOnV6', message: 'icmpTypes need an IPv4 ICMP rule (protocols: [PfProtocol.ICMP], family not inet6)', severity: ERROR },
      { path: 'Firewall/V6NameInV4', message: 'ICMP type name is not one pfctl knows for IPv4', severity: ERROR },
    ]);
  });

  test('FAIL: the ruleset\'s icmpTypes/icmp6Types with a name of the other family', () => {
    const t = topology();
    referenceRuleset(t, { icmpTypes: ['toobig' as IcmpType], icmp6Types: [...Object.values(Icmp6Type).slice(0, 0), Icmp6Type.NEIGHBRSOL, Icmp6Type.NEIGHBRADV, 'squench' as Icmp6Type] });
    expect(fwFindings(t.app)).toEqual([
      { path: 'Firewall', message: 'icmpTypes holds a name that is not an IPv4 ICMP type of pfctl', severity: ERROR },
      { path: 'Firewall', message: 'icmp6Types holds a name that is not an ICMPv6 type of pfctl', severity: ERROR },
    ]);
  });
});

describe('prefixes', () => {
  test('PASS: prefixes of the rule\'s family, and mixed families on a rule without one', () => {
    const t = topology();
    const fw = referenceRuleset(t);
    fw.addRule('V6', { action: PfAction.PASS, family: AddressFamily.IPV6, protocols: [PfProtocol.TCP], from: [PfAddress.prefix('2003:abcd:ef12:3420::/60')], toPorts: [PfPort.number(22)] });
    fw.addRule('Mixed', { action: PfAction.PASS, protocols: [PfProtocol.TCP], from: [PfAddress.prefix('10.0.0.0/8'), PfAddress.prefix('fd00::/8')], toPorts: [PfPort.number(22)] });
    expect(fwFindings(t.app)).toEqual([]);
  });

  test('FAIL: host bits set, not an address, and an IPv4 prefix on an inet6 rule', () => {
    const t = topology();
    const fw = referenceRuleset(t);
    fw.addRule('HostBits', { action: PfAction.PASS, from: [PfAddress.prefix('2003:abcd:ef12:3421::/60')] });
    fw.addRule('Garbage', { action: PfAction.PASS, to: [PfAddress.prefix('10.0.0.300/8')] });
    fw.addRule('Family', { action: PfAction.PASS, family: AddressFamily.IPV6, from: [PfAddress.prefix('10.0.0.0/8')] });
    expect(fwFindings(t.app)).toEqual([
      { path: 'Firewall/Family', message: 'Rule from address is IPv4 but the rule is inet6', severity: ERROR },
      { path: 'Firewall/Garbage', message: 'Rule to: Address Prefix has no valid address before "/"', severity: ERROR },
      { path: 'Firewall/HostBits', message: 'Rule from: Address Prefix has host bits set; did you mean "2003:abcd:ef12:3420::/60"?', severity: ERROR },
    ]);
  });

  test('FAIL: an sshFrom prefix that does not parse is an error at the ruleset\'s path', () => {
    const t = topology();
    referenceRuleset(t, { sshFrom: ['2003:abcd:ef12:3420::1/60'] });
    expect(fwFindings(t.app)).toEqual([
      { path: 'Firewall', message: 'sshFrom: Prefix has host bits set; did you mean "2003:abcd:ef12:3420::/60"?', severity: ERROR },
    ]);
  });

  test('FAIL: a table that holds only IPv4 on an inet6 rule matches nothing', () => {
    const t = topology();
    const fw = referenceRuleset(t);
    const tbl = fw.addTable('v4only', { addresses: ['192.0.2.0/24'] });
    fw.addRule('Nothing', { action: PfAction.PASS, family: AddressFamily.IPV6, from: [PfAddress.table(tbl)] });
    expect(fwFindings(t.app)).toEqual([
      { path: 'Firewall/Nothing', message: 'Rule from table <v4only> holds no inet6 address: the rule matches nothing', severity: ERROR },
    ]);
  });
});

describe('interfaces exist on every target host', () => {
  test('PASS: the external interface and a rule\'s interface exist on both members', () => {
    const t = topology();
    const fw = referenceRuleset(t);
    fw.addRule('OnExt', { action: PfAction.PASS, interfaceName: 'vnet0' });
    expect(fwFindings(t.app)).toEqual([]);
  });

  test('FAIL: an external interface missing on the hosts, and a rule interface missing on one member', () => {
    const t = topology();
    t.h1.addInterface('vtnet1', { ipv4: '10.255.255.1/30' });
    const fw = referenceRuleset(t, { externalInterface: 'em0' });
    fw.addRule('OnSync', { action: PfAction.PASS, interfaceName: 'vtnet1' });
    expect(fwFindings(t.app)).toEqual([
      { path: 'Firewall', message: 'externalInterface em0 does not exist on Haproxy01', severity: ERROR },
      { path: 'Firewall', message: 'externalInterface em0 does not exist on Haproxy02', severity: ERROR },
      { path: 'Firewall/OnSync', message: 'Rule interface vtnet1 does not exist on Haproxy02', severity: ERROR },
    ]);
  });

  test('pfsync is configured once, on the cluster: the ruleset has no pfsync option, and a bad macro name for it is an error', () => {
    const t = topology({ pfsync: { interfaceName: 'vtnet1' } });
    referenceRuleset(t, { pfsyncInterfaceMacro: 'ext_if' });
    expect(fwFindings(t.app).filter((f) => f.severity === ERROR)).toEqual([
      { path: 'Firewall', message: 'pfsyncInterfaceMacro is the same as externalInterfaceMacro', severity: ERROR },
    ]);
    const u = topology({ pfsync: { interfaceName: 'vtnet1' } });
    referenceRuleset(u, { pfsyncInterfaceMacro: 'sync' });
    expect(fwFindings(u.app).filter((f) => f.severity === ERROR)).toEqual([]);
  });
});

describe('tables', () => {
  test('PASS: a table with addresses of both families', () => {
    const t = topology();
    referenceRuleset(t).addTable('mgmt', { addresses: ['10.0.0.0/8', '2001:db8::1'] });
    expect(fwFindings(t.app)).toEqual([]);
  });

  test('FAIL: an empty table, a bad address and a bad name, each at the table\'s path', () => {
    const t = topology();
    const fw = referenceRuleset(t);
    fw.addTable('empty', { addresses: [] });
    fw.addTable('bad', { addresses: ['10.0.0.1/33'] });
    fw.addTable('9lives', { addresses: ['10.0.0.1'] });
    expect(fwFindings(t.app)).toEqual([
      { path: 'Firewall/9lives', message: 'Table name is not valid', severity: ERROR },
      { path: 'Firewall/bad', message: 'Table address: Prefix prefix length is out of range', severity: ERROR },
      { path: 'Firewall/empty', message: 'Table is empty', severity: ERROR },
    ]);
  });
});

describe('lockout: default block without an SSH pass', () => {
  test('WARN: no sshFrom and no rule for port 22, at the ruleset\'s path (synth still succeeds)', () => {
    const t = topology();
    referenceRuleset(t, { sshFrom: undefined });
    expect(fwFindings(t.app)).toEqual([
      { path: 'Firewall', message: 'The default policy blocks everything inbound and no rule passes SSH (tcp port 22): loading this ruleset locks you out', severity: WARNING },
    ]);
    expect(synth(t.app).warnings.map((w) => w.path)).toContain('Firewall');
  });

  test('PASS: a rule of one\'s own passing tcp to port 22 (by name) is enough', () => {
    const t = topology();
    const fw = referenceRuleset(t, { sshFrom: undefined });
    const mgmt = fw.addTable('mgmt', { addresses: ['10.1.60.0/24'] });
    fw.addRule('Ssh', { action: PfAction.PASS, direction: PfDirection.IN, protocols: [PfProtocol.TCP], from: [PfAddress.table(mgmt)], toPorts: [PfPort.service('ssh')] });
    expect(fwFindings(t.app)).toEqual([]);
  });

  test('PASS: no warning without the default block', () => {
    const t = topology();
    referenceRuleset(t, { sshFrom: undefined, defaultBlockIn: false });
    expect(fwFindings(t.app)).toEqual([]);
  });
});

describe('IPv6 needs ICMPv6 neighbour discovery', () => {
  test('FAIL: allowIcmp6: false on IPv6 hosts is an error naming each host', () => {
    const t = topology();
    referenceRuleset(t, { allowIcmp6: false });
    expect(fwFindings(t.app)).toEqual([
      { path: 'Firewall', message: 'Haproxy01 has IPv6 but no rule passes ICMPv6 neighbour discovery (neighbrsol, neighbradv): IPv6 stops working and a CARP takeover is never announced', severity: ERROR },
      { path: 'Firewall', message: 'Haproxy02 has IPv6 but no rule passes ICMPv6 neighbour discovery (neighbrsol, neighbradv): IPv6 stops working and a CARP takeover is never announced', severity: ERROR },
    ]);
  });

  test('FAIL: icmp6Types without neighbradv', () => {
    const t = topology();
    referenceRuleset(t, { icmp6Types: [Icmp6Type.ECHOREQ, Icmp6Type.NEIGHBRSOL] });
    expect(fwFindings(t.app).map((f) => f.message.slice(0, 60))).toEqual([
      'Haproxy01 has IPv6 but no rule passes ICMPv6 neighbour disco',
      'Haproxy02 has IPv6 but no rule passes ICMPv6 neighbour disco',
    ]);
  });

  test('PASS: allowIcmp6: false with a rule of one\'s own that passes ND in', () => {
    const t = topology();
    const fw = referenceRuleset(t, { allowIcmp6: false });
    fw.addRule('Nd', { action: PfAction.PASS, direction: PfDirection.IN, protocols: [PfProtocol.ICMP6], icmp6Types: [Icmp6Type.NEIGHBRSOL, Icmp6Type.NEIGHBRADV] });
    expect(fwFindings(t.app)).toEqual([]);
    expect(synth(t.app).file('haproxy01.example.net', '/etc/pf.conf')).not.toContain('icmp6_types');
  });
});

describe('other rule checks', () => {
  test('FAIL: state on a block rule, synproxy on a non-TCP rule, quotes in a label', () => {
    const t = topology();
    const fw = referenceRuleset(t);
    fw.addRule('BlockState', { action: PfAction.BLOCK, state: PfState.keep() });
    fw.addRule('Synproxy', { action: PfAction.PASS, protocols: [PfProtocol.UDP], state: PfState.synproxy() });
    fw.addRule('Label', { action: PfAction.PASS, label: 'a"b' });
    expect(fwFindings(t.app)).toEqual([
      { path: 'Firewall/BlockState', message: 'A block rule cannot keep state', severity: ERROR },
      { path: 'Firewall/Label', message: 'Rule label cannot contain quotes, backslashes or control characters', severity: ERROR },
      { path: 'Firewall/Synproxy', message: 'synproxy state needs a TCP-only rule', severity: ERROR },
    ]);
  });

  test('FAIL: two rulesets on the same host both write /etc/pf.conf (reported by the host)', () => {
    const t = topology();
    referenceRuleset(t);
    new PfRuleset(t.app, 'Second', { target: t.h1, externalInterface: 'vnet0', sshFrom: ['10.0.0.0/8'] });
    expect(findings(t.app).filter((f) => f.severity === ERROR)).toEqual([
      { path: 'Haproxy01', message: 'File /etc/pf.conf is added by both Firewall and Second', severity: ERROR },
    ]);
  });
});

describe('pfsync of two clusters', () => {
  test('each cluster that syncs gets its pfsync rule from its own opening, named after it', async () => {
    const { CarpCluster } = await import('../../lib/carp/carp-cluster');
    const { Secret } = await import('../../lib/core/secret');
    const t = topology({ pfsync: { interfaceName: 'vtnet1' } });
    for (const [h, n] of [[t.h1, 1], [t.h2, 2]] as const) h.addInterface('vtnet2', { ipv4: `172.16.1.${n}/30` });
    const other = new CarpCluster(t.app, 'Other', { members: [t.h1, t.h2], interfaceName: 'vtnet2', password: Secret.fromLiteral('verysecurepassword') });
    other.addVip('V', { vhid: 2, ipv4: ['172.16.1.3'] });
    referenceRuleset(t);
    const pf = synth(t.app).pfConf('haproxy01.example.net');
    expect(pf.rulesCommented('pfsync').map((r) => r.comment)).toEqual(['Carp: pfsync state synchronisation']);
    expect(pf.rules.filter((r) => r.protocols.includes('carp')).map((r) => r.comment)).toEqual(['Carp: CARP (vhid 1) must pass in and out', 'Other: CARP (vhid 2) must pass in and out']);
  });
});
