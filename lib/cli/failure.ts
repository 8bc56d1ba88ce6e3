/** How `synth` reports a failure, and its exit status. */
import * as path from 'path';
import type { ValidationIssue } from '../core/errors';
import { appErrorLines, describeAppError, formatLocation } from './app-error';
import { CheckFailedError, CliError, TypecheckFailedError } from './errors';
import type { ResolvedEntry } from './entry';
import { displayPath, plural, Style } from './format';
import { AppResult, ExitCode, issueLines, jsonReport, printCheckProblems } from './summary';
import type { Io } from './synth';

/** The stage a failure happened in: the app's own code, or synth's work around it. */
export type Stage = 'cli' | 'app';

/** This copy of cdkbsd's lib/ and bin/ folders (their frames are not the user's). */
const LIB_DIR = [path.resolve(__dirname, '..'), path.resolve(__dirname, '..', '..', 'bin')];

/** Where in the app's own code a value error was thrown (first stack frame outside cdkbsd and node). */
function userLocation(e: unknown, io: Io): string | undefined {
  const loc = describeAppError(e, LIB_DIR).location;
  return loc ? formatLocation(loc, io.cwd) : undefined;
}

/**
 * Prints a failure and returns its exit status: 1 for the user's mistakes (including any error
 * the app's code throws: `stage` is `app` while it runs), 2 for internal faults of synth.
 */
export function reportFailure(
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
    const pkg = err?.code === 'MODULE_NOT_FOUND' ? /Cannot find module '((?:@[^/']+\/)?[^./'][^/']*)/.exec(String(err?.message))?.[1] : undefined;
    if (pkg !== undefined) lines.push(`The package ${pkg} is not installed for the app: \`npm install ${pkg}\` (or \`npm install\` if package.json lists it).`);
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
