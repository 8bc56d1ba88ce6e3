/**
 * Service names pfctl resolves through FreeBSD's /etc/services (getservbyname), for the ports a
 * firewall commonly names. Source: freebsd/freebsd-src usr.sbin/services_mkdb/services (the file
 * installed as /etc/services on FreeBSD 14). Only tcp/udp entries are kept: pf matches ports only
 * for those protocols.
 *
 * Internal (not exported from lib/index.ts).
 */

/** One service: its port and the transport protocols /etc/services lists it for. */
export interface ServiceEntry {
  readonly name: string;
  readonly port: number;
  readonly tcp: boolean;
  readonly udp: boolean;
}

const B = { tcp: true, udp: true };
const T = { tcp: true, udp: false };
const U = { tcp: false, udp: true };

/** name → entry. Aliases map to the same port (`www` is an alias of `http`). */
const TABLE: Array<[string, number, { tcp: boolean; udp: boolean }, string[]?]> = [
  ['ftp-data', 20, B],
  ['ftp', 21, B],
  ['ssh', 22, B],
  ['telnet', 23, B],
  ['smtp', 25, B, ['mail']],
  ['domain', 53, B],
  ['bootps', 67, B, ['dhcps']],
  ['bootpc', 68, B, ['dhcpc']],
  ['tftp', 69, B],
  ['http', 80, B, ['www', 'www-http']],
  ['kerberos-sec', 88, B, ['kerberos']],
  ['pop3', 110, B],
  ['sunrpc', 111, B, ['rpcbind']],
  ['auth', 113, B, ['ident']],
  ['nntp', 119, B],
  ['ntp', 123, B],
  ['imap', 143, B, ['imap2', 'imap4']],
  ['snmp', 161, B],
  ['snmptrap', 162, B, ['snmp-trap']],
  ['bgp', 179, B],
  ['ldap', 389, B],
  ['https', 443, B],
  ['microsoft-ds', 445, B],
  ['kpasswd', 464, B],
  ['smtps', 465, B],
  ['submissions', 465, T],
  ['isakmp', 500, B],
  ['shell', 514, T, ['cmd']],
  ['syslog', 514, U],
  ['submission', 587, B],
  ['ipp', 631, B],
  ['ldaps', 636, B, ['sldap']],
  ['domain-s', 853, B],
  ['rsync', 873, B],
  ['ftps-data', 989, B],
  ['ftps', 990, B],
  ['imaps', 993, B],
  ['pop3s', 995, B, ['spop3']],
  ['openvpn', 1194, B],
  ['radius', 1812, U],
  ['radacct', 1813, U],
  ['nfsd', 2049, B, ['nfs']],
  ['mysql', 3306, B],
  ['ms-wbt-server', 3389, B],
  ['ipsec-nat-t', 4500, B],
  ['sieve', 4190, B],
  ['mdns', 5353, B],
  ['postgresql', 5432, B],
  ['amqp', 5672, B],
  ['vnc-server', 5900, B],
  ['http-alt', 8080, B],
  ['git', 9418, B],
  ['zabbix-agent', 10050, B],
];

const BY_NAME = new Map<string, ServiceEntry>();
for (const [name, port, p, aliases] of TABLE) {
  for (const n of [name, ...(aliases ?? [])]) {
    const prev = BY_NAME.get(n);
    // A name listed twice (smtps tcp/udp + submissions tcp) merges its protocols.
    BY_NAME.set(n, { name: n, port, tcp: p.tcp || (prev?.tcp ?? false), udp: p.udp || (prev?.udp ?? false) });
  }
}

/**
 * The entry of a service name, or undefined when FreeBSD's /etc/services (in the subset kept
 * here) does not list it.
 */
export function lookupService(name: string): ServiceEntry | undefined {
  if (typeof name !== 'string') return undefined;
  return BY_NAME.get(name);
}

/** Every known service name (aliases included), sorted. */
export function serviceNames(): string[] {
  return [...BY_NAME.keys()].sort();
}

/** Text listing some known names, for error messages. */
export const SERVICE_ALLOWED = 'a port number 1–65535, or a service name of FreeBSD\'s /etc/services such as ssh, http, https, domain, ntp, smtp, submission, imaps, ldaps, postgresql';
