/**
 * An error thrown by the user's app (a TypeError, a syntax error, any exception that is not a
 * cdkbsd validation finding), shown as the user's error: the message, `file:line:col` in the
 * user's own file, a code frame with a caret, and only the user's frames of the stack (none of
 * node's, tsx's, esbuild's, node_modules' or cdkbsd's).
 */
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { displayPath, Style } from './format';

/** A place in a source file. `line` and `column` count from 1. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** One frame of a stack trace. */
export interface StackFrame extends SourceLocation {
  /** The function, when V8 names one (`buildApp`, `Object.<anonymous>` for a module's top level). */
  readonly fn?: string;
}

/** What the CLI shows of an error of the app. */
export interface AppErrorReport {
  /** `syntax` (the app does not parse) or `runtime` (it threw while running). */
  readonly kind: 'syntax' | 'runtime';
  /** `TypeError: carp.addVIP is not a function`, or the syntax problem. */
  readonly message: string;
  /** Where, in the user's code (undefined when no frame of the stack is the user's). */
  readonly location?: SourceLocation;
  /** The user's other frames, innermost first (the callers of `location`). */
  readonly callers: StackFrame[];
  /** Whether the error was raised inside cdkbsd itself (called from `location`). */
  readonly insideLibrary: boolean;
  /** What else to say (a module missing inside cdkbsd: a broken copy). */
  readonly note?: string;
}

const FRAME_RE = /^\s*at (?:(.*?) \()?((?:file:\/\/|\/|[A-Za-z]:\\).*?):(\d+):(\d+)\)?\s*$/;

/** The frames of a V8 stack trace that name a file (others, like `<anonymous>`, are left out). */
export function parseStack(stack: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const line of stack.split('\n')) {
    const m = FRAME_RE.exec(line);
    if (!m) continue;
    let file = m[2];
    if (file.startsWith('file://')) {
      try {
        file = fileURLToPath(file);
      } catch {
        continue;
      }
    }
    frames.push({ fn: m[1] || undefined, file, line: Number(m[3]), column: Number(m[4]) });
  }
  return frames;
}

/** Whether `file` is in one of `dirs` (or is one). */
function within(file: string, dirs: string[]): boolean {
  return dirs.some((d) => file === d || file.startsWith(d + path.sep));
}

/**
 * Whether a file is the user's: not in node_modules, not node's own, and not this copy of
 * cdkbsd (`ownDirs`: its lib/ folder, which also holds the CLI, and its bin/ launchers).
 */
export function isUserFile(file: string, ownDirs: string | string[]): boolean {
  if (!path.isAbsolute(file)) return false;
  if (file.split(/[\\/]/).includes('node_modules')) return false;
  return !within(file, typeof ownDirs === 'string' ? [ownDirs] : ownDirs);
}

/** The problem and its place in an error of esbuild's (`Transform failed with 1 error:` through tsx). */
function esbuildSyntax(message: string): { message: string; location: SourceLocation } | undefined {
  if (!/^Transform failed with \d+ errors?:/.test(message)) return undefined;
  for (const line of message.split('\n').slice(1)) {
    const m = /^(.+?):(\d+):(\d+): ERROR: (.*)$/.exec(line.trim());
    if (!m) continue;
    const file = m[1];
    const lineNo = Number(m[2]);
    // esbuild counts columns from 0, in bytes of UTF-8: the caret needs characters from 1.
    let column = Number(m[3]) + 1;
    const text = sourceLine(file, lineNo);
    if (text !== undefined) column = Buffer.from(text, 'utf8').subarray(0, Number(m[3])).toString('utf8').length + 1;
    return { message: m[4], location: { file, line: lineNo, column } };
  }
  return undefined;
}

