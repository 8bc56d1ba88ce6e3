import * as path from 'path';
import { IConstruct, IValidation } from 'constructs';
import { Errors, Severity, ValidationError, ValidationIssue, formatIssue, objectInWords } from './errors';

/**
 * Details of a finding.
 */
export interface IssueDetails {
  /**
   * The offending value (never a secret).
   * @default - no value shown
   */
  readonly value?: string;
  /**
   * What is allowed instead.
   * @default - nothing said
   */
  readonly allowed?: string;
}

/**
 * Receives findings of one construct's tree-wide validation.
 */
export interface IReporter {
  /** Records an error. */
  error(message: string, details?: IssueDetails): void;
  /** Records a warning. */
  warning(message: string, details?: IssueDetails): void;
}

/** @internal */
export type ValidationHook = (report: IReporter) => void;

/**
 * What validation keeps on each construct (a property of the construct itself, so nothing is
 * process-wide): problems found at construction, and the tree-wide checks registered with the
 * construct's own `node.addValidation`. The key is `Symbol.for` so that two copies of the
 * library can see each other's state and the App can refuse a construct of another copy.
 */
const STATE = Symbol.for('cdkbsd.validation');
/** This copy of the library (a constant: no state). */
const COPY: symbol = Symbol('cdkbsd copy');

interface ValidationState {
  readonly copy: symbol;
  readonly recorded: ValidationIssue[];
  readonly checks: IssueValidation[];
  /** Whether check-props found a wrong shape here (then a vague finding of the construct's own is dropped). */
  shape?: boolean;
  /** Where the construct was created in the user's code. */
  readonly site: Site;
}

/** lib/: frames inside the library are never the user's line. */
const LIB_DIR = path.resolve(__dirname, '..');

/**
 * Where a construct was created: the captured stack, formatted (and reduced to the user's frame,
 * `file:line:col`) only when an issue asks for it. V8 formats a captured stack lazily, on the
 * first read of `stack`; formatting (with source maps under tsx) is most of the cost.
 */
interface Site {
  readonly holder?: { stack?: string };
  formatted?: string | null;
}

const NO_SITE: Site = { formatted: null };

function captureSite(): Site {
  const limit = Error.stackTraceLimit;
  const holder: { stack?: string } = {};
  try {
    Error.stackTraceLimit = 12;
    Error.captureStackTrace(holder, captureSite);
  } finally {
    Error.stackTraceLimit = limit;
  }
  return { holder };
}

/**
 * The first frame of a stack outside cdkbsd, node's internals and node_modules: the user's line
 * that created the construct. The stack is formatted by whatever maps this process's sources
 * (node's source maps under tsx, vitest's own), and only the one line is kept.
 */
function userFrame(stack: string): string | null {
  for (const line of stack.split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?[^()\s]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!m) continue;
    const file = m[1].startsWith('file://') ? m[1].slice(7) : m[1];
    if (file.startsWith('node:') || !path.isAbsolute(file) || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    if (file.startsWith(LIB_DIR + path.sep)) continue;
    const rel = path.relative(process.cwd(), file);
    return `${rel.startsWith('..') ? file : rel}:${m[2]}:${m[3]}`;
  }
  return null;
}

function formatSite(site: Site): string | undefined {
  if (site.formatted === undefined) site.formatted = userFrame(site.holder?.stack ?? '');
  return site.formatted ?? undefined;
}

/** @internal The user's line that is running now (`file:line:col`), for an error thrown at a call. */
export function callSite(): string | undefined {
  return formatSite(captureSite());
}

/**
 * Source locations are recorded for the first SITE_BUDGET constructs of an app: capturing a stack
 * costs a few µs (formatting it, done only for a construct with an issue, 15–90 µs with source
 * maps), which a hand-written app never notices and a generated fleet of 100,000 constructs
 * would (there a loop built them all, and the construct path tells them apart).
 */
const SITE_BUDGET = 2000;
const SITES_USED = Symbol.for('cdkbsd.sitesUsed');

function siteBudget(scope: IConstruct): boolean {
  const root = scope.node.root as any;
  const used: number = root[SITES_USED] ?? 0;
  if (used >= SITE_BUDGET) return false;
  if (used === 0) Object.defineProperty(root, SITES_USED, { value: 1, writable: true, enumerable: false });
  else root[SITES_USED] = used + 1;
  return true;
}

