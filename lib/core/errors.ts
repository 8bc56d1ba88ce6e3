/**
 * How serious a finding of validation is.
 */
export enum Severity {
  /** Synthesis stops and nothing is written. */
  ERROR = 'error',
  /** Legal but risky: reported, synthesis goes on. */
  WARNING = 'warning',
}

/**
 * One finding of validation: where, what, the offending value and what is allowed.
 */
export interface ValidationIssue {
  /** Construct path of the construct at fault (`''` for a value outside the tree). */
  readonly path: string;
  /** What is wrong, in one sentence. */
  readonly message: string;
  /**
   * The offending value, as the user wrote it (secrets are never shown).
   * @default - no value shown
   */
  readonly value?: string;
  /**
   * What would be accepted instead.
   * @default - nothing said
   */
  readonly allowed?: string;
  /** Error or warning. */
  readonly severity: Severity;
  /**
   * Where the construct at fault was created in the app's code, as `file:line:col` (recorded for
   * the first 2,000 constructs of an app).
   * @default - unknown (created outside the app's files, by cdkbsd itself, or beyond the first 2,000)
   */
  readonly source?: string;
}

/** Escapes control characters, so a value inside a message can never start a new line. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return String(text).replace(/[\x00-\x1f\x7f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

/** @internal `[object Object]` (a check that formatted an object with `String()`) said in words. */
export function objectInWords(text: string): string {
  return text.replace(/\[object (\w+)\]/g, (_m, kind: string) => (kind === 'Object' ? '(an object)' : `(${kind})`));
}

/**
 * An issue as a ValidationError shows it: a value of `undefined` (a check that formatted a
 * missing value) is not shown, and `[object Object]` is said in words.
 */
function plainIssue(i: ValidationIssue): ValidationIssue {
  const value = i.value === 'undefined' ? undefined : i.value;
  const vague = (t: string | undefined) => t !== undefined && t.includes('[object ');
  if (value === i.value && !vague(i.value) && !vague(i.message) && !vague(i.allowed)) return i;
  const out: ValidationIssue = { ...i, message: objectInWords(i.message), value: value === undefined ? undefined : objectInWords(value), allowed: i.allowed === undefined ? undefined : objectInWords(i.allowed) };
  if (out.value === undefined) delete (out as { value?: string }).value;
  if (out.allowed === undefined) delete (out as { allowed?: string }).allowed;
  return out;
}

/**
 * Formats one issue as a single readable line: `[path] message (got: value, allowed: ...) at file:line:col`.
 */
export function formatIssue(issue: ValidationIssue): string {
  const where = issue.path === '' ? '' : `[${oneLine(issue.path)}] `;
  const extra: string[] = [];
  if (issue.value !== undefined) extra.push(`got: ${JSON.stringify(issue.value)}`);
  if (issue.allowed !== undefined) extra.push(`allowed: ${oneLine(issue.allowed)}`);
  const at = issue.source !== undefined ? ` at ${oneLine(issue.source)}` : '';
  return `${where}${oneLine(issue.message)}${extra.length > 0 ? ` (${extra.join('; ')})` : ''}${at}`;
}

/**
 * What a ValidationError carries (for type narrowing with `Errors.isValidationError`).
 */
export interface ValidationFailure {
  /** Every issue, one per line of the message. */
  readonly message: string;
  /** The errors, sorted by construct path. */
  readonly issues: ValidationIssue[];
}

/**
 * Inspects errors thrown by `synth()` (jsii languages cannot catch a TypeScript error subclass by
 * type, so these helpers tell a validation failure apart from an internal fault).
 */
export class Errors {
  /** Whether `x` is a ValidationError (across copies of the library too). */
  public static isValidationError(x: any): x is ValidationFailure {
    return typeof x === 'object' && x !== null && x.name === 'ValidationError' && Array.isArray(x.issues);
  }

  /** The issues of a ValidationError, or an empty list for any other value. */
  public static issuesOf(x: any): ValidationIssue[] {
    return Errors.isValidationError(x) ? [...x.issues] : [];
  }

  private constructor() {}
}

/**
 * Thrown when validation finds errors: lists every error of the whole tree at once, sorted by
 * construct path. Nothing is written when it is thrown.
 */
export class ValidationError extends Error {
  /** Every error found (warnings are not included). */
  public declare readonly issues: ValidationIssue[];

  constructor(issues: ValidationIssue[]) {
    issues = issues.map(plainIssue);
    const n = issues.length;
    super(
      `Validation failed with ${n} error${n === 1 ? '' : 's'}:\n` + issues.map((i) => `  ${formatIssue(i)}`).join('\n'),
    );
    this.name = 'ValidationError';
    // Not enumerable: node prints an uncaught error's own properties after its message, which
    // would list every issue a second time.
    Object.defineProperty(this, 'issues', { value: issues, enumerable: false, writable: false, configurable: true });
    // The issues say where the problem is (construct paths); a stack trace into the library
    // would only bury them when an app run without `npx synth` lets the error escape.
    this.stack = `${this.name}: ${this.message}`;
    Object.setPrototypeOf(this, ValidationError.prototype);
  }
}

/** @internal An error about a value class (outside the tree): path `''`. */
export function valueError(message: string, value: string, allowed: string): ValidationError {
  return new ValidationError([{ path: '', message, value, allowed, severity: Severity.ERROR }]);
}
