/** Unit tests of the CLI's pure helpers: argument parsing, colour choice, sizes, templates. */
import { describe, expect, test } from 'vitest';
import { parseSynthArgs } from '../../lib/cli/args';
import { fillTemplate, packageNameFor } from '../../lib/cli/cdkbsd';
import { checkerFor, redactQuoted } from '../../lib/cli/check';
import { UsageError } from '../../lib/cli/errors';
import { colourWanted, formatBytes, shortList } from '../../lib/cli/format';

describe('parseSynthArgs', () => {
  test('defaults: no entry, diagram on, everything else off', () => {
    expect(parseSynthArgs([])).toEqual({
      entry: undefined, out: undefined, check: false, diff: false, dryRun: false, quiet: false, json: false, diagram: true, help: false, version: false,
    });
  });

  test('every option, long and short', () => {
    expect(parseSynthArgs(['app.ts', '-o', 'x', '--check', '--diff', '-n', '-q', '--json', '--no-diagram'])).toMatchObject({
      entry: 'app.ts', out: 'x', check: true, diff: true, dryRun: true, quiet: true, json: true, diagram: false,
    });
    expect(parseSynthArgs(['--out=y', '-h', '-v'])).toMatchObject({ out: 'y', help: true, version: true });
  });

  test('two entries, an unknown option and an empty --out are usage errors', () => {
    expect(() => parseSynthArgs(['a.ts', 'b.ts'])).toThrow(new UsageError('One entry at most; got 2: a.ts b.ts'));
    expect(() => parseSynthArgs(['--nope'])).toThrow("Unknown option '--nope'.");
    expect(() => parseSynthArgs(['--out', ''])).toThrow('--out needs a folder');
  });
});

describe('colourWanted', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  test.each([
    [tty, {}, true],
    [pipe, {}, false],
    [tty, { NO_COLOR: '1' }, false],
    [tty, { NO_COLOR: '' }, true], // no-color.org: only a non-empty value counts
    [tty, { TERM: 'dumb' }, false],
    [pipe, { FORCE_COLOR: '1' }, true],
    [tty, { FORCE_COLOR: '0' }, false],
    [pipe, { FORCE_COLOR: '1', NO_COLOR: '1' }, true],
  ])('%o with %o → %s', (stream, env, want) => {
    expect(colourWanted(stream, env as NodeJS.ProcessEnv)).toBe(want);
  });
});

test('formatBytes uses SI units with one decimal below 100', () => {
  expect([0, 999, 1000, 1234, 99_949, 123_456, 1_500_000].map(formatBytes)).toEqual(['0 B', '999 B', '1.0 kB', '1.2 kB', '99.9 kB', '123 kB', '1.5 MB']);
});

test('shortList cuts after four items', () => {
  expect(shortList(['a', 'b'])).toBe('a, b');
  expect(shortList(['a', 'b', 'c', 'd', 'e', 'f'])).toBe('a, b, c, d and 2 more');
});

test('checkerFor picks haproxy -c, pfctl or sh -n by path and shebang', () => {
  expect(checkerFor({ path: '/usr/local/etc/haproxy.conf', content: '' })).toBe('haproxy');
  expect(checkerFor({ path: '/etc/pf.conf', content: '' })).toBe('pfctl');
  expect(checkerFor({ path: '/etc/rc.conf', content: '' })).toBe('sh');
  expect(checkerFor({ path: '/etc/rc.conf.d/haproxy', content: '' })).toBe('sh');
  expect(checkerFor({ path: '/usr/local/libexec/watch', content: '#!/bin/sh\necho\n' })).toBe('sh');
  expect(checkerFor({ path: '/etc/sysctl.conf', content: 'a=1\n' })).toBeUndefined();
});

test('redactQuoted hides every quoted word of a tool message', () => {
  expect(redactQuoted(`unknown keyword 's3cret' in "global" section; \`x\``)).toBe('unknown keyword «redacted» in «redacted» section; «redacted»');
});

test('init names the package after the folder, as npm allows', () => {
  expect(packageNameFor('My Infra')).toBe('my-infra');
  expect(packageNameFor('.hidden')).toBe('hidden');
  expect(packageNameFor('***')).toBe('cdkbsd-app');
  expect(fillTemplate('{{name}}@{{v}}', { name: 'a', v: '1' })).toBe('a@1');
  expect(() => fillTemplate('{{missing}}', {})).toThrow('template placeholder {{missing}} has no value');
});