/** A SyntaxError of V8's in a JavaScript entry: its stack starts with `file:line`, the code, a caret. */
function v8Syntax(err: any): { message: string; location: SourceLocation } | undefined {
  if (err?.name !== 'SyntaxError' || typeof err.stack !== 'string') return undefined;
  const lines = err.stack.split('\n');
  const m = /^((?:\/|[A-Za-z]:\\).*):(\d+)$/.exec(lines[0] ?? '');
  if (!m) return undefined;
  const caret = (lines[2] ?? '').indexOf('^');
  return { message: String(err.message), location: { file: m[1], line: Number(m[2]), column: caret >= 0 ? caret + 1 : 1 } };
}

/** The message line of an error: `TypeError: …`, or the message alone for a plain Error. */
function headline(err: any): string {
  if (err instanceof Error || (typeof err === 'object' && err !== null && typeof err.message === 'string')) {
    const name = typeof err.name === 'string' && err.name !== '' && err.name !== 'Error' ? `${err.name}: ` : '';
    return `${name}${String(err.message).split('\n')[0]}`;
  }
  return `a value that is not an Error was thrown: ${typeof err === 'string' ? JSON.stringify(err) : String(err)}`;
}

/**
 * What to show of an error thrown while the app ran: a syntax error (esbuild's through tsx, or
 * V8's), or any other exception with the first frame in the user's code.
 */
export function describeAppError(err: unknown, ownDirs: string | string[]): AppErrorReport {
  const dirs = typeof ownDirs === 'string' ? [ownDirs] : ownDirs;
  const e = err as any;
  const syntax = typeof e?.message === 'string' ? esbuildSyntax(e.message) ?? v8Syntax(e) : undefined;
  if (syntax) return { kind: 'syntax', message: syntax.message, location: syntax.location, callers: [], insideLibrary: false };
  const missing = missingModule(e, dirs);
  if (missing) return missing;
  const frames = typeof e?.stack === 'string' ? parseStack(e.stack) : [];
  const own = withoutWrappers(frames.filter((f) => isUserFile(f.file, dirs)));
  const first = own[0];
  // Raised inside this copy of cdkbsd (or a package it called), from the user's call.
  const inner = first === undefined ? [] : frames.slice(0, frames.indexOf(first));
  const insideLibrary = inner.some((f) => within(f.file, dirs));
  return { kind: 'runtime', message: headline(e), location: first, callers: own.slice(1, 6), insideLibrary };
}

/**
 * A module that cannot be found: placed at the import in the first of the user's files that
 * led to it (node's `requireStack`, innermost first), since the stack holds only the resolver.
 */
function missingModule(e: any, dirs: string[]): AppErrorReport | undefined {
  if (e?.code !== 'MODULE_NOT_FOUND' || !Array.isArray(e.requireStack) || e.requireStack.length === 0) return undefined;
  const files: string[] = e.requireStack.filter((f: unknown): f is string => typeof f === 'string');
  const file = files.find((f) => isUserFile(f, dirs));
  const spec = /Cannot find module '([^']+)'/.exec(String(e.message))?.[1];
  let location: SourceLocation | undefined;
  if (file !== undefined) {
    // The import in the user's file: of the missing module itself, or of the module that led to it.
    const next = files[files.indexOf(file) - 1];
    location = importSite(file, (s) => (next === undefined ? s === spec : resolvesTo(s, file, next))) ?? { file, line: 1, column: 1 };
  }
  const broken = files[0] !== file && within(files[0], dirs);
  return {
    kind: 'runtime', message: headline(e), location, callers: [], insideLibrary: false,
    note: broken ? `cdkbsd's own ${path.basename(files[0])} needs it (${files[0]}): this copy of cdkbsd is incomplete; install it again.` : undefined,
  };
}

