import { describe, expect, test } from 'vitest';
import { buildReferenceApp } from '../../examples/ha-reverse-proxy/main';
import { buildSingleHostApp } from '../../examples/single-host/main';
import { App, FreeBsdHost, Testing } from '../../lib/index';
import { PfConfView } from '../../lib/testing/parse-pf';
import { PfGrammar } from '../../lib/testing/pf-grammar';

const ORDER = 'Rules must be in order: options, ethernet, normalization, queueing, translation, filtering';
const errs = (text: string) => PfGrammar.check(text).map((e) => [e.line, e.kind, e.message, e.token]);

// pf.conf(5)'s examples (MACROS, TABLES, OPTIONS, TRANSLATION EXAMPLES, FILTER EXAMPLES, ANCHORS),
// in the section order pfctl requires, with the macros they use defined.
const MANPAGE = `# The external interface is kue0 (157.161.48.183, the only routable address)
ext_if = "kue0"
int_if = "em1"
wifi_if = "wlan0"
peer_if = "em2"
all_ifs = "{" $ext_if lo0 "}"
table <private> const { 10/8, 172.16/12, 192.168/16 }
table <badhosts> persist
table <spam> persist file "/etc/spammers" file "/etc/openrelays"
table <spammers> persist
set reassemble yes
set timeout tcp.first 120
set timeout tcp.established 86400
set timeout { adaptive.start 6000, adaptive.end 12000 }
set limit states 10000
set loginterface dc0
set limit { states 20000, frags 20000, src-nodes 2000 }
set optimization aggressive
set ruleset-optimization basic
set block-policy return
set state-policy if-bound
set skip on { lo0 }
set debug urgent
set hostid 0x12345678
set syncookies adaptive (start 25%, end 12%)
set fingerprints "/etc/pf.os"
set keepcounters
set state-defaults no-sync, pflow
scrub in all
scrub in on $ext_if all fragment reassemble
scrub out on $ext_if all random-id min-ttl 64 max-mss 1440 no-df
scrub on $ext_if all reassemble tcp
no nat on $ext_if proto ah from 144.19.74.0/24 to any
nat on $ext_if from 144.19.74.0/24 to any -> 204.92.77.100
nat on ! vlan12 from 192.168.168.0/24 to any -> 204.92.77.111
nat on $ext_if inet from ! ($ext_if) to any -> ($ext_if)
nat on $ext_if inet proto udp from any port = isakmp to any -> ($ext_if) \\
      port 500
binat on $ext_if from 10.1.2.150 to any -> $ext_if
binat on $peer_if from 172.21.16.0/20 to any -> 172.22.16.0/20
rdr on $ext_if inet proto tcp from any to ($ext_if) port 8080 \\
      -> 10.1.2.151 port 22
rdr on $ext_if inet proto udp from any to ($ext_if) port 8080 \\
      -> 10.1.2.151 port 53
rdr on $int_if proto tcp from any to any port 21 -> 127.0.0.1 port 8021
nat on $ext_if inet from any to any -> 192.0.2.16/28 source-hash
rdr on $ext_if proto tcp from any to any port 80 \\
      -> { 10.1.2.155, 10.1.2.160, 10.1.2.161 } round-robin
no rdr on $int_if proto { tcp, udp } from any to 10.1.1.1 port 80
rdr pass on $ext_if proto tcp from any to any port 80 -> 127.0.0.1 \\
      port 8080
rdr on $ext_if inet proto tcp from <spammers> to port smtp \\
\ttag SPAMD -> 127.0.0.1 port 8025
rdr on $ext_if proto tcp from any to any port 1000:2000 -> 10.0.0.1 port 1000:*
nat pass log on $ext_if inet from 10.0.0.0/8 to any -> ($ext_if:0) port 1024:65535
nat on $ext_if from 10.0.0.0/8 to any -> 1.2.3.4 static-port
nat on $ext_if from 10.0.0.0/8 to any -> { 1.2.3.4, 1.2.3.5 } round-robin sticky-address
antispoof for $ext_if
antispoof log quick for { lo0 $int_if } inet
block return log on $ext_if all
block in from no-route to any
block in from urpf-failed to any
block out log quick on $ext_if from ! 157.161.48.183 to any
block in quick on $ext_if from any to 255.255.255.255
block in log quick on $ext_if from { 10.0.0.0/8, 172.16.0.0/12, \\
      192.168.0.0/16, 255.255.255.255/32 } to any
pass on $ext_if inet proto icmp all icmp-type 8 code 0
pass out on $ext_if proto udp all
pass in on $ext_if proto udp from any to any port domain
pass out on $ext_if proto tcp all modulate state
pass in on $ext_if proto tcp from any to any port { ssh, smtp, domain, \\
      auth }
block in on $ext_if proto tcp from any os {"Windows 95", "Windows 98"} \\
      to any port smtp
pass quick on gif0 inet6
pass quick on $ext_if proto ipv6
pass in on $int_if from any to any tag INTNET
pass in on $wifi_if from any to any
block out on $ext_if from any to any
pass out quick on $ext_if tagged INTNET
pass out on $ext_if proto tcp from any to any port 80
block in on $ext_if
pass in on $ext_if inet proto tcp tagged SPAMD
block on fxp0 from { <private>, <badhosts> } to any
pass out on $ext_if from any to any
pass in  on $ext_if proto tcp from any to any port 25
pass in on $ext_if proto tcp to $ext_if port ssh keep state \\
      (max-src-conn 15, max-src-conn-rate 5/3, overload <badhosts> flush global)
pass in proto tcp from any to any port > 1023 flags S/SA keep state (max 100, source-track rule, max-src-nodes 10, max-src-states 3, tcp.established 600, if-bound, no-sync, sloppy)
pass in proto tcp to port 6000 >< 6010
pass in proto tcp to port 6000 <> 6010
pass in proto tcp to port != 80
pass in proto { tcp udp } to port <= 1024
pass out on $ext_if route-to ($int_if 10.0.0.1) from 192.168.1.0/24 to any
pass in on $ext_if reply-to ($ext_if 1.2.3.1) proto tcp to port 22
pass in on $ext_if proto tcp from any to any port 80 synproxy state
pass in on $ext_if proto tcp from any to any port 81 label "web $dstport" queue (std, ssh) rtable 0
pass in on $ext_if allow-opts
pass in log (all) quick on $ext_if inet6 proto icmp6 icmp6-type { echoreq, neighbrsol }
block return-rst in proto tcp to port 113
block return-icmp(port-unr) in proto udp to port 113
block return-icmp (net-unr, admin-unr) in proto udp to port 114
pass in on ! $ext_if from (em1:network) to any
pass proto carp
pass on em1 proto pfsync keep state (no-sync)
pass in proto tcp from 10.0.0.1 - 10.0.0.5 to self port 22 no state
match in on $ext_if scrub (no-df random-id max-mss 1440)
pass out proto tcp all flags any
pass in proto tcp from any to any port ssh user { root, 1000 } group >= 1000 probability 10% set prio (1, 2) tos lowdelay
anchor "spam/*"
anchor "external" on $ext_if {
\tblock
\tanchor out {
\t\tpass proto tcp from any to port { 25, 80, 443 }
\t}
\tpass in proto tcp to any port 22
}
anchor ftp-proxy
load anchor spam from "/etc/pf-spam.conf"
`;

