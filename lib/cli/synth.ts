import * as fs from 'fs';
import * as path from 'path';
import type { ValidationIssue } from '../core/errors';
import type { Synthesis } from '../core/synthesis';
import { appErrorLines, describeAppError, formatLocation } from './app-error';
import { parseSynthArgs, SynthOptions, SYNTH_USAGE } from './args';
import type { CheckResult } from './check';
import type { FileChange } from './diff';
import { CheckFailedError, CliError, noSynth, severalSynths, TypecheckFailedError } from './errors';
import { loadEntry, ResolvedEntry, resolveEntry } from './entry';
import { readStaged, removeDeadStagings, stagingPath, SynthCounter } from './staged';
import type { TypecheckResult } from './typecheck';
import { colourWanted, displayPath, formatBytes, formatSeconds, plural, shortList, Style, styleFor } from './format';
import { packageVersion } from './version';

/** Where the CLI reads and writes (the process's, or a test's). */
export interface Io {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

/** Exit status of `synth` (see the usage text). */
export enum ExitCode {
  OK = 0,
  INVALID = 1,
  INTERNAL = 2,
  CHANGED = 3,
}

/** Hosts beyond which the summary stops listing them one by one, and a progress line is shown. */
const MANY_HOSTS = 20;

/** What the CLI did with the synthesized app. */
interface AppResult {
  readonly outdir: string;
  readonly synthesis: Synthesis;
  written: boolean;
  checks?: CheckResult[];
  changes?: FileChange[];
}

/** A one-line progress indicator on stderr, only on a terminal and only for large fleets. */
class Progress {
  private shown = false;
  constructor(private readonly io: Io, private readonly enabled: boolean) {}

  public update(text: string): void {
    if (!this.enabled) return;
    const cols = (this.io.stderr as any).columns;
    const width = typeof cols === 'number' && cols >= 40 ? cols : 80;
    this.io.stderr.write(`\r\x1b[K${text.length >= width ? text.slice(0, width - 1) : text}`);
    this.shown = true;
  }

  public clear(): void {
    if (this.shown) this.io.stderr.write('\r\x1b[K');
    this.shown = false;
  }
}

function defaultIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
}

/** The stage a failure happened in: the app's own code, or synth's work around it. */
type Stage = 'cli' | 'app';

/**
 * `synth [options] [entry]`: runs the app in this process with CDKBSD_OUTDIR pointing at a fresh
 * staging folder next to the output folder (and CDKBSD_CLI=1); the app's `app.synth()` writes
 * there. synth then reads the staged output back, checks and diffs it, and swaps it into the
 * output folder (or deletes it: --dry-run, --diff without --write, a failed --check).
 * The contract is in docs/cli.md. Returns the exit status.
 */