/** The first quoted module specifier in an import or require of `file` that `wanted` accepts. */
function importSite(file: string, wanted: (spec: string) => boolean): SourceLocation | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  } catch {
    return undefined;
  }
  for (let i = 0; i < lines.length; i++) {
    for (const m of lines[i].matchAll(/(?:\bfrom\s*|\brequire\(\s*|\bimport\(?\s*)(['"])([^'"]+)\1/g)) {
      if (wanted(m[2])) return { file, line: i + 1, column: m.index! + m[0].length - m[2].length - 1 };
    }
  }
  return undefined;
}

/** Whether `spec`, imported from `from`, is the module file `target`. */
function resolvesTo(spec: string, from: string, target: string): boolean {
  try {
    const r = require.resolve(spec, { paths: [path.dirname(from)] });
    const bare = (f: string) => f.replace(/\.(c|m)?(j|t)s$/, '');
    return r === target || bare(r) === bare(target);
  } catch {
    return false;
  }
}

/**
 * Without the frame of tsx's wrapper around a module: tsx runs a module's top level as an
 * `<anonymous>` function, called from an `Object.<anonymous>` frame mapped into the same file.
 */
function withoutWrappers(frames: StackFrame[]): StackFrame[] {
  return frames.filter((f, i) => !(f.fn === 'Object.<anonymous>' && i > 0 && frames[i - 1].file === f.file && frames[i - 1].fn === '<anonymous>'));
}

function sourceLine(file: string, line: number): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').split(/\r?\n/)[line - 1];
  } catch {
    return undefined;
  }
}

/**
 * A few lines of `file` around `line`, numbered, the line marked with `>` and a caret under
 * `column` (tabs kept, so that the caret lines up). Empty when the file cannot be read.
 */
export function codeFrame(loc: SourceLocation, st: Style, around = 2): string {
  let lines: string[];
  try {
    lines = fs.readFileSync(loc.file, 'utf8').split(/\r?\n/);
  } catch {
    return '';
  }
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop(); // the file's last newline ends a line, starts none
  if (loc.line < 1 || loc.line > lines.length) return '';
  const first = Math.max(1, loc.line - around);
  const last = Math.min(lines.length, loc.line + around);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const text = lines[n - 1].replace(/\s+$/, '');
    const gutter = `${String(n).padStart(width)} |`;
    if (n === loc.line) {
      out.push(`${st.red('>')} ${st.bold(gutter)}${text === '' ? '' : ` ${text}`}`);
      const before = lines[n - 1].slice(0, Math.max(0, loc.column - 1)).replace(/[^\t]/g, ' ');
      out.push(`  ${' '.repeat(width)} | ${before}${st.red('^')}`);
    } else {
      out.push(`  ${st.dim(gutter)}${text === '' ? '' : ` ${text}`}`);
    }
  }
  return out.join('\n');
}

/** `main.ts:14:6`, relative to the working directory when inside it. */
export function formatLocation(loc: SourceLocation, cwd: string): string {
  return `${displayPath(loc.file, cwd)}:${loc.line}:${loc.column}`;
}

/** The report as the lines the CLI prints (without the closing "nothing was written" line). */
export function appErrorLines(r: AppErrorReport, st: Style, cwd: string): string[] {
  const lines: string[] = [];
  if (r.kind === 'syntax') {
    lines.push(`${st.red('error:')} syntax error in ${r.location ? formatLocation(r.location, cwd) : 'the app'}: ${r.message}`);
  } else {
    lines.push(`${st.red('error:')} ${r.message}`);
    if (r.location) lines.push(`    at ${formatLocation(r.location, cwd)}`);
  }
  const frame = r.location ? codeFrame(r.location, st) : '';
  if (frame !== '') lines.push('', frame, '');
  for (const c of r.callers) {
    const fn = c.fn && !/^(Object\.)?<anonymous>$/.test(c.fn) ? `${c.fn} ` : '';
    lines.push(`    called from ${fn}${fn ? '(' : ''}${formatLocation(c, cwd)}${fn ? ')' : ''}`);
  }
  if (r.note !== undefined) lines.push(r.note);
  if (r.insideLibrary && r.location) {
    lines.push(`The error was raised inside cdkbsd, called from ${formatLocation(r.location, cwd)}: if that call looks right, it may be a bug in cdkbsd (CDKBSD_DEBUG=1 prints the whole stack).`);
  }
  return lines;
}
