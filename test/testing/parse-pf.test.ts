import { describe, expect, test } from 'vitest';
import { PfConfView } from '../../lib/testing/parse-pf';

// The reference setup's pf.conf, in the hand-written style of the original write-up
// (service names, macros for the interface and the ICMP types, line continuations).
const REFERENCE_STYLE = `# /etc/pf.conf
ext_if = "vnet0"
icmp_types = "{ unreach, squench, echoreq, timex, paramprob }"
icmp6_types = "{ unreach, toobig, timex, paramprob, echoreq, neighbradv, neighbrsol, routeradv, routersol }"
ssh_from = "{ 2003:abcd:ef12:3420::/60, 2003:abcd:ef12:34a1::/64, \\
              fd5e:d1c2:c9de:20::/64, fd5f:a747:658d:20::/64 }"

set block-policy drop
set skip on lo

block in log all
pass out all

pass in on $ext_if inet6 proto tcp from $ssh_from to any port ssh
pass in on $ext_if inet proto icmp icmp-type $icmp_types
pass in on $ext_if inet6 proto icmp6 icmp6-type $icmp6_types   # ND and ping
pass quick on $ext_if proto carp
pass in on $ext_if proto tcp to port { http, https }
`;

describe('PfConfView.parse', () => {
  test('reads the reference setup\'s hand-written pf.conf into structured rules, expanding macros and service names', () => {
    const v = PfConfView.parse(REFERENCE_STYLE);
    expect(v.problems).toEqual([]);
    expect(v.macros.ext_if).toBe('vnet0');
    expect(v.options).toEqual([
      { name: 'block-policy', value: 'drop', line: 8 },
      { name: 'skip', value: 'on lo', line: 9 },
    ]);
    expect(v.rules.map(PfConfView.canonical)).toEqual([
      'block in log all',
      'pass out all',
      'pass in on vnet0 inet6 proto tcp from { 2003:abcd:ef12:3420::/60, 2003:abcd:ef12:34a1::/64, fd5e:d1c2:c9de:20::/64, fd5f:a747:658d:20::/64 } to any port 22',
      'pass in on vnet0 inet proto icmp all icmp-type { unreach, squench, echoreq, timex, paramprob }',
      'pass in on vnet0 inet6 proto icmp6 all icmp6-type { unreach, toobig, timex, paramprob, echoreq, neighbradv, neighbrsol, routeradv, routersol }',
      'pass quick on vnet0 proto carp all',
      'pass in on vnet0 proto tcp from any to any port { 80, 443 }',
    ]);
    const icmp6 = v.rules[4];
    expect(icmp6.line).toBe(16);
    expect(icmp6.comment).toBe('ND and ping');
    expect(v.rules[2].line).toBe(14);
  });

  test('a rule continued over lines with a backslash keeps the line it starts on', () => {
    const v = PfConfView.parse('pass in proto tcp \\\n  to port 22\nblock all\n');
    expect(v.rules.map((r) => [r.line, PfConfView.canonical(r)])).toEqual([
      [1, 'pass in proto tcp from any to any port 22'],
      [3, 'block all'],
    ]);
  });

  test('reads tables with flags and addresses, and rules that refer to them', () => {
    const v = PfConfView.parse('table <mgmt> persist const { 10.0.0.0/8, 2001:db8::/32 }\npass in proto tcp from <mgmt> to self port 22 keep state (max 100, no-sync)\n');
    expect(v.tables).toEqual([{
      name: 'mgmt', flags: ['persist', 'const'], addresses: ['10.0.0.0/8', '2001:db8::/32'], line: 1,
      persist: true, constant: true, counters: false, files: [], initialized: true,
    }]);
    const r = v.rules[0];
    expect(r.from).toEqual(['<mgmt>']);
    expect(r.to).toEqual(['self']);
    expect(r.toPorts).toEqual(['22']);
    expect(r.state).toBe('keep');
    expect(r.stateOptions).toEqual(['max 100', 'no-sync']);
  });

  test('port ranges, operators and negation are kept in readable form', () => {
    const v = PfConfView.parse('pass in proto { tcp udp } from ! 10.0.0.1 port > 1023 to any port 1024:65535\npass in proto tcp to any port 6000 >< 6010\n');
    expect(v.rules[0].protocols).toEqual(['tcp', 'udp']);
    expect(v.rules[0].from).toEqual(['!10.0.0.1']);
    expect(v.rules[0].fromPorts).toEqual(['> 1023']);
    expect(v.rules[0].toPorts).toEqual(['1024:65535']);
    expect(v.rules[1].toPorts).toEqual(['6000 >< 6010']);
    expect(v.problems).toEqual([]);
  });

  test('reports statements out of pfctl\'s required order with their line', () => {
    const v = PfConfView.parse('block all\nset block-policy drop\nscrub in all\n');
    expect(v.orderErrors).toEqual([
      { line: 2, message: 'options after filtering: Rules must be in order: options, ethernet, normalization, queueing, translation, filtering' },
      { line: 3, message: 'normalization after filtering: Rules must be in order: options, ethernet, normalization, queueing, translation, filtering' },
    ]);
  });

  test('as in FreeBSD 14\'s parse.y, set skip, set state-policy and set hostid are outside the order check (set timeout is not)', () => {
    const v = PfConfView.parse('block all\nset skip on lo\nset state-policy if-bound\nset hostid 7\nset timeout interval 10\n');
    expect(v.orderErrors.map((e) => e.line)).toEqual([5]);
    expect(v.settings.skip).toEqual(['lo']);
    expect(v.settings.statePolicy).toBe('if-bound');
  });

  test('macros and tables may appear anywhere; the order check ignores them', () => {
    const v = PfConfView.parse('set skip on lo\nif = "em0"\ntable <t> { 10.0.0.1 }\nscrub in all\nnat on $if from 10.0.0.0/8 to any -> ($if)\npass on $if\n');
    expect(v.orderErrors).toEqual([]);
    expect(v.translation.map((t) => t.text)).toEqual(['nat on em0 from 10.0.0.0/8 to any -> (em0)']);
    expect(v.rules[0].interfaces).toEqual(['em0']);
  });

  test('reports a macro used before it is defined, as pfctl does', () => {
    const v = PfConfView.parse('pass in on $ext_if all\next_if = "vtnet0"\n');
    expect(v.undefinedMacros).toEqual([{ line: 1, message: "macro 'ext_if' not defined" }]);
  });

  test('macros are not expanded inside quotes', () => {
    const v = PfConfView.parse('a = "x"\npass all label "$a"\n');
    expect(v.rules[0].label).toBe('$a');
    expect(v.undefinedMacros).toEqual([]);
  });

  test('words it does not understand are listed, not dropped silently', () => {
    const v = PfConfView.parse('pass in all frobnicate\nwhatever this is\n');
    expect(v.rules[0].unparsed).toEqual(['frobnicate']);
    expect(v.unreadable.map((p) => p.line)).toEqual([1, 2]);
  });

  test('block policy per rule and icmp codes are read', () => {
    const v = PfConfView.parse('block return in inet proto icmp icmp-type unreach code needfrag\n');
    expect(v.rules[0].blockPolicy).toBe('return');
    expect(v.rules[0].icmpTypes).toEqual(['unreach code needfrag']);
  });
});