export async function runSynth(argv: string[], io: Io = defaultIo()): Promise<number> {
  const started = Date.now();
  const errOut = styleFor(colourWanted(io.stderr, io.env));
  let opts: SynthOptions;
  try {
    opts = parseSynthArgs(argv);
  } catch (e) {
    return reportFailure(e, 'cli', io, errOut, undefined, undefined, [], false);
  }
  if (opts.help) {
    io.stdout.write(SYNTH_USAGE);
    return ExitCode.OK;
  }
  if (opts.version) {
    io.stdout.write(`${packageVersion()}\n`);
    return ExitCode.OK;
  }
  const out = styleFor(!opts.json && colourWanted(io.stdout, io.env));
  const results: AppResult[] = [];
  const progress = new Progress(io, !opts.quiet && !opts.json && io.stderr.isTTY === true);
  const outdir = path.resolve(io.cwd, opts.out ?? io.env.CDKBSD_OUTDIR ?? 'dist');
  const write = !opts.dryRun && (!opts.diff || opts.write);
  let entry: ResolvedEntry | undefined;
  let typecheck: TypecheckResult | undefined;
  let stage: Stage = 'cli';
  let staging: string | undefined;
  let madeParent: string | undefined;
  let counter: SynthCounter | undefined;

  // Graphviz (WebAssembly) compiles in the background while the entry is resolved, so the
  // diagram renders in this thread instead of starting a worker.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const vizReady = opts.diagram && process.env.CDKBSD_NO_DIAGRAM !== '1' ? (require('../diagram/render-svg') as typeof import('../diagram/render-svg')).preloadSvgRenderer() : undefined;
  const savedEnv = { ...process.env };
  const savedArgv = process.argv;
  try {
    entry = resolveEntry(opts.entry, io.cwd);
    if (opts.typecheck) {
      progress.update(`type-checking ${displayPath(entry.file, io.cwd)}…`);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { runTypecheck } = require('./typecheck') as typeof import('./typecheck');
      typecheck = runTypecheck(entry.file, io.cwd, errOut.enabled);
      progress.clear();
      if (!typecheck.ok) throw new TypecheckFailedError(typecheck);
    }

    // The staging folder: a sibling of the output folder, so that the swap is one rename.
    madeParent = fs.mkdirSync(path.dirname(outdir), { recursive: true });
    removeDeadStagings(outdir);
    staging = stagingPath(outdir);
    fs.rmSync(staging, { recursive: true, force: true });
    counter = new SynthCounter(staging);
    process.env.CDKBSD_OUTDIR = staging;
    process.env.CDKBSD_CLI = '1';
    if (!opts.diagram) process.env.CDKBSD_NO_DIAGRAM = '1';

    progress.update(`running ${displayPath(entry.file, io.cwd)}…`);
    if (vizReady) await vizReady;
    stage = 'app';
    const manifest = path.join(staging, 'manifest.json');
    const trap = new AsyncErrorTrap();
    try {
      loadEntry(entry.file);
      // The app may synthesize asynchronously: wait until the event loop is idle.
      if (!fs.existsSync(manifest)) await trap.idle();
      const synths = await counter.synths();
      if (trap.error) throw trap.error.value;
      stage = 'cli';
      progress.clear();
      if (synths === 0) throw noSynth(displayPath(entry.file, io.cwd));
      if (synths > 1) throw severalSynths(displayPath(entry.file, io.cwd), synths);
    } finally {
      trap.dispose();
      counter.close();
    }
    for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
    Object.assign(process.env, savedEnv);

    const s = readStaged(staging);
    const many = s.hosts.length > MANY_HOSTS;
    const r: AppResult = { outdir, synthesis: s, written: false };
    results.push(r);
    if (opts.check) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { runChecks } = require('./check') as typeof import('./check');
      r.checks = runChecks(s, many ? (done, total, what) => progress.update(`checking ${done + 1}/${total} ${what}`) : undefined);
      progress.clear();
      const failed = r.checks.filter((c) => c.status === 'failed').length;
      if (failed > 0) throw new CheckFailedError(failed);
    }
    if (opts.diff) {
      if (many) progress.update(`comparing with ${displayPath(outdir, io.cwd)}…`);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { computeChanges } = require('./diff') as typeof import('./diff');
      r.changes = computeChanges(s, outdir);
      progress.clear();
    }
    if (write) {
      if (many) progress.update(`writing ${countFiles(s).files} files into ${displayPath(outdir, io.cwd)}…`);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require('../core/writer') as typeof import('../core/writer')).swapIn(staging, outdir);
      r.written = true;
      progress.clear();
    }
  } catch (e) {
    progress.clear();
    return reportFailure(e, stage, io, errOut, entry, outdir, results, opts.json, started);
  } finally {
    if (staging !== undefined) fs.rmSync(staging, { recursive: true, force: true });
    if (madeParent !== undefined && !results.some((r) => r.written)) removeEmptyUpTo(path.dirname(outdir), madeParent);
    for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
    Object.assign(process.env, savedEnv);
    process.argv = savedArgv;
  }

  const changed = results.some((r) => (r.changes ?? []).length > 0);
  const code = opts.diff && changed ? ExitCode.CHANGED : ExitCode.OK;
  if (opts.json) {
    io.stdout.write(JSON.stringify(jsonReport(entry, results, code, started, [], typecheck), null, 2) + '\n');
    return code;
  }
  for (const r of results) {
    if (!opts.quiet) printWarnings(r.synthesis.warnings, io, errOut);
    if (r.checks) printCheckProblems(r.checks, io, errOut, opts.quiet);
    if (r.changes && !opts.quiet) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { renderChanges } = require('./diff') as typeof import('./diff');
      io.stdout.write(renderChanges(r.changes, out));
    }
  }
  if (!opts.quiet) {
    // With --diff, stdout carries the patch alone (`synth --diff > changes.patch`): the summary goes to stderr.
    const stream = opts.diff ? io.stderr : io.stdout;
    const st = opts.diff ? errOut : out;
    for (const r of results) stream.write(summaryText(r, entry!, io, st, Date.now() - started, opts, typecheck));
  }
  return code;
}

