// The bad-input catalogue: named cases across every construct. Each case changes the valid full
// fixture in one way (an injected prop value, or one more call) and states the construct path and
// the exact message of the error it must produce. Cases marked BUG-n found a bug (the bad input got
// through, or failed with another error); see /work/notes/robustness-bugs.md.
import { Duration, FreeBsdHost, Secret } from '../../lib/index';
import { AnsibleDeployment } from '../../lib/deploy/ansible';
import { Certificate } from '../../lib/haproxy/certificate';
import { HealthCheck } from '../../lib/haproxy/health-check';
import { Haproxy } from '../../lib/haproxy/haproxy';
import { PfRuleset } from '../../lib/pf/pf-ruleset';
import { PfAction, PfDirection, PfProtocol } from '../../lib/pf/types';
import { PfAddress, PfPort } from '../../lib/pf/values';
import { Full } from './fixtures';

export interface CatalogueCase {
  readonly name: string;
  /** Injected values of the full fixture's sites. */
  readonly inject?: Record<string, string>;
  /** A change made after building the fixture. */
  readonly mutate?: (f: Full) => void;
  /** The construct path the error must carry. */
  readonly path: string;
  /** The exact message (a pattern only where the wording is not settled). */
  readonly message: string | RegExp;
  /** The bug this case found (named in the test title). */
  readonly bug?: string;
}

const H1 = 'Haproxy01';
const IF1 = 'Haproxy01/vnet0';

function secondHaproxy(f: Full, props: Record<string, unknown>): Haproxy {
  return new Haproxy(f.app, 'Other', { target: f.h1, configPath: '/usr/local/etc/haproxy-other.conf', ...props });
}

