/**
 * The names pfctl knows, for FreeBSD 14: parse.y's keyword table (lookup()), pfctl_parser.c's
 * ICMP types and codes and state timeouts, pfctl.c's limits, hints and debug levels, and the
 * protocol names of FreeBSD's /etc/protocols that firewalls name.
 *
 * Internal to lib/testing (not exported from lib/index.ts).
 */

/** parse.y lookup(): every reserved word (a word among these is never a STRING). */
export const PF_KEYWORDS: ReadonlySet<string> = new Set([
  'all', 'allow-opts', 'altq', 'anchor', 'antispoof', 'any', 'bandwidth', 'binat', 'binat-anchor', 'bitmask', 'block',
  'block-policy', 'bridge-to', 'buckets', 'cbq', 'code', 'codelq', 'debug', 'divert-reply', 'divert-to', 'dnpipe', 'dnqueue',
  'drop', 'dup-to', 'ether', 'fail-policy', 'fairq', 'fastroute', 'file', 'fingerprints', 'flags', 'floating', 'flush', 'for',
  'fragment', 'from', 'global', 'group', 'hfsc', 'hogs', 'hostid', 'icmp-type', 'icmp6-type', 'if-bound', 'in', 'include',
  'inet', 'inet6', 'interval', 'keep', 'keepcounters', 'l3', 'label', 'limit', 'linkshare', 'load', 'log', 'loginterface',
  'map-e-portset', 'match', 'max', 'max-mss', 'max-src-conn', 'max-src-conn-rate', 'max-src-nodes', 'max-src-states',
  'min-ttl', 'modulate', 'nat', 'nat-anchor', 'no', 'no-df', 'no-route', 'no-sync', 'on', 'optimization', 'os', 'out',
  'overload', 'pass', 'pflow', 'port', 'prio', 'priority', 'priq', 'probability', 'proto', 'qlimit', 'queue', 'quick',
  'random', 'random-id', 'rdr', 'rdr-anchor', 'realtime', 'reassemble', 'reply-to', 'require-order', 'return',
  'return-icmp', 'return-icmp6', 'return-rst', 'ridentifier', 'round-robin', 'route', 'route-to', 'rtable', 'rule',
  'ruleset-optimization', 'scrub', 'set', 'set-tos', 'skip', 'sloppy', 'source-hash', 'source-track', 'state',
  'state-defaults', 'state-policy', 'static-port', 'sticky-address', 'syncookies', 'synproxy', 'table', 'tag', 'tagged',
  'target', 'tbrsize', 'timeout', 'to', 'tos', 'ttl', 'upperlimit', 'urpf-failed', 'user',
]);

/**
 * FreeBSD 14's /etc/protocols (`name number aliases…`), which getprotobyname() reads: names and
 * aliases are matched exactly (case counts).
 */