/** Removes `dir` and its parents up to `top` (included) while they are empty: folders synth made for nothing. */
function removeEmptyUpTo(dir: string, top: string): void {
  for (let d = dir; ; d = path.dirname(d)) {
    try {
      fs.rmdirSync(d);
    } catch {
      return;
    }
    if (d === top || path.dirname(d) === d) return;
  }
}

/**
 * Catches errors that escape the app asynchronously (a rejected promise nobody awaits, a throw
 * in a timer) while it runs, and tells when the event loop has nothing left to do.
 */
class AsyncErrorTrap {
  public error?: { value: unknown };
  private wake?: () => void;
  private readonly onError = (value: unknown) => {
    if (!this.error) this.error = { value };
    this.wake?.();
  };
  private readonly onIdle = () => this.wake?.();

  constructor() {
    process.on('unhandledRejection', this.onError);
    process.on('uncaughtException', this.onError);
    process.on('beforeExit', this.onIdle);
  }

  /** Resolves once the event loop is idle, or an error escaped the app. */
  public idle(): Promise<void> {
    if (this.error) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = undefined;
        resolve();
      };
    });
  }

  public dispose(): void {
    process.removeListener('unhandledRejection', this.onError);
    process.removeListener('uncaughtException', this.onError);
    process.removeListener('beforeExit', this.onIdle);
  }
}

function countFiles(s: Synthesis): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const f of [...s.hosts.flatMap((h) => h.files), ...s.rootFiles]) {
    files++;
    bytes += Buffer.byteLength(f.content, 'utf8');
  }
  return { files, bytes };
}

/**
 * One finding: `[path] message`, then the offending value, what is allowed and where the
 * construct was created, on their own indented lines (`pad` is the width of the label before it).
 */
function issueLines(i: ValidationIssue, st: Style, pad: number): string {
  const where = i.path !== '' ? `[${i.path}] ` : i.source ? `[${i.source}] ` : '';
  const lines = [`${st.bold(where)}${i.message}`];
  const gap = ' '.repeat(pad);
  if (i.value !== undefined) lines.push(`${gap}${st.dim('got:')}     ${JSON.stringify(i.value)}`);
  if (i.allowed !== undefined) lines.push(`${gap}${st.dim('allowed:')} ${i.allowed}`);
  if (i.path !== '' && i.source !== undefined) lines.push(`${gap}${st.dim('at:')}      ${i.source}`);
  return lines.join('\n');
}

function printWarnings(warnings: ValidationIssue[], io: Io, st: Style): void {
  for (const w of warnings) io.stderr.write(`${st.yellow('warning:')} ${issueLines(w, st, 9)}\n`);
}

function printCheckProblems(checks: CheckResult[], io: Io, st: Style, quiet: boolean): void {
  for (const c of checks) {
    if (c.status === 'failed') {
      io.stderr.write(`${st.red('check failed:')} ${c.tool} ${c.output}\n${indent(c.message)}\n`);
    } else if (c.status === 'ok' && c.warnings.length > 0 && !quiet) {
      io.stderr.write(`${st.yellow('check warning:')} ${c.tool} ${c.output}\n${indent(c.warnings.join('\n'))}\n`);
    }
  }
}