/** @internal Where `scope` was created in the user's code (`file:line:col`), if known. */
export function sourceOf(scope: IConstruct): string | undefined {
  const st = (scope as any)[STATE] as ValidationState | undefined;
  if (!st) return undefined;
  return formatSite(st.site);
}

/**
 * A check in the constructs' own validation protocol (`IValidation`): `node.validate()` returns
 * its errors as one-line messages, and the App reads the structured issues (value, allowed,
 * severity) it kept from the same run.
 */
const NONE: string[] = [];

/**
 * A value as a finding shows it. A check that formats a value of the wrong type with `String()`
 * gives `[object Object]` or `undefined`: those say nothing, so the object is named as one and a
 * missing value is not shown (the message says what is missing). Such a finding is vague: when
 * check-props also found the value's wrong shape (with the value's keys), only that is reported.
 */
function clearValue(v: string | undefined): { value?: string; vague: boolean } {
  if (v === undefined) return { vague: false };
  if (v === 'undefined') return { vague: true };
  // '' is an empty string, or an array formatted with String(): vague, but shown as it is.
  if (v === '') return { value: v, vague: true };
  if (v.includes('[object ')) return { value: objectInWords(v), vague: true };
  return { value: v, vague: false };
}

/** Vague findings (see clearValue) of the construct's own are kept apart from the rest. */
const VAGUE = Symbol('vague');
/** @internal Marks the details of a finding of check-props (never dropped as vague). */
export const SHAPE_FINDING = Symbol('shape finding');

class IssueValidation implements IValidation {
  public issues: ValidationIssue[] = [];
  constructor(private readonly scope: IConstruct, private readonly run: ValidationHook) {}

  public validate(): string[] {
    const issues: ValidationIssue[] = [];
    const scope = this.scope;
    const add = (severity: Severity) => (message: string, details?: IssueDetails) => {
      const v = clearValue(details?.value);
      if (v.vague && severity === Severity.ERROR && (details as any)?.[SHAPE_FINDING] !== true && dropVague(scope)) return;
      issues.push({ path: scope.node.path, message, value: v.value, allowed: details?.allowed, severity, source: sourceOf(scope) });
    };
    try {
      this.run({ error: add(Severity.ERROR), warning: add(Severity.WARNING) });
    } catch (e) {
      // A check that fails on a value already reported wrong (a string where a Backend belongs)
      // is a follow-on of that error: drop it. Otherwise it is a fault, named by its construct.
      if (!Diagnostics.hasErrors(scope) && !(e instanceof ValidationError)) {
        const err = new Error(`Internal error in a check of construct at path '${scope.node.path}': ${(e as any)?.message ?? e}`);
        (err as any).cause = e;
        throw err;
      }
      if (e instanceof ValidationError) throw e;
    }
    this.issues = issues;
    return issues.length === 0 ? NONE : issues.filter((i) => i.severity === Severity.ERROR).map(formatIssue);
  }
}

function stateOf(scope: IConstruct): ValidationState {
  let st = (scope as any)[STATE] as ValidationState | undefined;
  if (st === undefined) {
    st = { copy: COPY, recorded: [], checks: [], site: siteBudget(scope) ? captureSite() : NO_SITE };
    Object.defineProperty(scope, STATE, { value: st, enumerable: false });
  }
  return st;
}

function push(scope: IConstruct, severity: Severity, message: string, details?: IssueDetails) {
  const st = stateOf(scope);
  if (st.recorded.length === 0) {
    // The first problem found at construction: report what is recorded through node.validate().
    const recorded = st.recorded;
    const v = new IssueValidation(scope, (r) => {
      for (const i of recorded) (i.severity === Severity.ERROR ? r.error : r.warning)(i.message, i);
      // (the reporter adds the source)
    });
    st.checks.push(v);
    scope.node.addValidation(v);
  }
  const v = clearValue(details?.value);
  const issue: ValidationIssue = { path: scope.node.path, message, value: details?.value, allowed: details?.allowed, severity };
  if (v.vague) Object.defineProperty(issue, VAGUE, { value: true, enumerable: false });
  st.recorded.push(issue);
}

/** Whether a vague error of `scope` is dropped: check-props reports the value's shape instead. */
function dropVague(scope: IConstruct): boolean {
  const st = (scope as any)[STATE] as ValidationState | undefined;
  return st !== undefined && st.shape === true && !Diagnostics.hasClearErrors(scope);
}

/**
 * How constructs report problems. Constructs never throw on bad props: they record the problem
 * (with their path) and carry on, so that one synth lists every problem of the tree. (Only
 * check-props throws, at the call, for props of a shape no construct can be built with.)
 */
