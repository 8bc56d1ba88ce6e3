/**
 * `synth --typecheck`: the project's own TypeScript compiler (`tsc --noEmit -p tsconfig.json`)
 * before the app runs, since tsx runs it without checking types.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CliError } from './errors';
import { displayPath } from './format';

/** The outcome of a type-check. */
export interface TypecheckResult {
  readonly ok: boolean;
  /** `tsc 5.9.3`: the compiler and its version. */
  readonly compiler: string;
  /** The project file that was checked. */
  readonly tsconfig: string;
  /** What the compiler printed (its diagnostics). */
  readonly output: string;
}

/** Compilers looked for, in order: package and the command in its `bin`. TypeScript 7's preview ships as tsgo. */
const COMPILERS: Array<[string, string]> = [['typescript', 'tsc'], ['@typescript/native-preview', 'tsgo']];

/** The nearest tsconfig.json from `dir` up to the file system's root. */
export function findTsconfig(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const p = path.join(d, 'tsconfig.json');
    if (fs.existsSync(p)) return p;
    if (path.dirname(d) === d) return undefined;
  }
}

/** The project's TypeScript compiler (resolved as node resolves a package from `dir`). */
export function findCompiler(dir: string): { script: string; label: string } | undefined {
  for (const [pkg, command] of COMPILERS) {
    let manifest: string;
    try {
      manifest = require.resolve(`${pkg}/package.json`, { paths: [dir] });
    } catch {
      continue;
    }
    let json: any;
    try {
      json = JSON.parse(fs.readFileSync(manifest, 'utf8'));
    } catch {
      continue;
    }
    const bin = typeof json.bin === 'string' ? json.bin : json.bin?.[command];
    if (typeof bin !== 'string') continue;
    return { script: path.join(path.dirname(manifest), bin), label: `${command} ${json.version}` };
  }
  return undefined;
}

/**
 * Type-checks the project of `entry` with its own compiler: the nearest tsconfig.json above the
 * entry, `--noEmit`. Paths in the diagnostics are relative to `cwd`.
 * @throws CliError when there is no tsconfig.json or no TypeScript installed for the project
 */
export function runTypecheck(entry: string, cwd: string, colour: boolean): TypecheckResult {
  const tsconfig = findTsconfig(path.dirname(entry));
  if (tsconfig === undefined) {
    throw new CliError(`--typecheck needs a tsconfig.json, and there is none in ${displayPath(path.dirname(entry), cwd)} or above.`,
      'A project made by `npx cdkbsd init` has one; or run `npx tsc --init`.');
  }
  const compiler = findCompiler(path.dirname(tsconfig));
  if (compiler === undefined) {
    throw new CliError(`--typecheck runs the project's TypeScript compiler, and none is installed for ${displayPath(tsconfig, cwd)}.`,
      'Install it next to the app: `npm install --save-dev typescript @types/node`.');
  }
  const r = spawnSync(process.execPath, [compiler.script, '--noEmit', '-p', tsconfig, '--pretty', colour ? 'true' : 'false'], {
    cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 300_000,
  });
  if (r.error) throw new CliError(`--typecheck could not run ${compiler.label}: ${r.error.message}`);
  return { ok: r.status === 0, compiler: compiler.label, tsconfig, output: `${r.stdout ?? ''}${r.stderr ?? ''}`.replace(/\s+$/, '') };
}
