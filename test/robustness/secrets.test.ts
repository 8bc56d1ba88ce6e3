// Secrets: the CARP password and the stats credentials appear in no stdout, stderr, error message,
// warning, manifest, diagram or deploy playbook — only in the files that must carry them
// (rc.conf, haproxy.conf), which are written 0600 and marked secret in the manifest. A missing
// environment variable or secret file gives a clear error naming the source, not the value.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { inspect } from 'util';
import { afterAll, describe, expect, test } from 'vitest';
import YAML from 'yaml';
import { Errors, Secret, Testing } from '../../lib/index';
import { buildFull, CARP_PASSWORD, failureOf, STATS_PASSWORD, tempDir } from './fixtures';

const root = path.resolve(__dirname, '../..');
const work = tempDir('cdkbsd-secrets-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

// Secrets of the child-process runs: distinct from the fixture's, long enough to never appear by chance.
const ENV_PASSWORD = 'EnvCarpPw4xQ9z';
const FILE_PASSWORD = 'file-stats-pw-7Kq';
const statsFile = path.join(work, 'stats.pass');
fs.writeFileSync(statsFile, `${FILE_PASSWORD}\n`, { mode: 0o600 });

const node = process.execPath;
const tsx = ['--require', require.resolve('tsx/cjs', { paths: [root] })];
const secretApp = path.join(__dirname, 'secret-app.ts');
const synthBin = path.join(root, 'bin', 'synth');

function run(args: string[], env: Record<string, string | undefined>) {
  const r = spawnSync(node, args, {
    encoding: 'utf8',
    cwd: work,
    env: { ...process.env, CDKBSD_TEST_CARP_PASSWORD: ENV_PASSWORD, CDKBSD_TEST_STATS_FILE: statsFile, NO_COLOR: '1', ...env },
    timeout: 120_000,
  });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Every regular file under `dir`, relative path → content. */
function readTree(dir: string): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const n of fs.readdirSync(d)) {
      const full = path.join(d, n);
      if (fs.statSync(full).isDirectory()) walk(full);
      else m.set(path.relative(dir, full), fs.readFileSync(full));
    }
  };
  walk(dir);
  return m;
}

/**
 * Checks a written output: the secrets occur only in files the manifest marks secret, those are
 * 0600 on disk, and rc.conf / haproxy.conf of every host are among them.
 */
function expectSecretsConfined(outdir: string, secrets: string[]): void {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const secretFiles = new Set<string>();
  for (const h of manifest.hosts) for (const f of h.files) if (f.secret) secretFiles.add(path.join(h.hostname, f.path));
  for (const h of manifest.hosts) {
    expect(secretFiles.has(path.join(h.hostname, '/etc/rc.conf'))).toBe(true);
    expect(secretFiles.has(path.join(h.hostname, '/usr/local/etc/haproxy.conf'))).toBe(true);
  }
  for (const [rel, buf] of readTree(outdir)) {
    const text = buf.toString('utf8');
    const carries = secrets.filter((s) => text.includes(s));
    if (secretFiles.has(rel)) {
      expect((fs.statSync(path.join(outdir, rel)).mode & 0o777).toString(8), rel).toBe('600');
    } else {
      expect(carries, `${rel} must not carry a secret`).toEqual([]);
    }
  }
  // The files that must carry them do (the check above is not vacuous).
  const any = [...secretFiles].map((f) => fs.readFileSync(path.join(outdir, f), 'utf8')).join('\n');
  for (const s of secrets) expect(any.includes(s), `some secret file holds ${s.slice(0, 3)}…`).toBe(true);
}