function indent(text: string): string {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => `  ${l}`).join('\n');
}

function checkLine(checks: CheckResult[]): string {
  const by = (status: CheckResult['status']) => {
    const m = new Map<string, number>();
    for (const c of checks) if (c.status === status) m.set(c.tool, (m.get(c.tool) ?? 0) + 1);
    return [...m].map(([tool, n]) => `${tool} ${n}`).join(', ');
  };
  const n = (status: CheckResult['status']) => checks.filter((c) => c.status === status).length;
  const parts: string[] = [];
  if (n('ok') > 0) parts.push(`${n('ok')} passed (${by('ok')})`);
  if (n('failed') > 0) parts.push(`${n('failed')} failed (${by('failed')})`);
  if (n('skipped') > 0) {
    const why = [...new Set(checks.filter((c) => c.status === 'skipped').map((c) => `${c.tool}: ${c.message}`))];
    parts.push(`${n('skipped')} skipped (${why.join('; ')})`);
  }
  return parts.length === 0 ? 'no file to check' : parts.join(', ');
}

function summaryText(r: AppResult, entry: ResolvedEntry, io: Io, st: Style, ms: number, opts: SynthOptions, typecheck?: TypecheckResult): string {
  const s = r.synthesis;
  const { files, bytes } = countFiles(s);
  const where = displayPath(r.outdir, io.cwd);
  const lines: string[] = [];
  const app = displayPath(entry.file, io.cwd);
  const head = r.written
    ? `${st.green('✔')} Synthesized ${app} into ${st.bold(where + '/')} in ${formatSeconds(ms)}`
    : opts.dryRun
      ? `${st.green('✔')} Validated ${app} in ${formatSeconds(ms)} (dry run: ${where}/ untouched)`
      : `${st.green('✔')} Validated ${app} in ${formatSeconds(ms)} (--diff: ${where}/ untouched; --diff --write writes)`;
  lines.push(head);
  if (typecheck) lines.push(`  Type-checked with ${typecheck.compiler} (${displayPath(typecheck.tsconfig, io.cwd)})`);
  lines.push(`  ${plural(s.hosts.length, 'host')}, ${plural(files, 'file')}, ${formatBytes(bytes)}${r.written ? ' (and manifest.json)' : ''}`);
  if (s.hosts.length <= MANY_HOSTS) {
    const w = Math.max(...s.hosts.map((h) => h.hostname.length), 0);
    for (const h of s.hosts) {
      const hb = h.files.reduce((a, f) => a + Buffer.byteLength(f.content, 'utf8'), 0);
      lines.push(`  ${h.hostname.padEnd(w)}  ${plural(h.files.length, 'file').padStart(8)}  ${formatBytes(hb).padStart(8)}${h.vnetJail ? '  VNET jail' : ''}`);
    }
  } else {
    lines.push(`  (each host and file is listed in ${where}/manifest.json)`);
  }
  const jailFiles = new Map<string, string[]>();
  for (const h of s.hosts) {
    for (const f of h.files) if (String(f.target) === 'jail-host') jailFiles.set(f.path, [...(jailFiles.get(f.path) ?? []), h.hostname]);
  }
  if (jailFiles.size > 0) {
    lines.push(`  For the VNET jails, install on the jail's host, not inside the jail:`);
    const w = Math.max(...[...jailFiles.keys()].map((p) => p.length));
    for (const [p, hosts] of [...jailFiles].sort()) lines.push(`    ${p.padEnd(w)}  ${st.dim(shortList(hosts))}`);
  }
  if (s.rootFiles.length > 0) lines.push(`  App files: ${s.rootFiles.map((f) => f.path).join(', ')}`);
  if (r.checks) lines.push(`  Checks: ${checkLine(r.checks)}`);
  if (r.changes) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { countChanges } = require('./diff') as typeof import('./diff');
    const c = countChanges(r.changes);
    lines.push(r.changes.length === 0
      ? `  Changes: none (${where}/ already held this output)`
      : `  Changes: ${plural(r.changes.length, 'file')} (${c.added} added, ${c.modified} modified, ${c.removed} removed)`);
  }
  if (s.warnings.length > 0) lines.push(`  ${st.yellow(plural(s.warnings.length, 'warning'))} (above)`);
  return lines.join('\n') + '\n';
}