describe('PfGrammar accepts what FreeBSD 14\'s pfctl accepts', () => {
  test('pf.conf(5)\'s examples, together in one file in pfctl\'s order', () => {
    expect(errs(MANPAGE)).toEqual([]);
  });

  test.each([
    ['macros, expanded in lists and quotes kept', 'tcp_services = "{ ssh, smtp, domain, www, pop3, auth, pop3s }"\npass in proto tcp to port $tcp_services\n'],
    ['a macro built from macros', 'a = "10.0.0.1"\nb = "{" $a 10.0.0.2 "}"\npass in from $b\n'],
    ['a number as a macro value', 'web_port = 8080\npass in proto tcp to port $web_port\n'],
    ['an empty table with persist', 'table <bruteforce> persist { }\nblock in quick from <bruteforce>\n'],
    ['a table with counters, negated entries and interface addresses', 'table <t> counters { 10.0.0.0/8, !10.1.0.0/16, self, em0:network }\n'],
    ['a table without options', 'table <later>\n'],
    ['set limit and set timeout as single statements and as lists across lines', 'set limit { states 10000\nsrc-nodes 5000 }\nset timeout { tcp.first 30\n, interval 10 }\nset timeout interval 5\nset timeout frag 20\n'],
    ['set skip on several interfaces', 'set skip on { lo0, enc0 }\n'],
    ['require-order no lets translation follow filtering', 'set require-order no\npass all\nnat on em0 from any to any -> 1.2.3.4\n'],
    ['a queue tree', 'altq on em0 cbq bandwidth 10Mb queue { std, ssh }\nqueue std bandwidth 50% cbq(default)\nqueue ssh bandwidth 30% priority 7\npass out on em0 proto tcp to port 22 queue ssh\n'],
    ['ether rules before the rest', 'ether pass in on em0 proto 0x0800 from 00:11:22:33:44:55 tag ok\nscrub in all\n'],
    ['IPv6 literal addresses and prefixes', 'pass in from 2001:db8::/32 to ::1\npass in inet6 from fe80::/10 to ff02::1\n'],
    ['icmp types by number and code names', 'pass in inet proto icmp icmp-type { 3 code needfrag, echoreq, 11 code 0 }\n'],
    ['nat-anchor and rdr-anchor', 'nat-anchor "ftp-proxy/*"\nrdr-anchor "ftp-proxy/*"\nrdr pass on em0 proto tcp from any to any port 21 -> 127.0.0.1 port 8021\nanchor "ftp-proxy/*"\n'],
    ['a quoted keyword is a string (a label, a tag)', 'pass in all label "pass" tag "block"\n'],
    ['a backslash at the end of a comment continues the comment (pfctl joins the lines)', 'pass in all # a note \\\nthis line is part of the comment\n'],
    ['comments, blank lines and tabs anywhere', '\n\t# only a comment\n\npass\tin  all\t# trailing\n\n'],
    ['binat with a prefix on both sides', 'binat on em0 inet from 10.0.0.0/24 to any -> 192.0.2.0/24\n'],
    ['a dynamic address with a prefix length', 'pass in from (em0)/24 to any\n'],
    ['set reassemble no no-df', 'set reassemble no no-df\n'],
  ])('%s', (_name, text) => {
    expect(errs(text)).toEqual([]);
  });
});

