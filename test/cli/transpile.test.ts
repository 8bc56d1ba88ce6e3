/**
 * bin/transpile.js, the CLI's TypeScript loader and its transpile cache: a hit loads neither tsx
 * nor esbuild, an edit is always a miss (sources win, even with the same size and mtime), a
 * corrupt entry is ignored, CDKBSD_NO_CACHE=1 writes nothing, errors point at the TypeScript.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';

const ROOT = path.join(__dirname, '..', '..');
const LOADER = path.join(ROOT, 'bin', 'transpile.js');

/** Loads `file` through the loader in a fresh node; prints its export and whether esbuild loaded. */
function run(file: string, env: Record<string, string>) {
  const script = `
    const loader = require(${JSON.stringify(LOADER)});
    if (!loader.install([${JSON.stringify(ROOT)}])) loader.registerTsx([${JSON.stringify(ROOT)}]);
    let out;
    try { out = require(${JSON.stringify(file)}).value; } catch (e) { out = 'threw ' + e.stack.split('\\n').slice(0, 2).join(' | '); }
    const esbuild = Object.keys(require.cache).some((k) => k.includes('/node_modules/esbuild/'));
    const tsx = Object.keys(require.cache).some((k) => k.includes('/node_modules/tsx/'));
    console.log(JSON.stringify({ out, esbuild, tsx }));`;
  const e: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete e.NODE_OPTIONS;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: path.dirname(file), env: e, encoding: 'utf8', timeout: 30_000 });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as { out: string; esbuild: boolean; tsx: boolean };
}

describe('bin/transpile.js', () => {
  let dir: string;
  let cache: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-transpile-'));
    cache = path.join(dir, 'cache');
    file = path.join(dir, 'app.ts');
    fs.writeFileSync(path.join(dir, 'util.ts'), 'export const twice = (n: number): number => n * 2;\n');
    fs.writeFileSync(file, "import { twice } from './util.js';\nexport const value: string = `v${twice(21)}`;\n");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const entries = () => fs.readdirSync(path.join(cache, 'js'));

  test('a miss transpiles with esbuild and writes an entry per file; a hit loads neither esbuild nor tsx', () => {
    expect(run(file, { CDKBSD_CACHE_DIR: cache })).toEqual({ out: 'v42', esbuild: true, tsx: false });
    expect(entries()).toHaveLength(2);
    expect(run(file, { CDKBSD_CACHE_DIR: cache })).toEqual({ out: 'v42', esbuild: false, tsx: false });
  });

  test('an edited source is a miss even with the same size and mtime: stale code never runs', () => {
    run(file, { CDKBSD_CACHE_DIR: cache });
    const st = fs.statSync(file);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('`v${', '`w${'));
    fs.utimesSync(file, st.atime, st.mtime);
    expect(fs.statSync(file).size).toBe(st.size);
    expect(run(file, { CDKBSD_CACHE_DIR: cache })).toEqual({ out: 'w42', esbuild: true, tsx: false });
    expect(entries()).toHaveLength(3);
  });

  test('a corrupt or truncated entry is ignored and rewritten', () => {
    run(file, { CDKBSD_CACHE_DIR: cache });
    for (const e of entries()) {
      const p = path.join(cache, 'js', e);
      const text = fs.readFileSync(p, 'utf8');
      // Valid JavaScript, but not what was stored: the entry's hash no longer matches.
      fs.writeFileSync(p, text.includes('twice(21)') ? text.replace('twice(21)', 'twice(1)') : text.slice(0, 40));
    }
    expect(run(file, { CDKBSD_CACHE_DIR: cache })).toEqual({ out: 'v42', esbuild: true, tsx: false });
    expect(run(file, { CDKBSD_CACHE_DIR: cache })).toEqual({ out: 'v42', esbuild: false, tsx: false });
    expect(entries().filter((e) => e.endsWith('.tmp'))).toEqual([]);
  });

  test('CDKBSD_NO_CACHE=1: every file transpiled, nothing written', () => {
    expect(run(file, { CDKBSD_CACHE_DIR: cache, CDKBSD_NO_CACHE: '1' })).toEqual({ out: 'v42', esbuild: true, tsx: false });
    expect(fs.existsSync(cache)).toBe(false);
  });

  test('an error thrown in the TypeScript points at its line, from the cache as well', () => {
    fs.writeFileSync(file, '\n\ninterface X { a: number }\n\nconst f = (x: X): never => {\n  throw new Error(`bad ${x.a}`);\n};\nexport const value = f({ a: 1 });\n');
    for (let i = 0; i < 2; i++) {
      const r = run(file, { CDKBSD_CACHE_DIR: cache });
      expect(r.out).toContain('threw Error: bad 1');
      expect(r.out).toContain(`${file}:6:9`);
    }
  });

  test('a tsconfig.json beyond the loader (paths, extends, comments) hands the project to tsx', () => {
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), '{ // comment\n "compilerOptions": {} }\n');
    expect(run(file, { CDKBSD_CACHE_DIR: cache })).toMatchObject({ out: 'v42', tsx: true });
    expect(fs.existsSync(path.join(cache, 'js'))).toBe(false);
  });
});
