// Injection: every string prop of every construct (the named sites of the full fixture) gets
// quotes, $( ), backticks, newlines, #, ;, braces, NUL, backslashes … appended to its valid
// default. Either synthesis fails with a ValidationError that names the construct, or every file
// reads back (sourced by /bin/sh, tokenized as pfctl and HAProxy do, parsed as YAML) with the same
// structure as the baseline and the value intact where the default was. Accepted haproxy.conf
// changes are also checked with `haproxy -c`.
import { describe, expect, test } from 'vitest';
import { HaproxyCheck } from '../../lib/testing/tools';
import { describeError } from './fixtures';
import { haproxyChecks, PAYLOADS, probe, sites } from './injection-probe';
import { pfctlLex } from './pfctl-lexer';

describe('injection: hostile text in every string prop is rejected with the construct path, or passes through intact', () => {
  test('the fixture offers every string prop of every construct as a site', () => {
    expect(sites.length).toBeGreaterThanOrEqual(70);
    for (const prefix of ['host1.', 'rc.', 'sysctl.', 'loader.', 'file.', 'cluster.', 'vip.', 'haproxy.', 'frontend.', 'cert.', 'route.', 'backend.',
      'server.', 'healthCheck.', 'stats.', 'peers.', 'pf.', 'table.', 'rule.', 'deploy.']) {
      expect(sites.some((s) => s.startsWith(prefix)), prefix).toBe(true);
    }
  });

  for (const site of sites) {
    // Sites that found bugs (see /work/notes/robustness-bugs.md): BUG-1 rule.comment and rule2.id
    // (a trailing backslash swallowed the next pf.conf line), BUG-2 rule.label, BUG-3 cert.* (NUL),
    // BUG-4 sites whose raw value (newline) lands in an error message, BUG-5 loader.value.
    test(`site ${site}`, () => {
      const failures: string[] = [];
      for (const payload of PAYLOADS) {
        for (const p of probe(site, payload)) failures.push(`${JSON.stringify(payload)}: ${p}`);
      }
      expect(failures).toEqual([]);
    });
  }

  test.skipIf(HaproxyCheck.shouldSkip())('every accepted haproxy.conf change passes haproxy -c (at most 25 distinct configs)', () => {
    expect(haproxyChecks.length).toBeGreaterThan(0); // the stats password, at least, passes through
    const failures: string[] = [];
    for (const c of haproxyChecks.slice(0, 25)) {
      try {
        const r = HaproxyCheck.check(c.conf);
        if (!r.ok) failures.push(`${c.site} + ${JSON.stringify(c.payload)}: ${r.warnings.join(' | ')}`);
      } catch (e) {
        failures.push(`${c.site} + ${JSON.stringify(c.payload)}: haproxy -c could not run: ${describeError(e)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('the pfctl lexer used as oracle follows parse.y', () => {
  test('a backslash at the end of a comment joins the next line to the comment (lgetc(0) in the comment loop)', () => {
    const r = pfctlLex('pass in all  # note\\\nblock in all\npass out all\n');
    expect(r.statements.map((s) => s.map((t) => t.text).join(' '))).toEqual(['pass in all', 'pass out all']);
  });

  test('a backslash before the closing quote escapes it, and a newline inside quotes does not end the string', () => {
    const r = pfctlLex('pass all label "x\\"  # c\nblock all label "y"\n');
    expect(r.statements).toHaveLength(1);
    expect(r.statements[0].find((t) => t.kind === 'string')!.text).toBe('x"  # cblock all label ');
  });

  test('macros expand outside quotes only', () => {
    const r = pfctlLex('ext_if = "vnet0"\npass on $ext_if all label "$ext_if"\n');
    expect(r.statements[1].map((t) => t.text)).toEqual(['pass', 'on', 'vnet0', 'all', 'label', '$ext_if']);
  });
});