/** This copy of cdkbsd's lib/ folder (its frames are not the user's). */
const LIB_DIR = path.resolve(__dirname, '..');

/** Where in the app's own code a value error was thrown (first stack frame outside cdkbsd and node). */
function userLocation(e: unknown, io: Io): string | undefined {
  const loc = describeAppError(e, LIB_DIR).location;
  return loc ? formatLocation(loc, io.cwd) : undefined;
}

/**
 * Prints a failure and returns its exit status: 1 for the user's mistakes (including any error
 * the app's code throws: `stage` is `app` while it runs), 2 for internal faults of synth.
 */
function reportFailure(
  e: unknown, stage: Stage, io: Io, st: Style, entry: ResolvedEntry | undefined, outdir: string | undefined,
  results: AppResult[], json: boolean, started = Date.now(),
): number {
  const err = e as any;
  const where = outdir ? displayPath(outdir, io.cwd) + '/' : 'the output folder';
  const untouched = `nothing was written (${where} is unchanged)`;
  const Untouched = `${untouched[0].toUpperCase()}${untouched.slice(1)}.`;
  let code: number = ExitCode.INVALID;
  const errors: any[] = [];
  const lines: string[] = [];
  if (typeof err === 'object' && err !== null && err.name === 'ValidationError' && Array.isArray(err.issues)) {
    const loc = userLocation(err, io);
    const issues = (err.issues as ValidationIssue[]).map((i) => (i.path === '' && loc && i.source === undefined ? { ...i, source: loc } : i));
    for (const i of issues) {
      errors.push({ kind: 'validation', path: i.path, message: i.message, value: i.value, allowed: i.allowed, location: i.source });
      lines.push(`${st.red('error:')} ${issueLines(i, st, 7)}`);
    }
    lines.push(`Validation failed with ${plural(issues.length, 'error')}; ${untouched}.`);
  } else if (err instanceof CheckFailedError) {
    for (const r of results) {
      for (const c of r.checks ?? []) if (c.status === 'failed') errors.push({ kind: 'check', tool: c.tool, output: c.output, message: c.message });
      if (!json && r.checks) printCheckProblems(r.checks, io, st, false);
    }
    lines.push(`${st.red('error:')} ${plural(err.failures, 'check')} failed; ${untouched}.`);
  } else if (err instanceof TypecheckFailedError) {
    errors.push({ kind: 'typecheck', compiler: err.result.compiler, message: err.result.output });
    if (err.result.output !== '') lines.push(err.result.output, '');
    lines.push(`${st.red('error:')} ${err.message}; the app did not run and ${untouched}.`);
  } else if (err instanceof CliError) {
    errors.push({ kind: 'usage', message: err.message, hint: err.hint });
    lines.push(`${st.red('error:')} ${err.message}`);
    if (err.hint) lines.push(err.hint);
  } else if (err?.name === 'OutputError') {
    errors.push({ kind: 'output', message: err.message });
    lines.push(`${st.red('error:')} ${err.message}`);
  } else if (stage === 'cli' && typeof err?.syscall === 'string' && typeof err?.code === 'string' && /^E[A-Z]+$/.test(err.code)) {
    // The file system said no (EACCES, ENOSPC, EROFS …): a problem of this machine, not a bug.
    errors.push({ kind: 'system', code: err.code, message: err.message });
    lines.push(`${st.red('error:')} ${err.message}`, Untouched);
  } else if (stage === 'app') {
    // Anything else the app threw (a TypeError, a syntax error, a failed read …) is the app's
    // error: shown at the user's line, with the user's frames only.
    const r = describeAppError(err, LIB_DIR);
    const system = typeof err?.syscall === 'string' && typeof err?.code === 'string';
    errors.push({
      kind: r.kind === 'syntax' ? 'syntax' : system ? 'system' : 'app',
      ...(system ? { code: err.code } : {}),
      message: r.message,
      location: r.location ? formatLocation(r.location, io.cwd) : null,
    });
    lines.push(...appErrorLines(r, st, io.cwd));
    if (err?.code === 'MODULE_NOT_FOUND' && /Cannot find module '(?![./])/.test(String(err?.message))) {
      lines.push('Is the app\'s package installed (`npm install`)?');
    }
    if (err?.cause !== undefined) lines.push(`caused by: ${describeAppError(err.cause, LIB_DIR).message}`);
    if (io.env.CDKBSD_DEBUG === '1' && typeof err?.stack === 'string') lines.push('', 'the whole stack (CDKBSD_DEBUG=1):', err.stack);
    const what = r.kind === 'syntax' ? 'The app does not parse' : 'The app threw this error (not a validation finding)';
    lines.push(`${what}; ${untouched}.`);
  } else {
    code = ExitCode.INTERNAL;
    const stack = typeof err?.stack === 'string' ? err.stack : String(err);
    errors.push({ kind: 'internal', message: String(err?.message ?? err), stack });
    lines.push(`${st.red('internal error:')} ${stack}`);
    if (err?.cause?.stack) lines.push(`caused by: ${err.cause.stack}`);
    lines.push(`This is a fault in synth itself, not in the app; ${untouched}. Please report it.`);
  }
  if (json) {
    io.stdout.write(JSON.stringify(jsonReport(entry, results, code, started, errors), null, 2) + '\n');
    if (code === ExitCode.INTERNAL) io.stderr.write(lines.join('\n') + '\n');
  } else {
    io.stderr.write(lines.join('\n') + '\n');
  }
  return code;
}