describe('PfGrammar rejects near misses, with the line and the token, as pfctl would', () => {
  test.each([
    ['a reserved word as a macro name (port)', 'port = 8080\n', [[1, 'syntax', "syntax error at 'port', expected a statement", 'port']]],
    ['a comma before a line break in a limit list', 'set limit { states 10000,\nsrc-nodes 5000 }\n', [[1, 'syntax', 'syntax error at the end of the line, expected a limit name', '\\n'], [2, 'syntax', "syntax error at '5000', expected '='", '5000']]],
    ['a nat rule after a filter rule', 'pass all\nnat on em0 from any to any -> 1.2.3.4\n', [[2, 'order', ORDER, 'nat']]],
    ['scrub after nat', 'nat on em0 from any to any -> 1.2.3.4\nscrub in all\n', [[2, 'order', ORDER, 'scrub']]],
    ['set block-policy after a rule', 'block all\nset block-policy drop\n', [[2, 'order', ORDER, 'set']]],
    ['set timeout after a rule', 'block all\nset timeout interval 10\n', [[2, 'order', ORDER, 'set']]],
    ['max-src-conn-rate without /S', 'pass in proto tcp to port 22 keep state (max-src-conn-rate 10)\n', [[1, 'syntax', "syntax error at ')', expected '/'", ')']]],
    ['overload without < >', 'pass in proto tcp to port 22 keep state (max-src-conn 10, overload bruteforce)\n', [[1, 'syntax', "syntax error at 'bruteforce', expected '<'", 'bruteforce']]],
    ['a nat rule with an incomplete port', 'nat on $ext_if from any to any -> 1.2.3.4 port\n'.replace('$ext_if', 'em0'), [[1, 'syntax', 'syntax error at the end of the line, expected a port', '\\n']]],
    ['a nat rule without a target', 'nat on em0 from any to any\n', [[1, 'semantic', "translation rule requires '-> address'", 'nat']]],
    ['no nat with a target', 'no nat on em0 from any to any -> 1.2.3.4\n', [[1, 'semantic', "translation rule with 'no' does not need '->'", '->']]],
    ['an unknown keyword in a rule', 'pass in proto tcp to port 22 frobnicate\n', [[1, 'syntax', "syntax error at 'frobnicate', expected the end of the statement", 'frobnicate']]],
    ['an unknown statement', 'frobnicate all\n', [[1, 'syntax', "syntax error at 'all', expected '='", 'all']]],
    ['a filter option before on', 'pass in allow-opts on em0\n', [[1, 'syntax', "syntax error at 'on', expected the end of the statement", 'on']]],
    ['set block-policy with a wrong value', 'set block-policy reject\n', [[1, 'syntax', "syntax error at 'reject', expected 'drop' or 'return'", 'reject']]],
    ['set limit with an unknown limit', 'set limit bogus 100\n', [[1, 'semantic', 'unable to set limit bogus 100', 'bogus']]],
    ['set timeout with an unknown timeout', 'set timeout tcp.bogus 100\n', [[1, 'semantic', 'unknown timeout tcp.bogus', 'tcp.bogus']]],
    ['set state-policy with a wrong value', 'set state-policy sticky\n', [[1, 'syntax', "syntax error at 'sticky', expected 'if-bound' or 'floating'", 'sticky']]],
    ['set optimization with an unknown hint', 'set optimization fast\n', [[1, 'semantic', 'unknown optimization fast', 'fast']]],
    ['set hostid 0', 'set hostid 0\n', [[1, 'semantic', 'hostid must be non-zero', '0']]],
    ['scrub with quick', 'scrub in quick all\n', [[1, 'semantic', "scrub rules do not support 'quick'", 'scrub']]],
    ['the old scrub fragment crop', 'scrub in all fragment crop\n', [[1, 'syntax', "syntax error at 'crop', expected 'reassemble'", 'crop']]],
    ['a table option that does not exist', 'table <t> persist const foo { 10.0.0.1 }\n', [[1, 'semantic', "invalid table option 'foo'", 'foo']]],
    ['a range in a table', 'table <t> { 10.0.0.1 - 10.0.0.9 }\n', [[1, 'semantic', 'address ranges are not permitted inside tables', '10.0.0.1 - 10.0.0.9']]],
    ['a port without a protocol', 'pass in to port 22\n', [[1, 'semantic', 'port only applies to tcp/udp', ''], [1, 'semantic', 'skipping rule due to errors', '']]],
    ['a port on icmp', 'pass in proto { tcp icmp } to port 22\n', [[1, 'semantic', 'port only applies to tcp/udp', ''], [1, 'semantic', 'skipping rule due to errors', '']]],
    ['icmp-type without an address family', 'pass in proto icmp icmp-type echoreq\n', [[1, 'semantic', 'must indicate address family with icmp-type/code', ''], [1, 'semantic', 'skipping rule due to errors', '']]],
    ['icmp with inet6', 'pass in inet6 proto icmp icmp-type echoreq\n', [[1, 'semantic', "proto icmp doesn't match address family inet6", ''], [1, 'semantic', 'skipping rule due to errors', '']]],
    ['keep state on a block rule', 'block in proto tcp to port 22 keep state\n', [[1, 'semantic', 'keep state is great, but only for pass rules', ''], [1, 'semantic', 'skipping rule due to errors', '']]],
    ['overload without a connection limit', 'pass in proto tcp keep state (overload <bad>)\n', [[1, 'semantic', "'overload' requires 'max-src-conn' or 'max-src-conn-rate'", ''], [1, 'semantic', 'skipping rule due to errors', '']]],
    ['an IPv4 address in an inet6 rule', 'pass in inet6 from 10.0.0.1 to any\n', [[1, 'semantic', 'rule expands to no valid combination', '']]],
    ['flags on udp', 'pass in proto udp flags S/SA\n', [[1, 'semantic', 'flags only apply to tcp', 'flags']]],
    ['flags that are always false', 'pass in proto tcp flags SA/S\n', [[1, 'semantic', 'flags always false', 'SA']]],
    ['an unknown port name', 'pass in proto tcp to port nosuchservice\n', [[1, 'semantic', 'unknown port nosuchservice', 'nosuchservice']]],
    ['a port above 65535', 'pass in proto tcp to port 99999\n', [[1, 'semantic', 'illegal port value 99999', '99999']]],
    ['an unknown protocol', 'pass in proto nosuchproto\n', [[1, 'semantic', 'unknown protocol nosuchproto', 'nosuchproto']]],
    ['a negated list', 'pass in from ! { 10.0.0.1 10.0.0.2 }\n', [[1, 'syntax', "syntax error at '{', expected a host", '{']]],
    ['urpf-failed as a destination', 'pass in to urpf-failed\n', [[1, 'semantic', '"urpf-failed" is not permitted in a destination address', 'to']]],
    ['a port range with an operator', 'pass in proto tcp to port > 1000:2000\n', [[1, 'semantic', "':' cannot be used with an other port operator", '1000:2000']]],
    ['a prefix too long for IPv4', 'pass in from 10.0.0.0/33\n', [[1, 'semantic', "could not parse host specification '10.0.0.0/33'", '10.0.0.0/33']]],
    ['a zero max-src-states', 'pass in proto tcp keep state (max-src-states 0)\n', [[1, 'semantic', "'max-src-states' must be > 0", 'max-src-states']]],
    ['a state option twice', 'pass in proto tcp keep state (max 10, max 20)\n', [[1, 'semantic', "state option 'max' multiple definitions", 'max']]],
    ['max-src-nodes with source-track global', 'pass in proto tcp keep state (source-track global, max-src-nodes 10)\n', [[1, 'semantic', "'max-src-nodes' is incompatible with 'source-track global'", 'keep']]],
    ['a ruleset-wide timeout on a rule', 'pass in proto tcp keep state (frag 10)\n', [[1, 'semantic', 'illegal state timeout frag', 'frag']]],
    ['route-to without a direction', 'pass route-to (em0 10.0.0.1) from any to any\n', [[1, 'semantic', 'direction must be explicit with rules that specify routing', 'pass']]],
    ['an rdr destination port with an operator', 'rdr on em0 proto tcp to port > 80 -> 10.0.0.1\n', [[1, 'semantic', 'invalid port operator for rdr destination port', ''], [1, 'semantic', 'skipping rule due to errors', '']]],
    ['static-port on rdr', 'rdr on em0 proto tcp to 1.2.3.4 port 80 -> 10.0.0.1 static-port\n', [[1, 'semantic', "the 'static-port' option is only valid with nat rules", 'rdr']]],
    ['two targets with source-hash', 'nat on em0 from any to any -> { 1.2.3.4, 1.2.3.5 } source-hash\n', [[1, 'semantic', 'only round-robin valid for multiple redirection addresses', '->']]],
    ['binat masks that differ', 'binat on em0 from 10.0.0.1 to any -> 1.2.3.0/24\n', [[1, 'semantic', "'binat' source mask and redirect mask must be the same", '->']]],
    ['binat without from', 'binat on em0 to any -> 1.2.3.4\n', [[1, 'syntax', "syntax error at 'to', expected 'from'", 'to']]],
    ['antispoof with log twice', 'antispoof quick log log for em0\n', [[1, 'syntax', "syntax error at 'log', expected 'for'", 'log']]],
    ['an anchor path with a / unquoted', 'anchor ftp-proxy/*\n', [[1, 'syntax', "syntax error at '/', expected the end of the statement", '/']]],
    ['an anchor without name or body', 'anchor\n', [[1, 'semantic', 'anchors without explicit rules must specify a name', 'anchor']]],
    ['state handling on an anchor', 'anchor foo keep state\n', [[1, 'semantic', 'cannot specify state handling on anchors', 'keep']]],
    ['a reserved word as a macro name', 'pass = 5\n', [[1, 'syntax', "syntax error at '=', expected the end of the statement", '=']]],
    ['a list as an unquoted macro value', 'a = { x }\n', [[1, 'syntax', "syntax error at '{', expected a value", '{']]],
    ['a comma before a line break in a list', 'pass in on { em0,\n em1 } all\n', [[1, 'syntax', 'syntax error at the end of the line, expected an interface name', '\\n'], [2, 'syntax', "syntax error at '}', expected '='", '}']]],
    ['a missing newline at the end of the file', 'pass all', [[1, 'syntax', 'syntax error at the end of the file: the last statement has no newline after it, which pfctl needs', '']]],
    ['a CR LF line ending', 'pass in all\r\n', [[1, 'syntax', "syntax error at '\\r', expected the end of the statement", '\\r']]],
    ['an interface name longer than IFNAMSIZ', 'pass in on em0123456789abcdef all\n', [[1, 'semantic', 'interface name too long', 'em0123456789abcdef']]],
    ['a table name longer than PF_TABLE_NAME_SIZE', 'table <this_name_is_far_too_long_for_pf_tables> { 10.0.0.1 }\n', [[1, 'semantic', 'table name too long, max 31 chars', 'this_name_is_far_too_long_for_pf_tables']]],
    ['a host name pfctl would resolve with DNS', 'pass in from www.example.com\n', [[1, 'semantic', "could not parse host specification: 'www.example.com' is no address, interface or table; pfctl would look it up in DNS when it loads the file", 'www.example.com']]],
  ])('%s', (_name, text, expected) => {
    expect(errs(text)).toEqual(expected);
  });

  test('an undefined macro is reported where it is used; pfctl goes on with the next line', () => {
    expect(errs('pass in on $ext_if all\next_if = "vtnet0"\npass in on $ext_if all\nblock bogus\n')).toEqual([
      [1, 'macro', "macro 'ext_if' not defined", '$ext_if'],
      [4, 'syntax', "syntax error at 'bogus', expected the end of the statement", 'bogus'],
    ]);
  });

  test('a line continued with a backslash: the error names the line of the offending token', () => {
    expect(errs('pass in proto tcp \\\n  from any \\\n  to port 99999\n')).toEqual([[3, 'semantic', 'illegal port value 99999', '99999']]);
  });

  test('macros are not expanded inside quotes, and a keyword coming from a macro is a keyword', () => {
    expect(errs('a = "x"\npass all label "$a"\n')).toEqual([]);
    expect(errs('if = "pass"\npass in on $if all\n')).toEqual([[2, 'syntax', "syntax error at 'pass', expected an interface name", 'pass']]);
  });

  test('an unterminated quote runs to the end of the file', () => {
    expect(errs('pass in all label "oops\npass out all\n').map((e) => e[2])).toEqual(['syntax error at the end of the file, expected a label', 'reached end of file while parsing quoted string']);
  });

  test('assertValid throws every error with the file, the line and the token', () => {
    expect(() => PfGrammar.assertValid('pass all\nnat on em0 from any to any -> 1.2.3.4\npass in frobnicate\n', '/etc/pf.conf'))
      .toThrow(["pfctl would reject /etc/pf.conf (2 errors):", `/etc/pf.conf:2: ${ORDER} (token 'nat')`,
        "/etc/pf.conf:3: syntax error at 'frobnicate', expected the end of the statement (token 'frobnicate')"].join('\n'));
    expect(() => PfGrammar.assertValid('pass all\n')).not.toThrow();
  });
});