export const CASES: CatalogueCase[] = [
  // ── Addresses and prefixes ─────────────────────────────────────────────────────────────
  { name: 'interface IPv4 address without a prefix length', inject: { 'host1.ipv4': '10.1.60.201' }, path: IF1, message: 'IPv4 address: Interface address needs a prefix length after "/"' },
  { name: 'interface IPv4 prefix length over 32', inject: { 'host1.ipv4': '10.1.60.201/33' }, path: IF1, message: 'IPv4 address: Interface address prefix length is out of range' },
  { name: 'interface IPv4 address with an octet over 255', inject: { 'host1.ipv4': '10.1.60.301/24' }, path: IF1, message: 'IPv4 address: Interface address has no valid address before "/"' },
  { name: 'interface ipv4 given an IPv6 address', inject: { 'host1.ipv4': 'fd5e:d1c2:c9de:60::201/64' }, path: IF1, message: 'ipv4 holds an IPv6 address' },
  { name: 'interface ipv6 given an IPv4 address', inject: { 'host1.ipv6': '10.1.60.9/24' }, path: IF1, message: 'ipv6 holds an IPv4 address' },
  { name: 'interface IPv6 address with a zone index', inject: { 'host1.ipv6': 'fe80::1%vnet0/64' }, path: IF1, message: 'IPv6 address: Interface address has no valid address before "/"' },
  { name: 'interface IPv6 address listed twice', mutate: (f) => f.h1.addInterface('em0', { ipv6: ['fd01::1/64', 'fd01:0::1/64'] }), path: 'Haproxy01/em0', message: 'IPv6 address is listed twice' },
  { name: 'defaultRouter is not an address', inject: { 'host1.defaultRouter': '10.1.60' }, path: H1, message: 'defaultRouter: Not an IP address' },
  { name: 'defaultRouter is an IPv6 address', inject: { 'host1.defaultRouter': 'fd5e:d1c2:c9de:60::1' }, path: H1, message: 'defaultRouter must be an IPv4 address' },
  { name: 'defaultRouter is not on-link', inject: { 'host1.defaultRouter': '10.1.61.1' }, path: H1, message: 'defaultRouter is not on-link: no interface has an IPv4 prefix containing it' },
  { name: 'ipv6DefaultRouter is not on-link', inject: { 'host1.ipv6DefaultRouter': 'fd5e:d1c2:c9de:61::1' }, path: H1, message: 'ipv6DefaultRouter is not on-link: no interface has an IPv6 prefix containing it' },
  { name: 'managementAddress is neither an address nor a hostname', inject: { 'host1.managementAddress': '10.1.60.201;id' }, path: H1, message: 'managementAddress is neither an IP address nor a hostname' },
  { name: 'VIP outside every prefix of the members', inject: { 'vip.ipv4': '10.1.61.200/32' }, path: 'Carp', message: 'VIP 10.1.61.200 (Carp/Vip) lies in no prefix that members haproxy01.example.net and haproxy02.example.net have on vnet0' },
  { name: 'VIP is a link-local address', inject: { 'vip.ipv6': 'fe80::200' }, path: 'Carp/Vip', message: 'A VIP cannot be a link-local address' },
  { name: 'VIP is the own address of a member', inject: { 'vip.ipv4': '10.1.60.202' }, path: 'Carp', message: 'VIP 10.1.60.202 (Carp/Vip) is the own address of member haproxy02.example.net' },
  { name: 'VIP ipv4 given an IPv6 address', inject: { 'vip.ipv4': 'fd5e:d1c2:c9de:60::250' }, path: 'Carp/Vip', message: 'ipv4 holds an address of the other family' },
  { name: 'VIP without any address', mutate: (f) => f.cluster.addVip('Empty', { vhid: 9 }), path: 'Carp/Empty', message: 'VIP has no address' },
  { name: 'sshFrom prefix with host bits set', inject: { 'pf.sshFrom': '10.1.0.1/16' }, path: 'Firewall', message: 'sshFrom: Prefix has host bits set; did you mean "10.1.0.0/16"?' },
  { name: 'table entry is not a prefix', inject: { 'table.address': '192.0.2.0/40' }, path: 'Firewall/monitoring', message: 'Table address: Prefix prefix length is out of range' },
  { name: 'table entry listed twice', inject: { 'table.address': '2001:db8:0::/32' }, path: 'Firewall/monitoring', message: 'Table address is listed twice' },
  { name: 'rule source prefix does not parse', inject: { 'rule.from': '198.51.100.0/24/8' }, path: 'Firewall/Monitoring', message: 'Rule from: Address Prefix has no valid prefix length after "/"' },
  { name: 'frontend bind address does not parse', inject: { 'frontend.address': '192.168.77.250:80' }, path: 'Proxy/Web', message: 'Bind address: Not an IP address' },
  { name: 'server address is a hostname', inject: { 'server.address': 'app1.internal.example.net' }, path: 'Proxy/App', message: 'Server app1 address: Not an IP address' },

  // ── vhid, advskew, advbase ─────────────────────────────────────────────────────────────
  { name: 'vhid 0', mutate: (f) => f.cluster.addVip('V0', { vhid: 0, ipv4: ['10.1.60.210'] }), path: 'Carp/V0', message: 'vhid must be an integer from 1 to 255' },
  { name: 'vhid 256', mutate: (f) => f.cluster.addVip('V256', { vhid: 256, ipv4: ['10.1.60.210'] }), path: 'Carp/V256', message: 'vhid must be an integer from 1 to 255' },
  { name: 'vhid not an integer', mutate: (f) => f.cluster.addVip('Vfrac', { vhid: 1.5, ipv4: ['10.1.60.210'] }), path: 'Carp/Vfrac', message: 'vhid must be an integer from 1 to 255' },
  { name: 'vhid used twice in a cluster', mutate: (f) => f.cluster.addVip('Again', { vhid: 1, ipv4: ['10.1.60.210'] }), path: 'Carp', message: 'vhid 1 is used by both Carp/Vip and Carp/Again on vnet0' },
  { name: 'advskew over 240', mutate: (f) => new (f.cluster.constructor as any)(f.app, 'Skew', { members: [f.h1, f.h2], interfaceName: 'vnet1', password: Secret.fromLiteral('abcdefghijkl'), advskews: [0, 241] }), path: 'Skew', message: 'advskew of member 1 must be an integer from 0 to 240' },
  { name: 'advskews not distinct', mutate: (f) => new (f.cluster.constructor as any)(f.app, 'Skew', { members: [f.h1, f.h2], interfaceName: 'vnet1', password: Secret.fromLiteral('abcdefghijkl'), advskews: [50, 50] }), path: 'Skew', message: 'advskews must be distinct: members with equal advskew tie in the election' },
  { name: 'advskews not ascending in member order', mutate: (f) => new (f.cluster.constructor as any)(f.app, 'Skew', { members: [f.h1, f.h2], interfaceName: 'vnet1', password: Secret.fromLiteral('abcdefghijkl'), advskews: [100, 0] }), path: 'Skew', message: 'advskews must increase in member order (the first member is the preferred master)' },
  { name: 'advskews of the wrong length', mutate: (f) => new (f.cluster.constructor as any)(f.app, 'Skew', { members: [f.h1, f.h2], interfaceName: 'vnet1', password: Secret.fromLiteral('abcdefghijkl'), advskews: [0] }), path: 'Skew', message: 'advskews must give one value per member' },
  { name: 'backup advskew 240 never takes over', mutate: (f) => new (f.cluster.constructor as any)(f.app, 'Skew', { members: [f.h1, f.h2], interfaceName: 'vnet1', password: Secret.fromLiteral('abcdefghijkl'), advskews: [0, 240] }), path: 'Skew', message: 'Backup haproxy02.example.net has advskew 240: a demoted master saturates at 240 and ties with it, so the VIPs never move' },
  { name: 'advbase 0', mutate: (f) => new (f.cluster.constructor as any)(f.app, 'Base', { members: [f.h1, f.h2], interfaceName: 'vnet1', password: Secret.fromLiteral('abcdefghijkl'), advbase: 0 }), path: 'Base', message: 'advbase must be an integer from 1 to 255' },
  { name: 'advbase 256', mutate: (f) => new (f.cluster.constructor as any)(f.app, 'Base', { members: [f.h1, f.h2], interfaceName: 'vnet1', password: Secret.fromLiteral('abcdefghijkl'), advbase: 256 }), path: 'Base', message: 'advbase must be an integer from 1 to 255' },
  { name: 'cluster without members', mutate: (f) => new (f.cluster.constructor as any)(f.app, 'Nobody', { members: [], interfaceName: 'vnet1', password: Secret.fromLiteral('abcdefghijkl') }), path: 'Nobody', message: 'A CARP cluster needs member hosts' },
  { name: 'a host listed twice among the members', mutate: (f) => new (f.cluster.constructor as any)(f.app, 'Twice', { members: [f.h1, f.h1], interfaceName: 'vnet1', password: Secret.fromLiteral('abcdefghijkl') }), path: 'Twice', message: 'A host is listed twice among the members' },

  // ── Passwords and secrets ──────────────────────────────────────────────────────────────
  { name: 'CARP password with a hyphen', inject: { 'cluster.password': 'very-secure-pass' }, path: 'Carp', message: "CARP password is rejected: it contains a hyphen: FreeBSD's rc.d (network.subr, ifalias_af_common_handler) treats an alias value matching 'inet *[0-9a-fA-F]-*' as an address range and recurses on it without end, so the CARP aliases are never configured at boot" },
  { name: 'CARP password empty', inject: { 'cluster.password': '' }, path: 'Carp', message: 'CARP password is rejected: it is empty' },
  { name: 'CARP password with a space', inject: { 'cluster.password': 'two words here' }, path: 'Carp', message: 'CARP password is rejected: it contains whitespace or a control character: rc.d splits the alias value into words' },
  { name: 'CARP password with a shell metacharacter', inject: { 'cluster.password': 'pa$$word12' }, path: 'Carp', message: 'CARP password is rejected: it contains a shell metacharacter: rc.d passes the alias value through eval' },
  { name: 'CARP password is an ifconfig keyword', inject: { 'cluster.password': 'inet6' }, path: 'Carp', message: 'CARP password is rejected: it is one of the words inet, inet6, link, ether, which rc.d reads as the start of a new address' },
  { name: 'CARP password from an unset environment variable', mutate: (f) => { (f.cluster as any).password = Secret.fromEnv('CDKBSD_CATALOGUE_UNSET'); }, path: 'Carp', message: 'CARP password cannot be read: environment variable CDKBSD_CATALOGUE_UNSET is not set or empty' },
  { name: 'CARP password from a missing file', mutate: (f) => { (f.cluster as any).password = Secret.fromFile('/nonexistent/carp.pass'); }, path: 'Carp', message: 'CARP password cannot be read: secret file /nonexistent/carp.pass cannot be read (ENOENT)' },
  { name: 'CARP password that is not a Secret', mutate: (f) => new (f.cluster.constructor as any)(f.app, 'Plain', { members: [f.h1, f.h2], interfaceName: 'vnet1', password: 'plaintext' }), path: 'Plain', message: 'password must be a Secret, not a string' },
  { name: 'stats password from an unset environment variable', mutate: (f) => secondHaproxy(f, {}).addStatsPage({ user: 'admin', password: Secret.fromEnv('CDKBSD_CATALOGUE_UNSET'), port: 8405 }), path: 'Other', message: 'Stats password: environment variable CDKBSD_CATALOGUE_UNSET is not set or empty' },
  { name: 'stats password with a newline', inject: { 'stats.password': 'line1\nline2' }, path: 'Proxy', message: 'Stats password contains a control character' },
  { name: 'stats user with a colon', inject: { 'stats.user': 'ad:min' }, path: 'Proxy', message: 'Stats user name is not valid' },

  // ── Hostnames and releases ─────────────────────────────────────────────────────────────
  { name: 'hostname not fully qualified', inject: { 'host1.hostname': 'haproxy01' }, path: H1, message: 'hostname is not fully qualified (it needs a domain: host.example.net)' },
  { name: 'hostname label with an underscore', inject: { 'host1.hostname': 'ha_proxy01.example.net' }, path: H1, message: 'hostname label "ha_proxy01" is not valid' },
  { name: 'hostname ending in a numeric label', inject: { 'host1.hostname': 'haproxy01.example.123' }, path: H1, message: 'hostname ends in a numeric label' },
  { name: 'hostname used by two hosts (case-insensitive)', inject: { 'host2.hostname': 'HAPROXY01.example.net' }, path: 'Haproxy02', message: 'Hostname is also used by Haproxy01' },
  { name: 'release not of the form 14.3', inject: { 'host1.release': '14' }, path: H1, message: 'FreeBSD release is not valid' },

  // ── Interface names ────────────────────────────────────────────────────────────────────
  { name: 'interface name longer than 15 characters', mutate: (f) => f.h1.addInterface('vtnet0123456789x'), path: 'Haproxy01/vtnet0123456789x', message: 'Interface name is not valid' },
  { name: 'interface added twice', mutate: (f) => { f.h1.addInterface('em1'); f.h1.addInterface('em1'); }, path: H1, message: 'Interface is added twice', bug: 'BUG-10' },
  { name: 'CARP interface missing on a member', inject: { 'cluster.interfaceName': 'vnet9' }, path: 'Carp', message: 'Member Haproxy01 has no interface vnet9' },
  { name: 'PF external interface missing on a host', inject: { 'pf.externalInterface': 'em0' }, path: 'Firewall', message: 'externalInterface em0 does not exist on Haproxy01' },
  { name: 'PF skip interface with a space', inject: { 'pf.skip': 'lo0 em0' }, path: 'Firewall', message: 'skipInterfaces holds an invalid interface name' },
  { name: 'PF rule interface missing on a host', inject: { 'rule.interface': 'vnet7' }, path: 'Firewall/Monitoring', message: 'Rule interface vnet7 does not exist on Haproxy01' },
  { name: 'pfsync on an interface name that is not valid', inject: { 'cluster.pfsyncInterface': '1vnet' }, path: 'Carp', message: 'pfsync.interfaceName is not valid' },

  // ── Ports ──────────────────────────────────────────────────────────────────────────────
  { name: 'server port 0', mutate: (f) => f.be.addServer('zero', { address: '10.1.70.12', port: 0 }), path: 'Proxy/App', message: 'Server zero port must be an integer from 1 to 65535' },
  { name: 'server port 65536', mutate: (f) => f.be.addServer('big', { address: '10.1.70.12', port: 65536 }), path: 'Proxy/App', message: 'Server big port must be an integer from 1 to 65535' },
  { name: 'frontend httpsPort 0', mutate: (f) => f.hp.addFrontend('Zero', { addresses: ['192.168.77.251'], httpsPort: 0, certificates: [Certificate.fromFile('/usr/local/etc/ssl/a.pem')], defaultBackend: f.be }), path: 'Proxy/Zero', message: 'httpsPort must be an integer from 1 to 65535' },
  { name: 'frontend httpPort equal to httpsPort', mutate: (f) => f.hp.addFrontend('Same', { addresses: ['192.168.77.251'], httpPort: 443, certificates: [Certificate.fromFile('/usr/local/etc/ssl/a.pem')], defaultBackend: f.be }), path: 'Proxy/Same', message: 'httpPort and httpsPort are the same' },
  { name: 'two frontends bind the same address and port', mutate: (f) => f.hp.addFrontend('Dup', { addresses: ['192.168.77.250'], defaultBackend: f.be }), path: 'Proxy/Dup', message: 'Frontend binds 192.168.77.250:80, which Proxy/Web binds already' },
  { name: 'stats port 65536', mutate: (f) => secondHaproxy(f, {}).addStatsPage({ user: 'admin', password: Secret.fromLiteral('x12345678'), port: 65536 }), path: 'Other', message: 'Stats port must be an integer from 1 to 65535' },
  { name: 'peers port 0', mutate: (f) => secondHaproxy(f, {}).enablePeers({ port: 0 }), path: 'Other', message: 'Peers port must be an integer from 1 to 65535' },
  { name: 'PF sshPort 0', mutate: (f) => new PfRuleset(f.app, 'Pf0', { target: f.h1, externalInterface: 'vnet0', sshPort: 0 }), path: 'Pf0', message: 'sshPort must be an integer from 1 to 65535' },
  { name: 'PF port number 0', mutate: (f) => f.pf.addRule('Port0', { action: PfAction.PASS, protocols: [PfProtocol.TCP], toPorts: [PfPort.number(0)] }), path: 'Firewall/Port0', message: 'Rule toPorts: Port must be an integer from 1 to 65535' },
  { name: 'PF port range that ends before it starts', mutate: (f) => f.pf.addRule('Range', { action: PfAction.PASS, protocols: [PfProtocol.UDP], toPorts: [PfPort.range(2000, 1000)] }), path: 'Firewall/Range', message: 'Rule toPorts: Port range starts after it ends' },
  { name: 'PF service name unknown to /etc/services', inject: { 'rule.service': 'httpz' }, path: 'Firewall/Monitoring', message: "Rule toPorts: Port service name is not in FreeBSD's /etc/services" },
  { name: 'PF ports on a rule that is not TCP or UDP', mutate: (f) => f.pf.addRule('IcmpPort', { action: PfAction.PASS, protocols: [PfProtocol.ICMP], toPorts: [PfPort.number(22)] }), path: 'Firewall/IcmpPort', message: 'Rule toPorts need a TCP or UDP rule: pf matches ports only for tcp and udp' },

  // ── Names of frontends, backends, servers, tables; domains ─────────────────────────────
  { name: 'backend name with a space', inject: { 'backend.name': 'be app' }, path: 'Proxy/App', message: 'Backend name is not a valid HAProxy identifier' },
  { name: 'frontend name with a quote', inject: { 'frontend.name': "fe'web" }, path: 'Proxy/Web', message: 'Frontend name is not a valid HAProxy identifier' },
  { name: 'frontend and backend with the same name', inject: { 'backend.name': 'fe_web' }, path: 'Proxy', message: 'Proxy name fe_web is used by both Proxy/Web and Proxy/App' },
  { name: 'server name used twice in a backend', mutate: (f) => f.be.addServer('app1', { address: '10.1.70.12', port: 8443 }), path: 'Proxy/App', message: 'Server name is used twice in this backend' },
  { name: 'backend used by no frontend', mutate: (f) => f.hp.addBackend('Orphan').addServer('s', { address: '10.1.70.13', port: 80 }), path: 'Proxy/Orphan', message: 'Backend is not used by any frontend' },
  { name: 'backend without servers', mutate: (f) => f.fe.addRoute({ domains: ['empty.example.net'], backend: f.hp.addBackend('Empty') }), path: 'Proxy/Empty', message: 'Backend has no servers' },
  { name: 'table name starting with a digit', inject: { 'table.id': '1monitoring' }, path: 'Firewall/1monitoring', message: 'Table name is not valid' },
  { name: 'table name longer than 31 characters', inject: { 'table.id': 'm'.repeat(32) }, path: `Firewall/${'m'.repeat(32)}`, message: 'Table name is not valid' },
  { name: 'route domain with an empty label', inject: { 'route.domain': 'app..example.net' }, path: 'Proxy/Web', message: 'Route domain is not valid' },
  { name: 'domain routed twice', mutate: (f) => f.fe.addRoute({ domains: ['APP.example.net'], backend: f.be }), path: 'Proxy/Web', message: 'Domain is routed twice (to Proxy/App and Proxy/App)' },
  { name: 'PF macro name that is a pf keyword', inject: { 'pf.macro': 'proto' }, path: 'Firewall', message: 'externalInterfaceMacro is not a valid macro name' },
  { name: 'PF rule label with a double quote', inject: { 'rule.label': 'say "hi"' }, path: 'Firewall/Monitoring', message: 'Rule label cannot contain quotes, backslashes or control characters' },
  { name: 'PF rule label longer than pf keeps (63 characters)', inject: { 'rule.label': 'l'.repeat(64) }, path: 'Firewall/Monitoring', message: 'Rule label is longer than pfctl allows (63 bytes)', bug: 'BUG-6' },

  // ── Certificate and other paths ────────────────────────────────────────────────────────
  { name: 'certificate path not absolute', inject: { 'cert.file': 'ssl/example.net.pem' }, path: 'Proxy/Web', message: 'Certificate path must be absolute' },
  { name: 'certificate path with a blank', inject: { 'cert.file': '/usr/local/etc/ssl/my cert.pem' }, path: 'Proxy/Web', message: 'Certificate path must not contain blanks, quotes, #, $ or \\' },
  { name: 'certificate path with ..', inject: { 'cert.file': '/usr/local/etc/../ssl/a.pem' }, path: 'Proxy/Web', message: 'Certificate path must not contain . or .. segments' },
  { name: 'certificate file path ending in /', inject: { 'cert.file': '/usr/local/etc/ssl/' }, path: 'Proxy/Web', message: 'Certificate file path ends with "/" (use Certificate.fromDirectory for a directory)' },
  { name: 'certificate path with a NUL byte', inject: { 'cert.file': '/usr/local/etc/ssl/a\0.pem' }, path: 'Proxy/Web', message: 'Certificate path must not contain control characters', bug: 'BUG-3' },
  { name: 'server CA file not absolute', inject: { 'server.caFile': 'internal-ca.pem' }, path: 'Proxy/App', message: 'Server app1 caFile must be an absolute path' },
  { name: 'HAProxy chroot not absolute', inject: { 'haproxy.chroot': 'var/haproxy' }, path: 'Proxy', message: 'chroot must be an absolute path (or empty for none)' },
  { name: 'health check path without a leading slash', inject: { 'healthCheck.path': 'healthz' }, path: 'Proxy/App', message: 'Health check path must be an absolute URL path' },
  { name: 'user file path with ..', inject: { 'file.path': '/usr/local/etc/../motd.txt' }, path: H1, message: 'File path must not contain . or .. segments (added by Haproxy01)' },
  { name: 'user file path not absolute', inject: { 'file.path': 'motd.txt' }, path: H1, message: 'File path must be absolute and plain (added by Haproxy01)' },
  { name: 'a file inside a path that is itself a file', mutate: (f) => f.h1.addFile('/usr/local/etc/motd.txt/inner', 'x'), path: H1, message: 'File /usr/local/etc/motd.txt/inner (added by Haproxy01) lies inside /usr/local/etc/motd.txt, which is a file added by Haproxy01', bug: 'BUG-7' },

  // ── Durations ──────────────────────────────────────────────────────────────────────────
  { name: 'health check interval under 100ms', mutate: (f) => f.fe.addRoute({ domains: ['fast.example.net'], backend: withServer(f.hp.addBackend('Fast', { healthCheck: HealthCheck.tcp({ interval: Duration.millis(50) }) })) }), path: 'Proxy/Fast', message: 'Health check interval is too short' },
  { name: 'health check rise 0', mutate: (f) => f.fe.addRoute({ domains: ['rise.example.net'], backend: withServer(f.hp.addBackend('Rise', { healthCheck: HealthCheck.tcp({ rise: 0 }) })) }), path: 'Proxy/Rise', message: 'Health check rise must be an integer from 1 to 1000' },
  { name: 'HAProxy timeout beyond HAProxy\'s 24.8-day limit', mutate: (f) => secondHaproxy(f, { timeouts: { client: Duration.days(30) } }).addFrontend('F', { addresses: ['192.168.77.1'], httpPort: 8080, defaultBackend: withServer(((f.app.node.findChild('Other') as Haproxy)).addBackend('B')) }), path: 'Other', message: "timeouts.client exceeds HAProxy's timer limit", bug: 'BUG-8' },
  { name: 'health check interval beyond HAProxy\'s 24.8-day limit', mutate: (f) => f.fe.addRoute({ domains: ['slow.example.net'], backend: withServer(f.hp.addBackend('Slow', { healthCheck: HealthCheck.tcp({ interval: Duration.days(30) }) })) }), path: 'Proxy/Slow', message: "Health check interval exceeds HAProxy's timer limit", bug: 'BUG-8' },
  { name: 'deploy failover timeout under 2 seconds', mutate: (f) => new AnsibleDeployment(f.app, 'Deploy2', { failoverTimeout: Duration.seconds(1) }), path: 'Deploy2', message: 'failoverTimeout must be at least 2 seconds' },

  // ── Duplicate or conflicting settings ──────────────────────────────────────────────────
  { name: 'rc.conf hostname set to another value by the user', mutate: (f) => f.h1.rcConf.set('hostname', 'other.example.net'), path: H1, message: 'rc.conf key hostname is set to different values by Haproxy01 (rcConf.set) and Haproxy01 (derived from its props)', bug: 'BUG-11' },
  { name: 'sysctl net.inet.carp.preempt set against the cluster', mutate: (f) => f.h1.sysctlConf.set('net.inet.carp.preempt', '0'), path: H1, message: 'sysctl.conf key net.inet.carp.preempt is set to different values by Haproxy01 and Carp' },
  { name: 'rc.conf alias line of a VIP set by hand (the secret is not shown)', mutate: (f) => f.h1.rcConf.set('ifconfig_vnet0_alias0', 'inet 10.1.60.99/32'), path: H1, message: 'rc.conf key ifconfig_vnet0_alias0 is set to different values by Haproxy01 and Carp/Vip' },
  { name: 'user file at /etc/rc.conf', mutate: (f) => f.h1.addFile('/etc/rc.conf', 'x=1'), path: H1, message: "File /etc/rc.conf is generated from the host's rc.conf settings; set keys instead (added by Haproxy01)" },
  { name: 'two PF rulesets on one host', mutate: (f) => new PfRuleset(f.app, 'Second', { target: f.h1, externalInterface: 'vnet0', sshFrom: ['10.0.0.0/8'] }), path: H1, message: 'File /etc/pf.conf is added by both Firewall and Second' },
  { name: 'second HAProxy writing the same config path', mutate: (f) => new Haproxy(f.app, 'Twin', { target: f.h2 }), path: 'Haproxy02', message: 'File /usr/local/etc/haproxy.conf is added by both Proxy and Twin' },
  { name: 'rc.conf key that is not a shell variable name', inject: { 'rc.key': '1cdkbsd' }, path: H1, message: 'rc.conf key is not valid (set by Haproxy01)' },
  { name: 'rc.conf value with a newline', inject: { 'rc.value': 'a\nb' }, path: H1, message: 'rc.conf value of cdkbsd_note: value contains a control character (newline, NUL, …) (set by Haproxy01)' },
  { name: 'rc.conf value that is not a string', mutate: (f) => f.h1.rcConf.set('cdkbsd_count', 5 as any), path: H1, message: 'rc.conf value of cdkbsd_count must be a string (set by Haproxy01)', bug: 'BUG-9' },
  { name: 'sysctl value with a space', inject: { 'sysctl.value': '1024 2048' }, path: H1, message: 'sysctl.conf value of kern.ipc.somaxconn: sysctl value cannot be read back intact by rc.d/sysctl (set by Haproxy01)' },
  { name: 'loader.conf value with a double quote', inject: { 'loader.value': '65536"' }, path: H1, message: 'loader.conf value of kern.maxfiles: loader.conf value cannot contain " \\ or $ (the loader expands $NAME) (set by Haproxy01)' },
  { name: 'loader.conf value with $ (expanded by the loader)', inject: { 'loader.value': '${kern.maxusers}' }, path: H1, message: 'loader.conf value of kern.maxfiles: loader.conf value cannot contain " \\ or $ (the loader expands $NAME) (set by Haproxy01)', bug: 'BUG-5' },
  { name: 'user file mode over 0o7777', mutate: (f) => f.h1.addFile('/usr/local/etc/mode.txt', 'x', { mode: 0o10000 }), path: H1, message: 'File mode of /usr/local/etc/mode.txt is not valid' },
  { name: 'frontend binding a VIP of another cluster', mutate: (f) => { const h3 = new FreeBsdHost(f.app, 'Haproxy03', { hostname: 'haproxy03.example.net' }); h3.addInterface('vnet1', { ipv4: '192.168.77.3/24' }); const c2 = new (f.cluster.constructor as any)(f.app, 'Carp2', { members: [h3], interfaceName: 'vnet1', password: Secret.fromLiteral('abcdefghijkl') }); const v2 = c2.addVip('V', { vhid: 2, ipv4: ['192.168.77.100'] }); const other = new Haproxy(f.app, 'Solo', { target: f.h1, configPath: '/usr/local/etc/solo.conf' }); other.addFrontend('F', { vips: [v2], httpPort: 8081, defaultBackend: withServer(other.addBackend('B')) }); }, path: 'Solo/F', message: 'Frontend binds VIP Carp2/V of another cluster (Carp2)' },
  { name: 'stats page added twice', mutate: (f) => f.hp.addStatsPage({ user: 'admin', password: Secret.fromLiteral('abcdefghij') }), path: 'Proxy', message: 'The stats page is added twice' },
  { name: 'deploy demotion 0', mutate: (f) => new AnsibleDeployment(f.app, 'Deploy3', { demotion: 0 }), path: 'Deploy3', message: 'demotion must be an integer from 1 to 240 (the kernel caps the advertised skew at 240)' },
  { name: 'deploy remote user with a space', inject: { 'deploy.remoteUser': 'ad min' }, path: 'Deploy', message: 'remoteUser is not a valid user name' },
];

function withServer<T extends { addServer(n: string, p: { address: string; port: number }): void }>(b: T): T {
  b.addServer('s1', { address: '10.1.70.20', port: 80 });
  return b;
}

/** Keeps an import used only in some cases' types. */
export const _keep = [PfAddress, PfDirection];
