/**
 * End-to-end tests of `synth`: the real CLI (bin/synth) as a child process, on the main example
 * and on fixture apps (test/cli/fixtures), with real output folders in a temporary directory.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { applyPatch, parsePatch } from 'diff';
import { afterAll, describe, expect, test } from 'vitest';
import { HaproxyCheck } from '../../lib/testing/tools';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'synth');
const FIXTURES = path.join(__dirname, 'fixtures');
const EXAMPLE = path.join(ROOT, 'examples', 'ha-reverse-proxy', 'main.ts');
const VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-cli-test-'));
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));
let n = 0;
const freshDir = () => path.join(tmpRoot, `case-${++n}`);

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function synth(args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  delete env.CDKBSD_OUTDIR;
  delete env.CDKBSD_NO_DIAGRAM;
  Object.assign(env, opts.env);
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const fixture = (name: string) => path.join(FIXTURES, name);

/** Every file under `dir` (relative path → content), siblings excluded. */
function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else out[r] = fs.readFileSync(path.join(d, e.name), 'utf8');
    }
  };
  walk(dir, '');
  return out;
}

/** Names next to `outdir` that a synth into it may leave behind (temp, old, lock, staging). */
function leftovers(outdir: string): string[] {
  const base = path.basename(outdir);
  return fs.readdirSync(path.dirname(outdir)).filter((x) => x.startsWith(`.${base}.`) || x.replace(/^\.+/, '').startsWith(`cdkbsd-staging-${base}-`));
}

const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

