/** Unit tests of the CLI's pure helpers: argument parsing, colour choice, sizes, templates. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import { parseSynthArgs } from '../../lib/cli/args';
import { fillTemplate, packageNameFor } from '../../lib/cli/cdkbsd';
import { checkerFor, redactQuoted } from '../../lib/cli/check';
import { codeFrame, describeAppError, isUserFile, parseStack } from '../../lib/cli/app-error';
import { UsageError } from '../../lib/cli/errors';
import { colourWanted, formatBytes, shortList, styleFor } from '../../lib/cli/format';
import { readStaged, stagingPath } from '../../lib/cli/staged';

describe('parseSynthArgs', () => {
  test('defaults: no entry, diagram on, everything else off', () => {
    expect(parseSynthArgs([])).toEqual({
      entry: undefined, out: undefined, check: false, diff: false, write: false, dryRun: false, typecheck: false, quiet: false, json: false, diagram: true, help: false, version: false,
    });
  });

  test('every option, long and short', () => {
    expect(parseSynthArgs(['app.ts', '-o', 'x', '--check', '--diff', '-n', '-q', '--json', '--no-diagram', '--typecheck'])).toMatchObject({
      entry: 'app.ts', out: 'x', check: true, diff: true, dryRun: true, quiet: true, json: true, diagram: false, typecheck: true,
    });
    expect(parseSynthArgs(['--diff', '--write'])).toMatchObject({ diff: true, write: true, dryRun: false });
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

describe('errors of the app', () => {
  const lib = '/home/u/proj/node_modules/cdkbsd/lib';
  test('parseStack reads named and anonymous frames, file URLs too; isUserFile leaves out node_modules, node and cdkbsd', () => {
    const frames = parseStack([
      'TypeError: x is not a function',
      '    at buildApp (/home/u/proj/main.ts:10:11)',
      '    at /home/u/proj/lib/util.ts:3:5',
      '    at file:///home/u/proj/esm.mjs:2:1',
      '    at Module._compile (node:internal/modules/cjs/loader:1521:14)',
      '    at new Carp (/home/u/proj/node_modules/cdkbsd/lib/carp/carp-cluster.js:40:9)',
      '    at <anonymous>',
    ].join('\n'));
    expect(frames).toEqual([
      { fn: 'buildApp', file: '/home/u/proj/main.ts', line: 10, column: 11 },
      { fn: undefined, file: '/home/u/proj/lib/util.ts', line: 3, column: 5 },
      { fn: undefined, file: '/home/u/proj/esm.mjs', line: 2, column: 1 },
      { fn: 'new Carp', file: '/home/u/proj/node_modules/cdkbsd/lib/carp/carp-cluster.js', line: 40, column: 9 },
    ]);
    expect(frames.map((f) => isUserFile(f.file, '/repo/lib'))).toEqual([true, true, true, false]);
    expect(isUserFile('/repo/lib/core/app.ts', '/repo/lib')).toBe(false);
    expect(isUserFile('/repo/library.ts', '/repo/lib')).toBe(true);
  });

  test('an error raised inside cdkbsd is placed at the user\'s call, and says so', () => {
    const e = new TypeError("Cannot read properties of undefined (reading 'x')");
    e.stack = [
      `TypeError: ${e.message}`,
      `    at render (${lib}/haproxy/render.js:12:3)`,
      '    at main (/home/u/proj/main.ts:20:7)',
    ].join('\n');
    expect(describeAppError(e, lib)).toEqual({
      kind: 'runtime', message: "TypeError: Cannot read properties of undefined (reading 'x')",
      location: { fn: 'main', file: '/home/u/proj/main.ts', line: 20, column: 7 }, callers: [], insideLibrary: true,
    });
    // Raised in a package cdkbsd called (constructs), from the user's call: inside cdkbsd too.
    const viaDep = new Error('Only root constructs may have an empty ID');
    viaDep.stack = [
      `Error: ${viaDep.message}`,
      '    at new Node (/home/u/proj/node_modules/constructs/lib/construct.js:60:13)',
      `    at FreeBsdHost.addInterface (${lib}/core/host.js:120:5)`,
      '    at Object.<anonymous> (/home/u/proj/main.ts:4:3)',
    ].join('\n');
    expect(describeAppError(viaDep, lib)).toMatchObject({ location: { file: '/home/u/proj/main.ts', line: 4, column: 3 }, insideLibrary: true });
    // The user's own throw: not inside cdkbsd, however deep in the user's files.
    const own = new Error('no backends configured');
    own.stack = `Error: ${own.message}\n    at load (/home/u/proj/backends.ts:3:9)\n    at main (/home/u/proj/main.ts:8:1)`;
    expect(describeAppError(own, lib)).toMatchObject({ location: { file: '/home/u/proj/backends.ts', line: 3, column: 9 }, insideLibrary: false, callers: [{ fn: 'main', file: '/home/u/proj/main.ts', line: 8, column: 1 }] });
    expect(describeAppError('plain string', lib).message).toBe('a value that is not an Error was thrown: "plain string"');
  });

  test('esbuild\'s syntax error gives the place with the column in characters, counted from 1', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-units-'));
    const file = path.join(dir, 'main.ts');
    fs.writeFileSync(file, "const s = 'é'; const x = (;\n");
    const col0 = Buffer.byteLength("const s = 'é'; const x = (", 'utf8'); // esbuild: bytes, from 0
    const r = describeAppError(new Error(`Transform failed with 1 error:\n${file}:1:${col0}: ERROR: Unexpected ";"`), lib);
    expect(r).toMatchObject({ kind: 'syntax', message: 'Unexpected ";"', location: { file, line: 1, column: "const s = 'é'; const x = (".length + 1 } });
    fs.rmSync(dir, { recursive: true });
  });

  test('codeFrame: two lines around, the line marked, the caret under the column (tabs kept)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-units-'));
    const file = path.join(dir, 'main.ts');
    fs.writeFileSync(file, ['a', 'b', 'c', '\tcarp.addVIP(1);', 'e', 'f', 'g', ''].join('\n'));
    expect(codeFrame({ file, line: 4, column: 7 }, styleFor(false))).toBe([
      '  2 | b',
      '  3 | c',
      '> 4 | \tcarp.addVIP(1);',
      '    | \t     ^',
      '  5 | e',
      '  6 | f',
    ].join('\n'));
    expect(codeFrame({ file, line: 9, column: 1 }, styleFor(false))).toBe('');
    expect(codeFrame({ file: path.join(dir, 'missing.ts'), line: 1, column: 1 }, styleFor(false))).toBe('');
    fs.rmSync(dir, { recursive: true });
  });
});

describe('the staging folder', () => {
  test('is a sibling of the output folder named after it and the pid', () => {
    expect(stagingPath('/srv/infra/dist', 4242)).toBe('/srv/infra/.cdkbsd-staging-dist-4242');
  });

  test('readStaged refuses a folder whose files do not match the manifest', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-units-'));
    fs.mkdirSync(path.join(dir, 'a.example.net', 'etc'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'a.example.net', 'etc', 'rc.conf'), 'hostname="a"\n');
    const manifest = {
      generator: 'cdkbsd', version: '0.1.0',
      hosts: [{ hostname: 'a.example.net', construct: 'A', files: [{ path: '/etc/rc.conf', output: 'a.example.net/etc/rc.conf', mode: '0644', bytes: 13, sha256: 'f'.repeat(64), producer: 'A', secret: false }] }],
      files: [], warnings: [{ path: 'A', message: 'risky', value: 'v' }],
    };
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    expect(() => readStaged(dir)).toThrow('the staged file a.example.net/etc/rc.conf does not match its entry in manifest.json');
    manifest.hosts[0].files[0].sha256 = require('crypto').createHash('sha256').update('hostname="a"\n').digest('hex');
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    const s = readStaged(dir);
    expect(s.hosts[0].files[0]).toEqual({ path: '/etc/rc.conf', content: 'hostname="a"\n', mode: 0o644, secret: false, producer: 'A', target: 'host' });
    expect(s.warnings).toEqual([{ path: 'A', message: 'risky', value: 'v', severity: 'warning' }]);
    fs.rmSync(dir, { recursive: true });
  });
});
