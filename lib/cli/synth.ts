import * as fs from 'fs';
import * as path from 'path';
import { parseSynthArgs, SynthOptions, SYNTH_USAGE } from './args';
import { CheckFailedError, noSynth, severalSynths, TypecheckFailedError } from './errors';
import { loadEntry, ResolvedEntry, resolveEntry } from './entry';
import { reportFailure, Stage } from './failure';
import { colourWanted, displayPath, styleFor } from './format';
import { svgCacheDir } from '../diagram/svg-cache';
import { readStaged, removeDeadStagings, stagingPath, SynthCounter } from './staged';
import { AppResult, countFiles, ExitCode, jsonReport, MANY_HOSTS, printCheckProblems, printWarnings, summaryText } from './summary';
import type { TypecheckResult } from './typecheck';
import { packageVersion } from './version';

export { ExitCode };

/** Where the CLI reads and writes (the process's, or a test's). */
export interface Io {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
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


/**
 * `synth [options] [entry]`: runs the app in this process with CDKBSD_OUTDIR pointing at a fresh
 * staging folder next to the output folder (and CDKBSD_CLI=1). The app's `app.synth()` writes
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

  // Without the SVG cache, Graphviz (WebAssembly) compiles in the background while the entry is
  // resolved, so the diagram renders in this thread instead of starting a worker. With it, the
  // diagram usually comes from the cache, and a miss renders in a worker.
  const vizReady = opts.diagram && process.env.CDKBSD_NO_DIAGRAM !== '1' && svgCacheDir(io.env) === undefined
    ? // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require('../diagram/render-svg') as typeof import('../diagram/render-svg')).preloadSvgRenderer()
    : undefined;
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
    // Deep enough to reach the user's frame of an error raised far inside the library.
    const stackLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = Math.max(stackLimit, 100);
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
      Error.stackTraceLimit = stackLimit;
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
