/**
 * Enums of the PF vocabulary: actions, directions, protocols, block policy, and the ICMP and
 * ICMPv6 type names pfctl knows (pfctl_parser.c `icmp_type[]` / `icmp6_type[]`).
 */

/** What a rule does with a matching packet. */
export enum PfAction {
  /** `pass`: let it through (and keep state, by default). */
  PASS = 'pass',
  /** `block`: drop it (or return, with `set block-policy return`). */
  BLOCK = 'block',
}

/** The direction a rule matches. */
export enum PfDirection {
  /** `in`: packets arriving on an interface. */
  IN = 'in',
  /** `out`: packets leaving through an interface. */
  OUT = 'out',
}

/** IP protocols a rule can name (from FreeBSD's /etc/protocols). */
export enum PfProtocol {
  /** TCP (6). */
  TCP = 'tcp',
  /** UDP (17). */
  UDP = 'udp',
  /** ICMP for IPv4 (1). */
  ICMP = 'icmp',
  /** ICMP for IPv6 (58). */
  ICMP6 = 'icmp6',
  /** CARP (112). */
  CARP = 'carp',
  /** pfsync (240). */
  PFSYNC = 'pfsync',
  /** IPsec ESP (50). */
  ESP = 'esp',
  /** IPsec AH (51). */
  AH = 'ah',
  /** GRE (47). */
  GRE = 'gre',
}

/** What a block rule does with the packet (`set block-policy`). */
export enum PfBlockPolicy {
  /** Drop silently. */
  DROP = 'drop',
  /** Answer with a TCP RST or an ICMP unreachable. */
  RETURN = 'return',
}

/** Where a rule's states are bound: `if-bound` or `floating` (`set state-policy`). */
export enum PfStatePolicy {
  /** `if-bound`: a state matches only on the interface it was created on. */
  IF_BOUND = 'if-bound',
  /** `floating`: a state matches on any interface (pf's default). */
  FLOATING = 'floating',
}

/** How a rule tracks sources (`source-track rule` / `source-track global`). */
export enum PfSourceTrack {
  /** `source-track rule`: the limits count the states this rule created. */
  RULE = 'rule',
  /** `source-track global`: the limits count the states of every rule that tracks globally. */
  GLOBAL = 'global',
}

/** What happens to a source's states when it is put into an overload table. */
export enum PfOverloadFlush {
  /** Nothing is killed: its existing connections go on, only new ones meet the rules. */
  NONE = 'none',
  /** `flush`: the states this rule created for the source are killed. */
  RULE = 'rule',
  /** `flush global`: every state of the source is killed, whichever rule created it. */
  GLOBAL = 'global',
}

/** ICMP (IPv4) type names of pf.conf's `icmp-type`. */
export enum IcmpType {
  /** Echo reply. */
  ECHOREP = 'echorep',
  /** Destination unreachable (carries "fragmentation needed", path MTU discovery). */
  UNREACH = 'unreach',
  /** Source quench (deprecated by RFC 6633). */
  SQUENCH = 'squench',
  /** Redirect. */
  REDIR = 'redir',
  /** Alternate host address. */
  ALTHOST = 'althost',
  /** Echo request (ping). */
  ECHOREQ = 'echoreq',
  /** Router advertisement. */
  ROUTERADV = 'routeradv',
  /** Router solicitation. */
  ROUTERSOL = 'routersol',
  /** Time exceeded (traceroute). */
  TIMEX = 'timex',
  /** Parameter problem. */
  PARAMPROB = 'paramprob',
  /** Timestamp request. */
  TIMEREQ = 'timereq',
  /** Timestamp reply. */
  TIMEREP = 'timerep',
  /** Information request. */
  INFOREQ = 'inforeq',
  /** Information reply. */
  INFOREP = 'inforep',
  /** Address mask request. */
  MASKREQ = 'maskreq',
  /** Address mask reply. */
  MASKREP = 'maskrep',
  /** Traceroute. */
  TRACE = 'trace',
  /** Datagram conversion error. */
  DATACONV = 'dataconv',
  /** Mobile host redirect. */
  MOBREDIR = 'mobredir',
  /** IPv6 where-are-you. */
  IPV6_WHERE = 'ipv6-where',
  /** IPv6 I-am-here. */
  IPV6_HERE = 'ipv6-here',
  /** Mobile registration request. */
  MOBREGREQ = 'mobregreq',
  /** Mobile registration reply. */
  MOBREGREP = 'mobregrep',
  /** SKIP. */
  SKIP = 'skip',
  /** Photuris. */
  PHOTURIS = 'photuris',
}

/** ICMPv6 type names of pf.conf's `icmp6-type`. */
export enum Icmp6Type {
  /** Destination unreachable. */
  UNREACH = 'unreach',
  /** Packet too big (path MTU discovery: IPv6 routers never fragment). */
  TOOBIG = 'toobig',
  /** Time exceeded. */
  TIMEX = 'timex',
  /** Parameter problem. */
  PARAMPROB = 'paramprob',
  /** Echo request (ping6). */
  ECHOREQ = 'echoreq',
  /** Echo reply. */
  ECHOREP = 'echorep',
  /** Multicast listener query. */
  GROUPQRY = 'groupqry',
  /** Multicast listener query (alias). */
  LISTQRY = 'listqry',
  /** Multicast listener report. */
  GROUPREP = 'grouprep',
  /** Multicast listener report (alias). */
  LISTENREP = 'listenrep',
  /** Multicast listener done. */
  GROUPTERM = 'groupterm',
  /** Multicast listener done (alias). */
  LISTENDONE = 'listendone',
  /** Router solicitation (SLAAC, router discovery). */
  ROUTERSOL = 'routersol',
  /** Router advertisement (SLAAC, router discovery). */
  ROUTERADV = 'routeradv',
  /** Neighbour solicitation (address resolution, duplicate address detection). */
  NEIGHBRSOL = 'neighbrsol',
  /** Neighbour advertisement (address resolution, CARP takeover announces with it). */
  NEIGHBRADV = 'neighbradv',
  /** Redirect. */
  REDIR = 'redir',
  /** Router renumbering. */
  ROUTRRENUM = 'routrrenum',
  /** Who-are-you request. */
  WRUREQ = 'wrureq',
  /** Who-are-you reply. */
  WRUREP = 'wrurep',
  /** FQDN query. */
  FQDNREQ = 'fqdnreq',
  /** FQDN reply. */
  FQDNREP = 'fqdnrep',
  /** Node information query. */
  NIQRY = 'niqry',
  /** Node information reply. */
  NIREP = 'nirep',
  /** Multicast traceroute response. */
  MTRACERESP = 'mtraceresp',
  /** Multicast traceroute. */
  MTRACE = 'mtrace',
}