describe('the parsed view (PfConfView) reads what the grammar read', () => {
  const v = PfConfView.parse(MANPAGE);

  test('translation rules as objects: nat, rdr with port ranges, binat, no nat, pool options', () => {
    expect(v.translations.length).toBe(v.translation.length);
    const byLine = (n: number) => v.translations.find((t) => t.line === n)!;
    const line = (text: string) => MANPAGE.split('\n').findIndex((l) => l.startsWith(text)) + 1;
    expect(byLine(line('rdr on $ext_if proto tcp from any to any port 1000:2000'))).toEqual({
      kind: 'rdr', no: false, pass: false, log: false, interfaces: ['kue0'], af: undefined, protocols: ['tcp'], from: [], fromPorts: [], to: [],
      toPorts: ['1000:2000'], targets: ['10.0.0.1'], targetPort: '1000:*', poolType: undefined, stickyAddress: false, staticPort: false,
      tag: undefined, tagged: undefined, line: line('rdr on $ext_if proto tcp from any to any port 1000:2000'),
    });
    expect(byLine(line('no nat on'))).toMatchObject({ kind: 'nat', no: true, protocols: ['ah'], from: ['144.19.74.0/24'], targets: [] });
    expect(byLine(line('nat on $ext_if inet from ! ($ext_if)'))).toMatchObject({ af: 'inet', from: ['!(kue0)'], targets: ['(kue0)'] });
    expect(byLine(line('nat pass log'))).toMatchObject({ pass: true, log: true, targets: ['(kue0:0)'], targetPort: '1024:65535' });
    expect(byLine(line('nat on $ext_if from 10.0.0.0/8 to any -> { 1.2.3.4'))).toMatchObject({ targets: ['1.2.3.4', '1.2.3.5'], poolType: 'round-robin', stickyAddress: true });
    expect(byLine(line('nat on $ext_if from 10.0.0.0/8 to any -> 1.2.3.4 static-port'))).toMatchObject({ staticPort: true });
    expect(byLine(line('binat on $peer_if'))).toMatchObject({ kind: 'binat', interfaces: ['em2'], from: ['172.21.16.0/20'], targets: ['172.22.16.0/20'] });
    expect(byLine(line('rdr on $ext_if inet proto tcp from <spammers>'))).toMatchObject({ from: ['<spammers>'], toPorts: ['25'], tag: 'SPAMD', targetPort: '8025' });
  });

  test('state options as values: limits, the connection rate, overload with flush global, timeouts', () => {
    const ssh = v.rules.find((r) => r.stateOpts.overload !== undefined)!;
    expect(ssh.stateOpts).toEqual({
      max: undefined, noSync: false, maxSrcStates: undefined, maxSrcConn: 15, maxSrcConnRate: { connections: 5, seconds: 3 },
      overload: { table: 'badhosts', flush: true, global: true }, maxSrcNodes: undefined, sourceTrack: undefined, statePolicy: undefined,
      sloppy: false, pflow: false, timeouts: {},
    });
    expect(ssh.stateOptions).toEqual(['max-src-conn 15', 'max-src-conn-rate 5/3', 'overload <badhosts> flush global']);
    const many = v.rules.find((r) => r.stateOpts.max === 100)!;
    expect(many.stateOpts).toMatchObject({ sourceTrack: 'rule', maxSrcNodes: 10, maxSrcStates: 3, statePolicy: 'if-bound', noSync: true, sloppy: true, timeouts: { 'tcp.established': 600 } });
    expect(many.flags).toBe('S/SA');
    expect(v.rules.find((r) => r.text.includes('pass in proto tcp to port 6000 >< 6010'))!.stateOpts).toEqual(expect.objectContaining({ noSync: false, timeouts: {} }));
  });

  test('the other filter options: labels, tags, queues, rtable, route-to, log options', () => {
    const web = v.rules.find((r) => r.labels.includes('web $dstport'))!;
    expect([web.queue, web.rtable, web.label]).toEqual([['std', 'ssh'], 0, 'web $dstport']);
    expect(v.rules.find((r) => r.route?.type === 'route-to')!.route).toEqual({ type: 'route-to', hosts: ['(em1 10.0.0.1)'], poolType: undefined });
    expect(v.rules.find((r) => r.tagged === 'INTNET')!.quick).toBe(true);
    expect(v.rules.find((r) => r.tag === 'INTNET')!.interfaces).toEqual(['em1']);
    expect(v.rules.find((r) => r.logOptions.includes('all'))!.icmp6Types).toEqual(['echoreq', 'neighbrsol']);
    expect(v.rules.find((r) => r.allowOpts)!.interfaces).toEqual(['kue0']);
    expect(v.rules.find((r) => r.text.includes('probability'))!.options).toEqual(['user root, 1000', 'group >= 1000', 'probability 10%', 'set prio (1, 2)', 'tos lowdelay']);
  });

  test('antispoof, set options and table flags', () => {
    expect(v.antispoofs.map((a) => [a.interfaces, a.log, a.quick, a.af])).toEqual([[['kue0'], false, false, undefined], [['lo0', 'em1'], true, true, 'inet']]);
    expect(v.settings).toMatchObject({
      blockPolicy: 'return', statePolicy: 'if-bound', skip: ['lo0'], limits: { states: 20000, frags: 20000, 'src-nodes': 2000 },
      timeouts: { 'tcp.first': 120, 'tcp.established': 86400, 'adaptive.start': 6000, 'adaptive.end': 12000 }, loginterface: 'dc0',
      optimization: 'aggressive', rulesetOptimization: 'basic', debug: 'urgent', hostid: 0x12345678, reassemble: true, reassembleNoDf: false,
      syncookies: 'adaptive', syncookiesStart: 25, syncookiesEnd: 12, fingerprints: '/etc/pf.os', keepCounters: true,
    });
    expect(v.settings.stateDefaults).toMatchObject({ noSync: true, pflow: true });
    expect(v.table('badhosts')).toMatchObject({ persist: true, constant: false, initialized: false, addresses: [] });
    expect(v.table('private')).toMatchObject({ persist: false, constant: true, initialized: true, addresses: ['10/8', '172.16/12', '192.168/16'] });
    expect(v.table('spam')!.files).toEqual(['/etc/spammers', '/etc/openrelays']);
    expect(PfConfView.parse('table <b> persist { }\n').table('b')).toMatchObject({ persist: true, initialized: true, addresses: [] });
  });

  test('grammar errors are in problems, with their token; the lines the grammar accepted are read as before', () => {
    const bad = PfConfView.parse('set skip on lo0\npass in proto tcp to port 99999\npass out all\n');
    expect(bad.problems).toEqual([{ line: 2, message: 'illegal port value 99999' }]);
    expect(PfConfView.parse('set hostid 0\n').problems).toEqual([{ line: 1, message: "hostid must be non-zero (token '0')" }]);
    expect(bad.grammarErrors).toEqual([{ line: 2, token: '99999', message: 'illegal port value 99999', kind: 'semantic' }]);
    expect(bad.rules.map(PfConfView.canonical)).toEqual(['pass in proto tcp from any to any port 99999', 'pass out all']);
    expect(v.problems).toEqual([]);
  });
});