describe('synth --help and --version', () => {
  test('--help prints the usage with every option and the exit statuses, exit 0', () => {
    const r = synth(['--help']);
    expect(r.code).toBe(0);
    for (const opt of ['--out DIR', '--check', '--diff', '--write', '--dry-run', '--typecheck', '--no-diagram', '--quiet', '--json', '--help', '--version']) {
      expect(r.stdout).toContain(opt);
    }
    const statuses = r.stdout.split('Exit status:')[1].split('\n').map((l) => /^\s+(\d)\s/.exec(l)?.[1]).filter(Boolean);
    expect(statuses).toEqual(['0', '1', '2', '3']);
    expect(r.stderr).toBe('');
  });

  test('--version prints the package version alone, exit 0', () => {
    const r = synth(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${VERSION}\n`);
  });

  test('an unknown option is exit 1 with the option named, a pointer to --help and no stack trace', () => {
    const r = synth(['--frobnicate']);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe("error: Unknown option '--frobnicate'.");
    expect(r.stderr).toContain('synth --help');
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(r.stdout).toBe('');
  });
});

describe('synth on the main example', () => {
  const out = freshDir();
  const r = synth([EXAMPLE, '--out', out, '--no-diagram']);
  const manifest = r.code === 0 ? JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) : undefined;

  test('exit 0 and every file of the manifest is written with its checksum and mode', () => {
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(manifest.hosts.map((h: any) => h.hostname)).toEqual(['haproxy01.example.net', 'haproxy02.example.net']);
    for (const h of manifest.hosts) {
      for (const f of h.files) {
        const full = path.join(out, f.output);
        const buf = fs.readFileSync(full);
        expect(createHash('sha256').update(buf).digest('hex')).toBe(f.sha256);
        expect(`0${(fs.statSync(full).mode & 0o7777).toString(8)}`).toBe(f.mode);
      }
    }
    expect(leftovers(out)).toEqual([]);
  });

  test('the summary gives hosts, files and bytes as in the manifest, and where the output went', () => {
    const lines = r.stdout.split('\n');
    const hostFiles = manifest.hosts.flatMap((h: any) => h.files);
    const files = hostFiles.length + manifest.files.length;
    const bytes = [...hostFiles, ...manifest.files].reduce((a: number, f: any) => a + f.bytes, 0);
    expect(lines[0]).toMatch(new RegExp(`^✔ Synthesized examples/ha-reverse-proxy/main\\.ts into ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/ in \\d+\\.\\d\\d s$`));
    expect(lines[1]).toBe(`  2 hosts, ${files} files, ${(bytes / 1000).toFixed(1)} kB (and manifest.json)`);
    for (const h of manifest.hosts) {
      const line = lines.find((l) => l.trimStart().startsWith(h.hostname));
      expect(line).toBeDefined();
      expect(line).toMatch(new RegExp(`${h.files.length} files\\s+[\\d.]+ k?B\\s+VNET jail$`));
    }
  });

  test('the summary says which files of the VNET jails go to the jail\'s host', () => {
    const jailHost = manifest.hosts.flatMap((h: any) => h.files.filter((f: any) => f.target === 'jail-host').map((f: any) => f.path));
    expect(jailHost.length).toBeGreaterThan(0);
    const section = r.stdout.split("install on the jail's host, not inside the jail:\n")[1];
    for (const p of new Set<string>(jailHost)) {
      expect(section).toMatch(new RegExp(`^    ${p} +haproxy01\\.example\\.net, haproxy02\\.example\\.net$`, 'm'));
    }
  });

  test('no secret value reaches the output (the CARP password is in rc.conf, not in the summary)', () => {
    const rc = fs.readFileSync(path.join(out, 'haproxy01.example.net/etc/rc.conf'), 'utf8');
    const pass = /pass (\S+)/.exec(rc)?.[1];
    expect(pass).toBeDefined();
    expect(r.stdout + r.stderr).not.toContain(pass!);
  });

  test('output is not coloured on a pipe, and FORCE_COLOR=1 colours it', () => {
    expect(r.stdout).not.toContain('\x1b[');
    const forced = synth([EXAMPLE, '--out', freshDir(), '--no-diagram'], { env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toContain('\x1b[32m✔\x1b[39m');
  });
});

describe('entry resolution', () => {
  const libIndex = path.join(ROOT, 'lib');
  const appSource = (hostname: string) => [
    `import { App, FreeBsdHost } from ${JSON.stringify(libIndex)};`,
    'const app = new App();',
    `new FreeBsdHost(app, 'A', { hostname: '${hostname}' }).addInterface('vtnet0', { ipv4: '192.0.2.11/24' });`,
    'app.synth();',
  ].join('\n');

  test('without an argument, the "app" of cdkbsd.json is run, relative to the working directory; the default outdir is dist', () => {
    const dir = freshDir();
    fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'src', 'infra.ts'), appSource('from-config.example.net'));
    fs.writeFileSync(path.join(dir, 'main.ts'), appSource('from-main.example.net'));
    fs.writeFileSync(path.join(dir, 'cdkbsd.json'), JSON.stringify({ app: 'src/infra.ts' }));
    const r = synth(['--no-diagram'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'dist')).sort()).toEqual(['from-config.example.net', 'manifest.json']);
  });

  test('without an argument or cdkbsd.json, main.ts is run', () => {
    const dir = freshDir();
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'main.ts'), appSource('from-main.example.net'));
    const r = synth(['--out', 'out', '--no-diagram'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'out')).sort()).toEqual(['from-main.example.net', 'manifest.json']);
  });

  test('no entry at all is exit 1 with what to do, and no stack trace', () => {
    const dir = freshDir();
    fs.mkdirSync(dir);
    const r = synth([], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: No app to run in ${dir}`);
    expect(r.stderr).toContain('npx cdkbsd init');
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  test('a missing explicit entry and a cdkbsd.json "app" that is a command are exit 1', () => {
    const dir = freshDir();
    fs.mkdirSync(dir);
    expect(synth(['nope.ts'], { cwd: dir }).stderr).toContain('error: The entry nope.ts (given on the command line) does not exist.');
    fs.writeFileSync(path.join(dir, 'cdkbsd.json'), JSON.stringify({ app: 'npx ts-node main.ts' }));
    const r = synth([], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"app" must be a file path, not a command');
  });

  test('an async entry (app.synth() after an await) is waited for', () => {
    const out = freshDir();
    const r = synth([fixture('async.ts'), '--out', out]);
    expect(r.code).toBe(0);
    expect(readTree(out)['a.example.net/etc/rc.conf']).toContain('hostname="a.example.net"');
  });

  test('an entry that never calls app.synth(), or creates no App, is exit 1 saying so; nothing is written', () => {
    for (const f of ['nosynth.ts', 'noapp.ts']) {
      const out = freshDir();
      const r = synth([fixture(f), '--out', out]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`error: test/cli/fixtures/${f} ran but never called app.synth(): nothing arrived in the folder synth passes to it as CDKBSD_OUTDIR.`);
      expect(r.stderr).toContain('end the entry with `app.synth()`');
      expect(r.stderr).not.toMatch(STACK_FRAME);
      expect(fs.existsSync(out)).toBe(false);
      expect(leftovers(out)).toEqual([]);
    }
  });

  test('require.main is the entry, as under node: the example\'s guard holds without CDKBSD_CLI', () => {
    const dir = freshDir();
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'main.ts'), appSource('x.example.net').replace('app.synth();', 'if (require.main === module) app.synth(); else process.exit(9);'));
    const r = synth(['--out', 'out'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'out', 'x.example.net'))).toBe(true);
  });
});