const PROTOCOL_LINES: readonly string[] = [
  'ip 0 IP', 'icmp 1 ICMP', 'igmp 2 IGMP', 'ggp 3 GGP', 'ipencap 4 IP-ENCAP', 'st2 5 ST2', 'tcp 6 TCP',
  'cbt 7 CBT', 'egp 8 EGP', 'igp 9 IGP', 'bbn-rcc 10 BBN-RCC-MON', 'nvp 11 NVP-II', 'pup 12 PUP',
  'argus 13 ARGUS', 'emcon 14 EMCON', 'xnet 15 XNET', 'chaos 16 CHAOS', 'udp 17 UDP', 'mux 18 MUX',
  'dcn 19 DCN-MEAS', 'hmp 20 HMP', 'prm 21 PRM', 'xns-idp 22 XNS-IDP', 'trunk-1 23 TRUNK-1',
  'trunk-2 24 TRUNK-2', 'leaf-1 25 LEAF-1', 'leaf-2 26 LEAF-2', 'rdp 27 RDP', 'irtp 28 IRTP',
  'iso-tp4 29 ISO-TP4', 'netblt 30 NETBLT', 'mfe-nsp 31 MFE-NSP', 'merit-inp 32 MERIT-INP', 'dccp 33 DCCP',
  '3pc 34 3PC', 'idpr 35 IDPR', 'xtp 36 XTP', 'ddp 37 DDP', 'idpr-cmtp 38 IDPR-CMTP', 'tp++ 39 TP++',
  'il 40 IL', 'ipv6 41 IPV6', 'sdrp 42 SDRP', 'ipv6-route 43 IPV6-ROUTE', 'ipv6-frag 44 IPV6-FRAG',
  'idrp 45 IDRP', 'rsvp 46 RSVP', 'gre 47 GRE', 'dsr 48 DSR', 'bna 49 BNA', 'esp 50 ESP', 'ah 51 AH',
  'i-nlsp 52 I-NLSP', 'swipe 53 SWIPE', 'narp 54 NARP', 'mobile 55 MOBILE', 'tlsp 56 TLSP', 'skip 57 SKIP',
  'ipv6-icmp 58 IPV6-ICMP icmp6', 'ipv6-nonxt 59 IPV6-NONXT', 'ipv6-opts 60 IPV6-OPTS', 'cftp 62 CFTP',
  'sat-expak 64 SAT-EXPAK', 'kryptolan 65 KRYPTOLAN', 'rvd 66 RVD', 'ippc 67 IPPC', 'sat-mon 69 SAT-MON',
  'visa 70 VISA', 'ipcv 71 IPCV', 'cpnx 72 CPNX', 'cphb 73 CPHB', 'wsn 74 WSN', 'pvp 75 PVP',
  'br-sat-mon 76 BR-SAT-MON', 'sun-nd 77 SUN-ND', 'wb-mon 78 WB-MON', 'wb-expak 79 WB-EXPAK',
  'iso-ip 80 ISO-IP', 'vmtp 81 VMTP', 'secure-vmtp 82 SECURE-VMTP', 'vines 83 VINES', 'ttp 84 TTP',
  'nsfnet-igp 85 NSFNET-IGP', 'dgp 86 DGP', 'tcf 87 TCF', 'eigrp 88 EIGRP', 'ospf 89 OSPFIGP',
  'sprite-rpc 90 Sprite-RPC', 'larp 91 LARP', 'mtp 92 MTP', 'ax.25 93 AX.25', 'ipip 94 IPIP', 'micp 95 MICP',
  'scc-sp 96 SCC-SP', 'etherip 97 ETHERIP', 'encap 98 ENCAP', 'gmtp 100 GMTP', 'ifmp 101 IFMP',
  'pnni 102 PNNI', 'pim 103 PIM', 'aris 104 ARIS', 'scps 105 SCPS', 'qnx 106 QNX', 'a/n 107 A/N',
  'ipcomp 108 IPComp', 'snp 109 SNP', 'compaq-peer 110 Compaq-Peer', 'ipx-in-ip 111 IPX-in-IP',
  'carp 112 CARP vrrp', 'pgm 113 PGM', 'l2tp 115 L2TP', 'ddx 116 DDX', 'iatp 117 IATP', 'stp 118 STP',
  'srp 119 SRP', 'uti 120 UTI', 'smp 121 SMP', 'sm 122 SM', 'ptp 123 PTP', 'isis 124 ISIS', 'fire 125 FIRE',
  'crtp 126 CRTP', 'crudp 127 CRUDP', 'sscopmce 128 SSCOPMCE', 'iplt 129 IPLT', 'sps 130 SPS', 'pipe 131 PIPE',
  'sctp 132 SCTP', 'fc 133 FC', 'rsvp-e2e-ignore 134 RSVP-E2E-IGNORE', 'mobility-header 135 Mobility-Header',
  'udplite 136 UDPLite', 'mpls-in-ip 137 MPLS-IN-IP', 'manet 138 MANET', 'hip 139 HIP', 'shim6 140 SHIM6',
  'wesp 141 WESP', 'rohc 142 ROHC', 'pfsync 240 PFSYNC',
];

/** Protocol names and aliases getprotobyname() resolves, with their numbers. */
export const PROTOCOLS: ReadonlyMap<string, number> = new Map(
  PROTOCOL_LINES.flatMap((l) => {
    const [name, num, ...aliases] = l.split(' ');
    return [name, ...aliases].map((n) => [n, Number(num)] as [string, number]);
  }),
);

/** pfctl_parser.c icmp_type[]. */
export const ICMP_TYPES: ReadonlyMap<string, number> = new Map([
  ['echoreq', 8], ['echorep', 0], ['unreach', 3], ['squench', 4], ['redir', 5], ['althost', 6], ['routeradv', 9],
  ['routersol', 10], ['timex', 11], ['paramprob', 12], ['timereq', 13], ['timerep', 14], ['inforeq', 15], ['inforep', 16],
  ['maskreq', 17], ['maskrep', 18], ['trace', 30], ['dataconv', 31], ['mobredir', 32], ['ipv6-where', 33],
  ['ipv6-here', 34], ['mobregreq', 35], ['mobregrep', 36], ['skip', 39], ['photuris', 40],
]);