describe('every pf.conf the repository synthesizes passes the grammar', () => {
  test.each([
    ['the reference setup (examples/ha-reverse-proxy)', () => buildReferenceApp(new App())],
    ['the single host (examples/single-host)', () => buildSingleHostApp(new App())],
  ])('%s', (_name, build) => {
    const t = Testing.synth(build());
    const files = t.hostnames.filter((h) => t.hasFile(h, '/etc/pf.conf')).map((h) => [h, t.file(h, '/etc/pf.conf')]);
    expect(files.length).toBeGreaterThan(0);
    for (const [h, text] of files) {
      expect([h, PfGrammar.check(text)]).toEqual([h, []]);
      expect(t.pfConf(h).grammarErrors).toEqual([]);
    }
  });

  test('Testing.synth refuses a pf.conf pfctl would reject, naming the host, the line and the token', () => {
    const app = new App();
    const h = new FreeBsdHost(app, 'H', { hostname: 'h.example.org', release: '14.3' });
    h.addInterface('vtnet0', { ipv4: '192.0.2.20/24' });
    h.addFile('/etc/pf.conf', 'pass in all\nset block-policy drop\n');
    expect(() => Testing.synth(app)).toThrow(/h\.example\.org: pfctl would reject \/etc\/pf\.conf \(1 error\):\n\/etc\/pf\.conf:\d+: Rules must be in order: .* \(token 'set'\)/);
  });
});