function jsonReport(entry: ResolvedEntry | undefined, results: AppResult[], code: number, started: number, errors: any[], typecheck?: TypecheckResult): unknown {
  return {
    ok: errors.length === 0,
    exitCode: code,
    version: packageVersion(),
    entry: entry?.file ?? null,
    durationMs: Date.now() - started,
    typecheck: typecheck ? { compiler: typecheck.compiler, tsconfig: typecheck.tsconfig, ok: typecheck.ok } : null,
    apps: results.map((r) => {
      const s = r.synthesis;
      return {
        outdir: r.outdir,
        written: r.written,
        ...countFiles(s),
        hosts: s.hosts.map((h) => ({
          hostname: h.hostname,
          construct: h.constructPath,
          vnetJail: h.vnetJail,
          files: h.files.map((f) => ({
            path: f.path,
            bytes: Buffer.byteLength(f.content, 'utf8'),
            mode: `0${(f.mode & 0o7777).toString(8)}`,
            secret: f.secret,
            producer: f.producer,
            target: String(f.target),
          })),
        })),
        appFiles: s.rootFiles.map((f) => f.path),
        warnings: s.warnings.map((w) => ({ path: w.path, message: w.message, value: w.value, allowed: w.allowed, location: w.source })),
        checks: r.checks ?? null,
        changed: r.changes ? r.changes.length > 0 : null,
        changes: r.changes
          ? r.changes.map((c) => ({
            output: c.output,
            hostname: c.hostname ?? null,
            kind: c.kind,
            secret: c.secret,
            oldMode: c.oldMode === undefined ? null : `0${c.oldMode.toString(8)}`,
            newMode: c.newMode === undefined ? null : `0${c.newMode.toString(8)}`,
            added: c.added,
            removed: c.removed,
            diff: c.patch ?? null,
            hidden: c.hidden ?? null,
          }))
          : null,
      };
    }),
    errors,
  };
}