describe('failures', () => {
  /** A folder holding a previous good synth (variant a). */
  function previousOutput(): { out: string; before: Record<string, string> } {
    const out = freshDir();
    expect(synth([fixture('variant.ts'), '--out', out]).code).toBe(0);
    return { out, before: readTree(out) };
  }

  test('a broken app: exit 1, every error with its construct path, no stack trace, nothing written', () => {
    const { out, before } = previousOutput();
    const r = synth([fixture('broken.ts'), '--out', out]);
    expect(r.code).toBe(1);
    const errorLines = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(errorLines.map((l) => /^error: \[([^\]]+)\]/.exec(l)?.[1])).toEqual(['Carp', 'Carp', 'Carp/Vip', 'HostB/vtnet0']);
    expect(r.stderr).toMatch(/^error: \[Carp\/Vip\] vhid must be an integer from 1 to 255\n\s+got:\s+"999"\n\s+allowed:\s+integers 1–255$/m);
    expect(r.stderr).toMatch(/^error: \[HostB\/vtnet0\] .*\n\s+got:\s+"192\.0\.2\.300\/24"$/m);
    expect(r.stderr).toContain(`Validation failed with 4 errors; nothing was written (${out}/ is unchanged).`);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(r.stderr).not.toContain('has-a-hyphen'); // the rejected password is a secret too
    expect(r.stdout).toBe('');
    expect(readTree(out)).toEqual(before);
    expect(leftovers(out)).toEqual([]);
  });

  test('--json on a broken app: every error as {path, message, value, allowed}, exit 1', () => {
    const r = synth([fixture('broken.ts'), '--out', freshDir(), '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.ok).toBe(false);
    expect(j.exitCode).toBe(1);
    expect(j.errors.map((e: any) => [e.kind, e.path])).toEqual([['validation', 'Carp'], ['validation', 'Carp'], ['validation', 'Carp/Vip'], ['validation', 'HostB/vtnet0']]);
    expect(j.errors[2]).toMatchObject({ message: 'vhid must be an integer from 1 to 255', value: '999', allowed: 'integers 1–255' });
    expect(r.stdout).not.toContain('has-a-hyphen');
  });

  test('a TypeError in the app is the app\'s error: exit 1, its line (source-mapped), a code frame, no frame of node, tsx or cdkbsd; nothing written', () => {
    const { out, before } = previousOutput();
    const r = synth([fixture('fault.ts'), '--out', out]);
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe("error: TypeError: Cannot read properties of undefined (reading 'address')");
    const src = fs.readFileSync(fixture('fault.ts'), 'utf8').split('\n');
    const col = src[6].indexOf('props.address') + 1 + 'props.'.length; // V8 points at the property read
    expect(lines[1]).toBe(`    at test/cli/fixtures/fault.ts:7:${col}`);
    expect(r.stderr).toContain(`> 7 | ${src[6]}\n    | ${' '.repeat(col - 1)}^\n`);
    expect(r.stderr).not.toContain('called from'); // the top level of the entry: no caller
    expect(r.stderr).toContain(`  6 | ${src[5]}\n`); // the lines around it
    expect(r.stderr).not.toMatch(/node_modules|node:internal|\/lib\/|internal error/);
    expect(r.stderr).toContain(`The app threw this error (not a validation finding); nothing was written (${out}/ is unchanged).`);
    expect(readTree(out)).toEqual(before);
  });

  test('a misspelt method (carp.addVIP) points at the user\'s call; --json gives the same as data', () => {
    const r = synth([fixture('typo.ts'), '--out', freshDir()]);
    expect(r.code).toBe(1);
    const src = fs.readFileSync(fixture('typo.ts'), 'utf8').split('\n');
    const line = src.findIndex((l) => l.includes('cluster.addVIP(')) + 1;
    const col = src[line - 1].indexOf('cluster.addVIP') + 1 + 'cluster.'.length;
    expect(r.stderr.split('\n').slice(0, 2)).toEqual(['error: TypeError: cluster.addVIP is not a function', `    at test/cli/fixtures/typo.ts:${line}:${col}`]);
    expect(r.stderr).toMatch(new RegExp(`^> ${line} \\| .*cluster\\.addVIP\\('Web'`, 'm'));
    // The call is inside buildApp, called from the entry's last line: the user's frames only.
    expect(r.stderr).toMatch(new RegExp(`\\n {4}called from test/cli/fixtures/typo\\.ts:${src.length - 1}:1\\nThe app threw`));
    expect(r.stderr).not.toMatch(/node_modules|node:internal|\/lib\//);
    const j = JSON.parse(synth([fixture('typo.ts'), '--out', freshDir(), '--json']).stdout);
    expect(j).toMatchObject({ ok: false, exitCode: 1 });
    expect(j.errors).toEqual([{ kind: 'app', message: 'TypeError: cluster.addVIP is not a function', location: `test/cli/fixtures/typo.ts:${line}:${col}` }]);
  });

  test('a module that cannot be found is placed at the import; a missing package gets the hint to install it', () => {
    const rel = synth([fixture('missing-import.ts'), '--out', freshDir()]);
    expect(rel.code).toBe(1);
    expect(rel.stderr.split('\n').slice(0, 2)).toEqual(["error: Cannot find module './backendz'", '    at test/cli/fixtures/missing-import.ts:3:26']);
    expect(rel.stderr).toContain("> 3 | import { backends } from './backendz';\n    |                          ^\n");
    expect(rel.stderr).not.toContain('npm install');
    expect(rel.stderr).not.toMatch(/Require stack|node_modules|bin\/launch/);
    const pkg = synth([fixture('missing-package.ts'), '--out', freshDir()]);
    expect(pkg.code).toBe(1);
    expect(pkg.stderr.split('\n').slice(0, 2)).toEqual(["error: Cannot find module 'cdkbsd-test-no-such-package'", '    at test/cli/fixtures/missing-package.ts:3:22']);
    expect(pkg.stderr).toContain('The package cdkbsd-test-no-such-package is not installed for the app: `npm install cdkbsd-test-no-such-package` (or `npm install` if package.json lists it).');
  });

  test('an error escaping the app asynchronously (an unhandled rejection) is the app\'s error too, exit 1', () => {
    const out = freshDir();
    const r = synth([fixture('async-fault.ts'), '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe('error: the backend list could not be loaded');
    expect(r.stderr).toMatch(/^ {4}at test\/cli\/fixtures\/async-fault\.ts:\d+:\d+$/m);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('a syntax error in the app is exit 1 with file:line:column and a code frame, not esbuild\'s wording', () => {
    const r = synth([fixture('syntax-error.ts'), '--out', freshDir()]);
    expect(r.code).toBe(1);
    const src = fs.readFileSync(fixture('syntax-error.ts'), 'utf8').split('\n');
    const col = src[2].indexOf(';') + 1;
    expect(r.stderr.split('\n')[0]).toBe(`error: syntax error in test/cli/fixtures/syntax-error.ts:3:${col}: Unexpected ";"`);
    expect(r.stderr).toContain(`> 3 | ${src[2]}\n    | ${' '.repeat(col - 1)}^\n`);
    expect(r.stderr).not.toMatch(/Transform failed|ERROR:|esbuild/);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(r.stderr).toContain('The app does not parse; nothing was written');
  });

  test('a syntax error in a JavaScript entry (V8\'s) is shown the same way', () => {
    const r = synth([fixture('syntax-error.cjs'), '--out', freshDir()]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(/^error: syntax error in test\/cli\/fixtures\/syntax-error\.cjs:3:\d+: /);
    expect(r.stderr).toMatch(/^> 3 \| /m);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  test('an output folder that cdkbsd did not write is refused: exit 1, the folder untouched', () => {
    const out = freshDir();
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'precious.txt'), 'mine');
    const r = synth([fixture('variant.ts'), '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: Output folder .* is not empty and was not written by cdkbsd/);
    expect(readTree(out)).toEqual({ 'precious.txt': 'mine' });
  });
});

test('a file system error (the output folder under a regular file) is exit 1 with the system message, no stack trace', () => {
  const file = path.join(freshDir());
  fs.writeFileSync(file, 'not a folder');
  const r = synth([fixture('variant.ts'), '--out', path.join(file, 'out')]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^error: E[A-Z]+: /);
  expect(r.stderr).not.toMatch(STACK_FRAME);
  expect(fs.readFileSync(file, 'utf8')).toBe('not a folder');
});

test('an App with its own outdir writes there by itself, past synth: exit 1 naming the cause, nothing in --out', () => {
  const dir = freshDir();
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'main.ts'), [
    `import { App, FreeBsdHost } from ${JSON.stringify(path.join(ROOT, 'lib'))};`,
    "const app = new App({ outdir: 'own' });",
    "new FreeBsdHost(app, 'A', { hostname: 'a.example.net' });",
    'app.synth();',
  ].join('\n'));
  const r = synth(['--out', 'wanted', '--no-diagram'], { cwd: dir });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('error: main.ts ran but never called app.synth()');
  expect(r.stderr).toContain('An App given its own `outdir` writes there by itself, past --check, --diff and --dry-run: leave `outdir` out and choose the folder with `synth --out DIR`.');
  expect(fs.existsSync(path.join(dir, 'own', 'manifest.json'))).toBe(true); // the app's own doing
  expect(fs.readdirSync(dir).sort()).toEqual(['main.ts', 'own']);
});

describe('warnings, --quiet, --dry-run', () => {
  test('warnings go to stderr with their construct path; the synth succeeds', () => {
    const r = synth([fixture('variant.ts'), '--out', freshDir()], { env: { CLI_TEST_VARIANT: 'warn' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: \[Lonely\] A CARP cluster with one member has nothing to fail over to\n\s+got:\s+"w\.example\.net"/m);
    expect(r.stdout).toMatch(/^ {2}1 warning \(above\)$/m);
  });

  test('--quiet prints nothing on success', () => {
    const out = freshDir();
    const r = synth([fixture('variant.ts'), '--out', out, '--quiet'], { env: { CLI_TEST_VARIANT: 'warn' } });
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toBe('');
    expect(fs.existsSync(path.join(out, 'manifest.json'))).toBe(true);
  });

  test('--dry-run validates and writes nothing', () => {
    const out = freshDir();
    const r = synth([fixture('variant.ts'), '--out', out, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✔ Validated test\/cli\/fixtures\/variant\.ts in [\d.]+ s \(dry run: .* untouched\)$/m);
    expect(fs.existsSync(out)).toBe(false);
    expect(leftovers(out)).toEqual([]);
  });
});

describe('--diff', () => {
  test('a per-host, per-file unified diff that turns the old output into the new; secret files only say they changed; exit 3', () => {
    const out = freshDir();
    expect(synth([fixture('variant.ts'), '--out', out]).code).toBe(0);
    const before = readTree(out);
    const r = synth([fixture('variant.ts'), '--out', out, '--diff', '--write'], { env: { CLI_TEST_VARIANT: 'b' } });
    expect(r.code).toBe(3);
    const after = readTree(out); // --write: the diff is shown, then the new output is swapped in
    expect(after).not.toEqual(before);

    // Host headers, in order, each followed by that host's files only.
    const headers = r.stdout.split('\n').filter((l) => l.startsWith('# host '));
    expect(headers).toEqual(['# host a.example.net', '# host b.example.net', '# host c.example.net']);

    // Every patch applies to the old file and gives the new one.
    // Lines starting with '# ' are comments; the rest is a unified diff.
    const patches = parsePatch(r.stdout.split('\n').filter((l) => !l.startsWith('# ')).join('\n'));
    const touched = patches.map((p) => (p.newFileName === '/dev/null' ? p.oldFileName! : p.newFileName!).replace(/^[ab]\//, '')).sort();
    expect(touched).toEqual([
      'a.example.net/usr/local/etc/motd.txt', 'a.example.net/usr/local/etc/only-in-a',
      'b.example.net/usr/local/etc/motd.txt', 'b.example.net/usr/local/etc/only-in-a',
      'c.example.net/etc/rc.conf',
      'topology.dot', // app-level files come last, under '# app files'
    ]);
    for (const p of patches) {
      const name = (p.newFileName === '/dev/null' ? p.oldFileName! : p.newFileName!).replace(/^[ab]\//, '');
      const result = applyPatch(before[name] ?? '', p);
      expect(result).toBe(p.newFileName === '/dev/null' ? '' : after[name]);
    }

    // Secrets: one line per changed secret file, never the values.
    expect(r.stdout).toContain('\n# secret content changed: a.example.net/usr/local/etc/token (diff not shown)\n');
    expect(r.stdout).toContain('\n# secret content changed: b.example.net/usr/local/etc/token (diff not shown)\n');
    expect(r.stdout + r.stderr).not.toMatch(/tokenvalue[AB]/);
    expect(r.stdout).toContain('\n# app files\n');
    expect(r.stdout).toContain('\n# SVG changed: topology.svg (diff not shown)\n');
    expect(r.stderr).toMatch(/^ {2}Changes: 9 files \(1 added, 6 modified, 2 removed\)$/m);

    // Unchanged: exit 0, no diff.
    const again = synth([fixture('variant.ts'), '--out', out, '--diff'], { env: { CLI_TEST_VARIANT: 'b' } });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/^ {2}Changes: none \(.* already held this output\)$/m);
  });

  test('--diff alone shows what would change and writes nothing (exit 3); the summary says how to write', () => {
    const out = freshDir();
    expect(synth([fixture('variant.ts'), '--out', out]).code).toBe(0);
    const before = readTree(out);
    const r = synth([fixture('variant.ts'), '--out', out, '--diff'], { env: { CLI_TEST_VARIANT: 'b' } });
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('+++ b/c.example.net/etc/rc.conf');
    expect(r.stderr).toMatch(/^✔ Validated test\/cli\/fixtures\/variant\.ts in [\d.]+ s \(--diff: .* untouched; --diff --write writes\)$/m);
    expect(r.stderr).not.toContain('(and manifest.json)');
    expect(readTree(out)).toEqual(before);
    expect(leftovers(out)).toEqual([]);
    // Asked again with --write: the same diff, and now written.
    const w = synth([fixture('variant.ts'), '--out', out, '--diff', '--write'], { env: { CLI_TEST_VARIANT: 'b' } });
    expect(w.code).toBe(3);
    expect(w.stdout).toBe(r.stdout);
    expect(readTree(out)['c.example.net/etc/rc.conf']).toContain('hostname="c.example.net"');
    expect(synth([fixture('variant.ts'), '--out', out, '--diff'], { env: { CLI_TEST_VARIANT: 'b' } }).code).toBe(0);
  });

  test('--write without --diff, and --write with --dry-run, are usage errors', () => {
    const a = synth([fixture('variant.ts'), '--write']);
    expect(a.code).toBe(1);
    expect(a.stderr.split('\n')[0]).toBe('error: --write goes with --diff (without --diff, synth writes anyway)');
    const b = synth([fixture('variant.ts'), '--diff', '--write', '--dry-run']);
    expect(b.code).toBe(1);
    expect(b.stderr.split('\n')[0]).toBe('error: --write and --dry-run contradict each other');
  });

  test('a mode change shows old and new mode; --dry-run --diff leaves the output as it was', () => {
    const out = freshDir();
    expect(synth([fixture('variant.ts'), '--out', out]).code).toBe(0);
    const before = readTree(out);
    const r = synth([fixture('variant.ts'), '--out', out, '--diff', '--dry-run'], { env: { CLI_TEST_VARIANT: 'mode' } });
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('# host a.example.net\n# mode 0644 → 0640: a.example.net/usr/local/etc/motd.txt\n# host b.example.net\n');
    expect(readTree(out)).toEqual(before);
    expect((fs.statSync(path.join(out, 'a.example.net/usr/local/etc/motd.txt')).mode & 0o777).toString(8)).toBe('644');
  });

  test('--diff --quiet prints nothing and tells by the exit status; into an empty place every file is added', () => {
    const out = freshDir();
    const r = synth([fixture('variant.ts'), '--out', out, '--diff', '--quiet']);
    expect(r.code).toBe(3);
    expect(r.stdout + r.stderr).toBe('');
    const j = JSON.parse(synth([fixture('variant.ts'), '--out', freshDir(), '--diff', '--json']).stdout);
    expect(new Set(j.apps[0].changes.map((c: any) => c.kind))).toEqual(new Set(['added']));
  });
});

describe('--json', () => {
  test('the summary as JSON: hosts, files (path, bytes, mode, secret, producer, target), warnings, changes; no content, no secret', () => {
    const out = freshDir();
    expect(synth([fixture('variant.ts'), '--out', out]).code).toBe(0);
    const r = synth([fixture('variant.ts'), '--out', out, '--json', '--diff', '--write'], { env: { CLI_TEST_VARIANT: 'b' } });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(j).toMatchObject({ ok: true, exitCode: 3, version: VERSION, entry: fixture('variant.ts'), errors: [] });
    expect(j.apps).toHaveLength(1);
    const a = j.apps[0];
    expect(a.outdir).toBe(out);
    expect(a.written).toBe(true);
    expect(a.hosts.map((h: any) => h.hostname)).toEqual(manifest.hosts.map((h: any) => h.hostname));
    for (const h of a.hosts) {
      const m = manifest.hosts.find((x: any) => x.hostname === h.hostname);
      expect(h.files).toEqual(m.files.map((f: any) => ({ path: f.path, bytes: f.bytes, mode: f.mode, secret: f.secret, producer: f.producer, target: f.target ?? 'host' })));
    }
    expect(a.files).toBe(manifest.hosts.reduce((x: number, h: any) => x + h.files.length, 0) + manifest.files.length);
    expect(a.changed).toBe(true);
    const token = a.changes.find((c: any) => c.output === 'a.example.net/usr/local/etc/token');
    expect(token).toEqual({ output: 'a.example.net/usr/local/etc/token', hostname: 'a.example.net', kind: 'modified', secret: true, oldMode: '0600', newMode: '0600', added: 0, removed: 0, diff: null, hidden: 'secret' });
    const motd = a.changes.find((c: any) => c.output === 'a.example.net/usr/local/etc/motd.txt');
    expect(motd).toMatchObject({ kind: 'modified', secret: false, added: 1, removed: 1 });
    expect(motd.diff).toContain('-the proxy\n+the new proxy\n');
    expect(r.stdout).not.toMatch(/tokenvalue[AB]|verysecurepassword/);
  });
});

describe('--check', () => {
  const skip = HaproxyCheck.shouldSkip();

  test.skipIf(skip)('HAProxy and rc.conf of a valid app pass haproxy -c and /bin/sh -n, then are written', () => {
    const out = freshDir();
    const r = synth([fixture('haproxy.ts'), '--out', out, '--check']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}Checks: 4 passed \(\/bin\/sh -n 2, haproxy -c 2\)$/m);
    expect(fs.existsSync(path.join(out, 'proxy11.example.net/usr/local/etc/haproxy.conf'))).toBe(true);
  });

  test.skipIf(skip)('--json lists each check with its tool, file and status', () => {
    const j = JSON.parse(synth([fixture('haproxy.ts'), '--out', freshDir(), '--check', '--json']).stdout);
    const checks = j.apps[0].checks.map((c: any) => [c.tool, c.output, c.status]);
    expect(checks).toEqual([
      ['/bin/sh -n', 'proxy11.example.net/etc/rc.conf', 'ok'],
      ['haproxy -c', 'proxy11.example.net/usr/local/etc/haproxy.conf', 'ok'],
      ['/bin/sh -n', 'proxy12.example.net/etc/rc.conf', 'ok'],
      ['haproxy -c', 'proxy12.example.net/usr/local/etc/haproxy.conf', 'ok'],
    ]);
  });

  test.skipIf(skip)('broken files fail the check: exit 1, each failure with tool, file and line, secrets redacted, nothing written', () => {
    const out = freshDir();
    expect(synth([fixture('variant.ts'), '--out', out]).code).toBe(0);
    const before = readTree(out);
    const r = synth([fixture('variant.ts'), '--out', out, '--check'], { env: { CLI_TEST_VARIANT: 'checkbad' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^check failed: \/bin\/sh -n a\.example\.net\/etc\/rc\.conf\.local\n\s+a\.example\.net\/etc\/rc\.conf\.local: 2: /m);
    expect(r.stderr).toMatch(/^check failed: haproxy -c a\.example\.net\/usr\/local\/etc\/haproxy\.conf$/m);
    expect(r.stderr).toMatch(/\[ALERT\].*parsing \[a\.example\.net\/usr\/local\/etc\/haproxy\.conf:4\]/);
    expect(r.stderr).toContain(`error: 2 checks failed; nothing was written (${out}/ is unchanged).`);
    expect(r.stderr).not.toContain('s3cr3tvalue'); // haproxy.conf is secret: quoted words are redacted
    expect(readTree(out)).toEqual(before);
  });
});

describe('large fleets', () => {
  test('on a terminal, a progress line (on stderr, erased afterwards) when there are more than 20 hosts', () => {
    const script = spawnSync('/bin/sh', ['-c', 'command -v script'], { encoding: 'utf8' });
    if (script.status !== 0) {
      console.warn('SKIPPED: script(1) is not installed (needed to give the CLI a terminal)');
      return;
    }
    const out = freshDir();
    const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} ${JSON.stringify(fixture('variant.ts'))} --out ${JSON.stringify(out)} --check >/dev/null`;
    const env: NodeJS.ProcessEnv = { ...process.env, CLI_TEST_HOSTS: '30', NO_COLOR: '1' };
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\r\x1b\[Kchecking 1\/32 a\.example\.net\/etc\/rc\.conf/);
    expect(r.stdout).toMatch(/\r\x1b\[Kwriting \d+ files into /);
    expect(r.stdout.endsWith('\r\x1b[K')).toBe(true);
    // Piped (not a terminal): no progress line at all, and the summary does not list 32 hosts.
    const piped = synth([fixture('variant.ts'), '--out', freshDir()], { env: { CLI_TEST_HOSTS: '30' } });
    expect(piped.stderr).toBe('');
    expect(piped.stdout).toMatch(/^ {2}32 hosts, /m);
    expect(piped.stdout).toContain('(each host and file is listed in');
  });
});

describe('the contract between synth and the app (docs/cli.md)', () => {
  test('the app gets CDKBSD_OUTDIR = a fresh staging folder next to the output folder, and CDKBSD_CLI=1; app.synth() writes the manifest there; synth swaps it in', () => {
    const out = freshDir();
    const probe = `${out}.probe`;
    const r = synth([fixture('env-probe.ts'), '--out', out, '--no-diagram'], { env: { CLI_TEST_PROBE: probe } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [seen, after] = fs.readFileSync(probe, 'utf8').split('\n').map((l) => JSON.parse(l));
    expect(seen).toEqual({
      CDKBSD_OUTDIR: path.join(path.dirname(out), `.cdkbsd-staging-${path.basename(out)}-${seen.pid}`),
      CDKBSD_CLI: '1',
      CDKBSD_NO_DIAGRAM: '1',
      outdir: seen.CDKBSD_OUTDIR, // new App() took it as its outdir
      pid: seen.pid,
    });
    expect(after.afterSynth).toEqual(['a.example.net', 'manifest.json']); // app.synth() wrote the staging folder
    expect(fs.existsSync(seen.CDKBSD_OUTDIR)).toBe(false); // swapped in
    expect(fs.readdirSync(out).sort()).toEqual(['a.example.net', 'manifest.json']);
    expect(leftovers(out)).toEqual([]);
  });

  test('the same app run without synth (tsx alone, CDKBSD_OUTDIR set) writes the same files: the app knows nothing of the CLI', () => {
    const viaCli = freshDir();
    expect(synth([fixture('variant.ts'), '--out', viaCli, '--no-diagram']).code).toBe(0);
    const plain = freshDir();
    const env: NodeJS.ProcessEnv = { ...process.env, CDKBSD_OUTDIR: plain, CDKBSD_NO_DIAGRAM: '1' };
    delete env.CDKBSD_CLI;
    const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', fixture('variant.ts')], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readTree(plain)).toEqual(readTree(viaCli));
  });

  test('--dry-run and a failed synth leave no staging folder and create no parent folder', () => {
    const parent = path.join(freshDir(), 'deep', 'er');
    const out = path.join(parent, 'dist');
    expect(synth([fixture('variant.ts'), '--out', out, '--dry-run']).code).toBe(0);
    expect(fs.existsSync(path.dirname(path.dirname(parent)))).toBe(false);
    expect(synth([fixture('broken.ts'), '--out', out]).code).toBe(1);
    expect(fs.existsSync(path.dirname(path.dirname(parent)))).toBe(false);
  });

  test('what a killed synth left (its staging folder, the writer\'s temp folder of it) is removed by the next synth', () => {
    const out = freshDir();
    fs.mkdirSync(out);
    const base = path.basename(out);
    const parent = path.dirname(out);
    const dead = 2 ** 22 + 12345; // above Linux's pid_max default: no such process
    const stale = [`.cdkbsd-staging-${base}-${dead}`, `..cdkbsd-staging-${base}-${dead}.tmp-${dead}-abcdef`];
    for (const n of stale) {
      fs.mkdirSync(path.join(parent, n));
      fs.writeFileSync(path.join(parent, n, 'manifest.json'), '{}');
    }
    const other = `.cdkbsd-staging-${base}-x-${dead}`; // another folder's staging (named base-x): not ours to remove
    fs.mkdirSync(path.join(parent, other));
    fs.rmdirSync(out);
    expect(synth([fixture('variant.ts'), '--out', out, '--no-diagram']).code).toBe(0);
    for (const n of stale) expect(fs.existsSync(path.join(parent, n))).toBe(false);
    expect(fs.existsSync(path.join(parent, other))).toBe(true);
  });

  test('two Apps synthesizing into the one staging folder: exit 1 naming the problem, nothing written', () => {
    const { out, before } = (() => {
      const o = freshDir();
      expect(synth([fixture('variant.ts'), '--out', o]).code).toBe(0);
      return { out: o, before: readTree(o) };
    })();
    const r = synth([fixture('two-apps.ts'), '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe('error: test/cli/fixtures/two-apps.ts synthesized 2 times into the one folder synth passes to it as CDKBSD_OUTDIR (several Apps, or app.synth() called more than once): each would replace the one before.');
    expect(r.stderr).toContain('synth handles one App per entry');
    expect(readTree(out)).toEqual(before);
    expect(leftovers(out)).toEqual([]);
  });

  test('validation errors say where the construct was created in the app (file:line:col)', () => {
    const r = synth([fixture('broken.ts'), '--out', freshDir()]);
    expect(r.code).toBe(1);
    const src = fs.readFileSync(fixture('broken.ts'), 'utf8').split('\n');
    const vipLine = src.findIndex((l) => l.includes("addVip('Vip'")) + 1;
    expect(r.stderr).toMatch(new RegExp(`^error: \\[Carp/Vip\\] vhid must be an integer from 1 to 255\\n(\\s+\\S+:.*\\n)*\\s+at:\\s+test/cli/fixtures/broken\\.ts:${vipLine}:\\d+$`, 'm'));
  });
});

describe('--typecheck', () => {
  // Projects inside the repository (the .cdkbsd-* names are git-ignored), so that the
  // repository's TypeScript is the project's.
  const projects: string[] = [];
  afterAll(() => {
    for (const p of projects) fs.rmSync(p, { recursive: true, force: true });
  });
  function project(mainTs: string, where = ROOT): string {
    const dir = fs.mkdtempSync(path.join(where, '.cdkbsd-typecheck-'));
    projects.push(dir);
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', types: ['node'], strict: true, skipLibCheck: true, noEmit: true },
      include: ['*.ts'],
    }));
    fs.writeFileSync(path.join(dir, 'main.ts'), mainTs);
    return dir;
  }
  const lib = JSON.stringify(path.join(ROOT, 'lib'));
  const app = (extra: string) => [
    `const { App, FreeBsdHost } = require(${lib});`,
    extra,
    'const app = new App();',
    "new FreeBsdHost(app, 'A', { hostname: 'a.example.net' }).addInterface('vtnet0', { ipv4: '192.0.2.11/24' });",
    "require('fs').writeFileSync(__dirname + '/ran', '');",
    'app.synth();',
  ].join('\n');

  test('a type error stops synth before the app runs: exit 1 with the compiler\'s diagnostics, nothing written', () => {
    const dir = project(app("const vhid: number = '10';"));
    const r = synth(['--typecheck', '--out', 'out'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^main\.ts\(2,7\): error TS2322: Type 'string' is not assignable to type 'number'\.$/m);
    expect(r.stderr).toMatch(/^error: the project has type errors \(tsc \d+\.\d+\.\d+ --noEmit\); the app did not run and nothing was written \(out\/ is unchanged\)\.$/m);
    expect(fs.existsSync(path.join(dir, 'ran'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
    const j = JSON.parse(synth(['--typecheck', '--json'], { cwd: dir }).stdout);
    expect(j.errors[0]).toMatchObject({ kind: 'typecheck' });
    expect(j.errors[0].message).toContain('TS2322');
  });

  test('a project that type-checks is synthesized, and the summary names the compiler', () => {
    const dir = project(app(''));
    const r = synth(['--typecheck', '--out', 'out', '--no-diagram'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const ts = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'typescript', 'package.json'), 'utf8')).version;
    expect(r.stdout).toContain(`  Type-checked with tsc ${ts} (tsconfig.json)\n`);
    expect(fs.existsSync(path.join(dir, 'out', 'a.example.net', 'etc', 'rc.conf'))).toBe(true);
  });

  test('without TypeScript installed, or without a tsconfig.json, --typecheck says what to install or add: exit 1', () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-typecheck-'));
    projects.push(outside);
    const dir = project(app(''), outside);
    const r = synth(['--typecheck', '--out', 'out'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: --typecheck runs the project's TypeScript compiler, and none is installed for tsconfig.json.\nInstall it next to the app: `npm install --save-dev typescript @types/node`.\n");
    fs.rmSync(path.join(dir, 'tsconfig.json'));
    const n = synth(['--typecheck', '--out', 'out'], { cwd: dir });
    expect(n.code).toBe(1);
    expect(n.stderr.split('\n')[0]).toBe('error: --typecheck needs a tsconfig.json, and there is none in . or above.');
  });
});