describe('secrets in the output', () => {
  test('in memory: only rc.conf and haproxy.conf hold the passwords; both are 0600 and marked secret; warnings and the deploy files never', () => {
    const s = Testing.synth(buildFull({ deploy: true }).app);
    for (const h of s.hostnames) {
      for (const f of s.files(h)) {
        const carries = [CARP_PASSWORD, STATS_PASSWORD].filter((x) => f.content.includes(x));
        if (f.path === '/etc/rc.conf') expect(carries).toEqual([CARP_PASSWORD]);
        else if (f.path === '/usr/local/etc/haproxy.conf') expect(carries).toEqual([STATS_PASSWORD]);
        else expect(carries, f.path).toEqual([]);
        expect(f.secret, f.path).toBe(carries.length > 0);
        if (carries.length > 0) expect(f.mode, f.path).toBe(0o600);
      }
    }
    for (const p of s.rootFilePaths) expect(s.rootFile(p), p).not.toMatch(new RegExp(`${CARP_PASSWORD}|${STATS_PASSWORD}`));
    expect(JSON.stringify(s.warnings)).not.toMatch(new RegExp(`${CARP_PASSWORD}|${STATS_PASSWORD}`));
  });

  test('on disk (with the diagram and the deploy playbook): secrets only in 0600 files marked secret; manifest, topology.dot/svg and deploy/*.yml are clean', () => {
    const outdir = path.join(work, 'full');
    const full = buildFull({ outdir, diagram: true, deploy: true });
    full.app.synth();
    const files = readTree(outdir);
    expect([...files.keys()]).toEqual(expect.arrayContaining(['manifest.json', 'topology.dot', 'topology.svg', 'deploy/site.yml', 'deploy/inventory.yml']));
    expectSecretsConfined(outdir, [CARP_PASSWORD, STATS_PASSWORD]);
  });

  test('the deploy playbook handles secret files with no_log and without diff', () => {
    const s = Testing.synth(buildFull({ deploy: true }).app);
    const play = YAML.parse(s.rootFile('deploy/site.yml'));
    const secretPaths = new Set(s.hostnames.flatMap((h) => s.files(h).filter((f) => f.secret).map((f) => f.path)));
    const tasks: any[] = [];
    const walk = (x: any) => {
      if (Array.isArray(x)) x.forEach(walk);
      else if (x && typeof x === 'object') {
        if (typeof x.name === 'string' && Object.keys(x).some((k) => k.includes('.'))) tasks.push(x);
        Object.values(x).forEach(walk);
      }
    };
    walk(play);
    // Tasks that read or write a secret file's content (a module with src/dest/content naming it;
    // a loop over items with such paths); a debug message that only names the path is fine.
    const moves = (t: any) => Object.entries(t).some(([k, v]: [string, any]) => k.includes('.') && v && typeof v === 'object'
      && ['src', 'dest', 'content', 'path'].some((f) => typeof v[f] === 'string'));
    const touching = tasks.filter((t) => moves(t) && [...secretPaths].some((p) => JSON.stringify(t).includes(p)));
    expect(touching.length).toBeGreaterThan(0);
    for (const t of touching) {
      expect(t.no_log, t.name).toBe(true);
      expect(t.diff, t.name).toBe(false);
    }
  });
});

describe('secrets in errors and values', () => {
  const BAD = ['very-secure-pass', 'with space pw', 'pa$$word1234', 'tick`tock`99', 'abcdefghijklmnopqrstuvwxyz-0123'];
  for (const pw of BAD) {
    test(`a rejected CARP password ${JSON.stringify(pw.replace(/[a-z]/g, '·'))} is not shown in the error or its issues`, () => {
      const f = failureOf(() => Testing.synth(buildFull({ inject: (s, d) => (s === 'cluster.password' ? pw : d) }).app));
      expect(f.isValidation).toBe(true);
      const issue = f.issues.find((i) => i.path === 'Carp' && i.message.startsWith('CARP password is rejected'));
      expect(issue?.value).toBe('<redacted>');
      expect((f.error as Error).message).not.toContain(pw);
      expect(JSON.stringify(f.issues)).not.toContain(pw);
      expect(inspect(f.error, { depth: 5 })).not.toContain(pw);
    });
  }

  test('a validation error elsewhere in the tree does not carry the passwords', () => {
    const f = failureOf(() => {
      const full = buildFull({ inject: (s, d) => (s === 'rc.key' ? 'bad key' : d) });
      Testing.synth(full.app);
    });
    expect(f.isValidation).toBe(true);
    expect(inspect(f.error, { depth: 8 })).not.toMatch(new RegExp(`${CARP_PASSWORD}|${STATS_PASSWORD}`));
  });

  test('a conflict on a CARP alias line shows <redacted> instead of the values', () => {
    const full = buildFull();
    full.h1.rcConf.set('ifconfig_vnet0_alias0', 'inet 10.1.60.99/32');
    const f = failureOf(() => Testing.synth(full.app));
    const issue = f.issues.find((i) => i.message.startsWith('rc.conf key ifconfig_vnet0_alias0 is set to different values'));
    expect(issue?.value).toBe('<redacted>');
    expect((f.error as Error).message).not.toContain(CARP_PASSWORD);
  });

  test('a Secret prints, serializes and inspects without its value; so do the constructs that hold one', () => {
    const s = Secret.fromLiteral(CARP_PASSWORD);
    expect(String(s)).toBe('<secret literal>');
    expect(JSON.stringify({ s })).toBe('{"s":"<secret literal>"}');
    expect(inspect(s, { depth: 5 })).not.toContain(CARP_PASSWORD);
    const full = buildFull();
    expect(inspect(full.cluster, { depth: 4 })).not.toContain(CARP_PASSWORD);
    expect(inspect(full.hp, { depth: 4 })).not.toContain(STATS_PASSWORD);
    expect(full.h1.rcConf.get('ifconfig_vnet0_alias0')).toBeUndefined();
  });

  test('an unset environment variable, a missing file and an empty file give clear errors naming the source', () => {
    const empty = path.join(work, 'empty.pass');
    fs.writeFileSync(empty, '\n');
    const cases: Array<[Secret, string]> = [
      [Secret.fromEnv('CDKBSD_SECRETS_UNSET'), 'CARP password cannot be read: environment variable CDKBSD_SECRETS_UNSET is not set or empty'],
      [Secret.fromFile(path.join(work, 'missing.pass')), `CARP password cannot be read: secret file ${path.join(work, 'missing.pass')} cannot be read (ENOENT)`],
      [Secret.fromFile(empty), `CARP password cannot be read: secret file ${empty} is empty`],
    ];
    for (const [secret, message] of cases) {
      const full = buildFull();
      (full.cluster as any).password = secret;
      const f = failureOf(() => Testing.synth(full.app));
      expect(f.issues.filter((i) => i.path === 'Carp').map((i) => i.message)).toEqual([message]);
      expect(f.issues.find((i) => i.path === 'Carp')!.value).toBe(secret.describe());
    }
  });
});