export class Diagnostics {
  /** Records an error found at construction. */
  public static error(scope: IConstruct, message: string, details?: IssueDetails): void {
    push(scope, Severity.ERROR, message, details);
  }

  /** Records a warning found at construction. */
  public static warning(scope: IConstruct, message: string, details?: IssueDetails): void {
    push(scope, Severity.WARNING, message, details);
  }

  /**
   * Records the error of a value class (a `ValidationError` without a path) under `scope`.
   * Rethrows anything else.
   */
  public static fromValueError(scope: IConstruct, e: unknown, what: string): void {
    if (e instanceof ValidationError || Errors.isValidationError(e)) {
      for (const i of (e as ValidationError).issues) {
        push(scope, i.severity, `${what}: ${i.message}`, { value: i.value, allowed: i.allowed });
      }
      return;
    }
    throw e;
  }

  /**
   * Runs `parse` and returns its result, or records its `ValidationError` under `scope` and
   * returns undefined.
   */
  public static tryParse<T>(scope: IConstruct, what: string, parse: () => T): T | undefined {
    try {
      return parse();
    } catch (e) {
      Diagnostics.fromValueError(scope, e, what);
      return undefined;
    }
  }

  /**
   * Whether problems found at construction of `scope` include an error: a check that depends on
   * a value already reported skips, so that one mistake gives one error (no follow-ons).
   */
  public static hasErrors(scope: IConstruct): boolean {
    const st = (scope as any)[STATE] as ValidationState | undefined;
    return st !== undefined && st.recorded.some((i) => i.severity === Severity.ERROR);
  }

  /**
   * @internal Whether `scope` recorded an error that shows its value (not `[object Object]` nor
   * `undefined`): check-props then leaves a wrong type to it (one mistake, one error).
   */
  public static hasClearErrors(scope: IConstruct): boolean {
    const st = (scope as any)[STATE] as ValidationState | undefined;
    return st !== undefined && st.recorded.some((i) => i.severity === Severity.ERROR && (i as any)[VAGUE] !== true);
  }

  /** @internal Marks that check-props found a wrong shape under `scope` (see hasClearErrors). */
  public static markShapeProblem(scope: IConstruct): void {
    stateOf(scope).shape = true;
  }

  /** Adds a check that runs tree-wide at synth, before rendering (through `scope.node.addValidation`). */
  public static addValidation(scope: IConstruct, hook: ValidationHook): void {
    const v = new IssueValidation(scope, hook);
    stateOf(scope).checks.push(v);
    scope.node.addValidation(v);
  }

  /**
   * Step 1 of the pipeline: runs `node.validate()` of every construct and returns every finding,
   * in tree order: cdkbsd's structured issues, plain messages of validations users added with
   * `node.addValidation`, and an error for each construct of another copy of cdkbsd.
   */
  public static collect(all: readonly IConstruct[]): ValidationIssue[] {
    const out: ValidationIssue[] = [];
    for (const c of all) {
      const messages = c.node.validate();
      const st = (c as any)[STATE] as ValidationState | undefined;
      if (st && st.copy !== COPY) {
        out.push({
          path: c.node.path,
          message: 'This construct comes from another copy of cdkbsd than the App (two versions installed, or sources mixed with compiled files); it would be left out',
          value: c.constructor?.name ?? typeof c,
          allowed: 'constructs of one cdkbsd copy: run `npm ls cdkbsd` and dedupe',
          severity: Severity.ERROR,
        });
        continue;
      }
      let ours = 0;
      if (st) {
        for (const v of st.checks) {
          for (const i of v.issues) out.push(i);
          ours += v.issues.length;
        }
      }
      if (messages.length === 0) continue;
      // Messages of validations users added themselves (`node.addValidation`) are errors too.
      const known = new Set(out.slice(out.length - ours).filter((i) => i.severity === Severity.ERROR).map(formatIssue));
      for (const m of messages) if (!known.has(m)) out.push({ path: c.node.path, message: m, severity: Severity.ERROR, source: sourceOf(c) });
    }
    return out;
  }
}

/** Checks that `n` is an integer in [min, max]. Records an error otherwise. Returns whether it is. */
export function checkInt(scope: IConstruct, what: string, n: unknown, min: number, max: number): boolean {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    Diagnostics.error(scope, `${what} must be an integer from ${min} to ${max}`, { value: String(n), allowed: `integers ${min}–${max}` });
    return false;
  }
  return true;
}