/** pfctl_parser.c icmp6_type[]. */
export const ICMP6_TYPES: ReadonlyMap<string, number> = new Map([
  ['unreach', 1], ['toobig', 2], ['timex', 3], ['paramprob', 4], ['echoreq', 128], ['echorep', 129], ['groupqry', 130],
  ['listqry', 130], ['grouprep', 131], ['listenrep', 131], ['groupterm', 132], ['listendone', 132], ['routersol', 133],
  ['routeradv', 134], ['neighbrsol', 135], ['neighbradv', 136], ['redir', 137], ['routrrenum', 138], ['wrureq', 139],
  ['wrurep', 140], ['fqdnreq', 139], ['fqdnrep', 140], ['niqry', 139], ['nirep', 140], ['mtraceresp', 200],
  ['mtrace', 201]
]);

/** pfctl_parser.c icmp_code[]: code name → the ICMP type it belongs to. */
export const ICMP_CODES: ReadonlyMap<string, number> = new Map([
  ['net-unr', 3], ['host-unr', 3], ['proto-unr', 3], ['port-unr', 3], ['needfrag', 3], ['srcfail', 3], ['net-unk', 3],
  ['host-unk', 3], ['isolate', 3], ['net-prohib', 3], ['host-prohib', 3], ['net-tos', 3], ['host-tos', 3],
  ['filter-prohib', 3], ['host-preced', 3], ['cutoff-preced', 3], ['redir-net', 5], ['redir-host', 5],
  ['redir-tos-net', 5], ['redir-tos-host', 5], ['normal-adv', 9], ['common-adv', 9], ['transit', 11], ['reassemb', 11],
  ['badhead', 12], ['optmiss', 12], ['badlen', 12], ['unknown-ind', 40], ['auth-fail', 40], ['decrypt-fail', 40],
]);

/** pfctl_parser.c icmp6_code[]: code name → the ICMPv6 type it belongs to. */
export const ICMP6_CODES: ReadonlyMap<string, number> = new Map([
  ['admin-unr', 1], ['noroute-unr', 1], ['notnbr-unr', 1], ['beyond-unr', 1], ['addr-unr', 1], ['port-unr', 1],
  ['transit', 3], ['reassemb', 3], ['badhead', 4], ['nxthdr', 4], ['redironlink', 137], ['redirrouter', 137],
]);

/**
 * pfctl_parser.c pf_timeouts[] (matched without regard to case), plus the SCTP timeouts of
 * FreeBSD 14.1 and later.
 */
export const TIMEOUTS: readonly string[] = [
  'tcp.first', 'tcp.opening', 'tcp.established', 'tcp.closing', 'tcp.finwait', 'tcp.closed', 'tcp.tsdiff',
  'sctp.first', 'sctp.opening', 'sctp.established', 'sctp.closing', 'sctp.closed',
  'udp.first', 'udp.single', 'udp.multiple', 'icmp.first', 'icmp.error', 'other.first', 'other.single',
  'other.multiple', 'frag', 'interval', 'adaptive.start', 'adaptive.end', 'src.track',
];

/** pfctl.c pf_limits[]. */
export const LIMITS: readonly string[] = ['states', 'src-nodes', 'frags', 'table-entries'];

/** pfctl.c pf_hints[] (`set optimization`, matched without regard to case). */
export const HINTS: readonly string[] = ['normal', 'satellite', 'high-latency', 'conservative', 'aggressive'];

/** pfctl.c debugopt_list (`set debug`). */
export const DEBUG_LEVELS: readonly string[] = ['none', 'urgent', 'misc', 'loud'];

/** parse.y map_tos(): DiffServ code points and TOS names (matched without regard to case). */
export const TOS_NAMES: readonly string[] = [
  'af11', 'af12', 'af13', 'af21', 'af22', 'af23', 'af31', 'af32', 'af33', 'af41', 'af42', 'af43', 'critical', 'cs0',
  'cs1', 'cs2', 'cs3', 'cs4', 'cs5', 'cs6', 'cs7', 'ef', 'inetcontrol', 'lowdelay', 'netcontrol', 'reliability',
  'throughput', 'va',
];

/** The TCP flags of parse_flags() (pfctl_parser.c tcpflags). */
export const TCP_FLAGS = 'FSRPAUEW';

/** PF_TABLE_NAME_SIZE - 1, IFNAMSIZ - 1, PF_TAG_NAME_SIZE - 1, PF_RULE_LABEL_SIZE - 1. */
export const MAX_TABLE_NAME = 31;
export const MAX_IFNAME = 15;
export const MAX_TAG_NAME = 63;
export const MAX_LABEL = 63;
/** PF_THRESHOLD_MAX: the largest max-src-conn-rate count. */
export const THRESHOLD_MAX = Math.floor(0xffffffff / 1000);
/** UINT_MAX. */
export const UINT_MAX = 0xffffffff;