describe('secrets in the output of processes', () => {
  test('an app run directly: stdout, stderr (summary, warnings, a failed validation) never show the passwords', () => {
    const outdir = path.join(work, 'direct');
    const ok = run([...tsx, secretApp], { CDKBSD_OUTDIR: outdir });
    expect(ok.status, ok.out).toBe(0);
    expect(JSON.parse(ok.stdout).hosts).toBe(2);
    expectSecretsConfined(outdir, [ENV_PASSWORD, FILE_PASSWORD]);

    const short = run([...tsx, secretApp], { CDKBSD_OUTDIR: path.join(work, 'short'), CDKBSD_TEST_CARP_PASSWORD: 'Sh0rt' });
    expect(short.status, short.out).toBe(0);
    expect(short.stderr).toContain('warning: [Carp] CARP password: it is short (5 characters)');
    const bad = run([...tsx, secretApp], { CDKBSD_OUTDIR: path.join(work, 'bad'), CDKBSD_TEST_VARIANT: 'invalid' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('rc.conf key is not valid');
    for (const r of [ok, short, bad]) {
      expect(r.out).not.toContain(ENV_PASSWORD);
      expect(r.out).not.toContain(FILE_PASSWORD);
      expect(r.out).not.toContain('Sh0rt');
    }
    expect(fs.existsSync(path.join(work, 'bad'))).toBe(false);
  });

  test('an app run directly with the CARP password variable unset fails with the variable named', () => {
    const r = run([...tsx, secretApp], { CDKBSD_OUTDIR: path.join(work, 'unset'), CDKBSD_TEST_CARP_PASSWORD: undefined });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('[Carp] CARP password cannot be read: environment variable CDKBSD_TEST_CARP_PASSWORD is not set or empty');
    expect(r.out).not.toContain(FILE_PASSWORD);
  });

  test.skipIf(!fs.existsSync(synthBin))('npx synth (write, --json, --diff after a password change, invalid app): no password in its output', () => {
    const out = path.join(work, 'cli');
    const runs = [
      run([synthBin, '--out', out, secretApp], {}),
      run([synthBin, '--out', out, '--json', secretApp], {}),
      run([synthBin, '--out', out, '--diff', '--write', secretApp], { CDKBSD_TEST_CARP_PASSWORD: 'ChangedCarpPw8' }), // --write: the diff is shown, then written
      run([synthBin, '--out', path.join(work, 'cli-bad'), secretApp], { CDKBSD_TEST_VARIANT: 'invalid' }),
      run([synthBin, '--out', path.join(work, 'cli-unset'), secretApp], { CDKBSD_TEST_CARP_PASSWORD: undefined }),
    ];
    expect(runs[0].status, runs[0].out).toBe(0);
    expect(runs[1].status, runs[1].out).toBe(0);
    expect([0, 3], runs[2].out).toContain(runs[2].status);
    expect(runs[3].status, runs[3].out).toBe(1);
    expect(runs[4].status, runs[4].out).toBe(1);
    expect(runs[4].out).toContain('environment variable CDKBSD_TEST_CARP_PASSWORD is not set or empty');
    for (const r of runs) {
      for (const s of [ENV_PASSWORD, FILE_PASSWORD, 'ChangedCarpPw8']) expect(r.out, r.out).not.toContain(s);
    }
    expectSecretsConfined(out, ['ChangedCarpPw8', FILE_PASSWORD]);
  });
});

export const _unused = Errors;
