import { IConstruct } from 'constructs';
import { Severity, ValidationError, ValidationIssue } from './errors';
import { allConstructs, foreignConstructs } from './lifecycle';
import { COPY, processWide } from './private/global';

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

const recorded = processWide('recorded', () => new WeakMap<IConstruct, ValidationIssue[]>());
const hooks = processWide('hooks', () => new WeakMap<IConstruct, Array<{ hook: ValidationHook; copy: symbol }>>());

function push(scope: IConstruct, severity: Severity, message: string, details?: IssueDetails) {
  const list = recorded.get(scope) ?? [];
  list.push({ path: scope.node.path, message, value: details?.value, allowed: details?.allowed, severity });
  recorded.set(scope, list);
}

/**
 * How constructs report problems. Constructs never throw on bad props: they record the problem
 * here (with their path) and carry on, so that one synth lists every problem of the tree.
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
   * Records the error of a value class (a `ValidationError` without a path) under `scope`;
   * rethrows anything else.
   */
  public static fromValueError(scope: IConstruct, e: unknown, what: string): void {
    if (e instanceof ValidationError) {
      for (const i of e.issues) {
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

  /** Adds a check that runs tree-wide at synth, before rendering. */
  public static addValidation(scope: IConstruct, hook: ValidationHook): void {
    const list = hooks.get(scope) ?? [];
    list.push({ hook, copy: COPY });
    hooks.set(scope, list);
  }

  /**
   * Collects every finding of the tree under `root`: recorded ones and those of the hooks,
   * sorted by path (stable within a path).
   */
  public static collect(root: IConstruct): ValidationIssue[] {
    const all: ValidationIssue[] = [];
    for (const c of allConstructs(root)) {
      all.push(...(recorded.get(c) ?? []));
      const foreign = foreignConstructs.has(c) || (hooks.get(c) ?? []).some((h) => h.copy !== COPY);
      if (foreign) {
        all.push({
          path: c.node.path,
          message: 'This construct comes from another copy of cdkbsd than the App (two versions installed, or sources mixed with compiled files); it would be left out',
          value: c.constructor?.name ?? typeof c,
          allowed: 'constructs of one cdkbsd copy: run `npm ls cdkbsd` and dedupe',
          severity: Severity.ERROR,
        });
        continue;
      }
      for (const { hook } of hooks.get(c) ?? []) {
        const reporter: IReporter = {
          error: (message, details) => all.push({ path: c.node.path, message, value: details?.value, allowed: details?.allowed, severity: Severity.ERROR }),
          warning: (message, details) => all.push({ path: c.node.path, message, value: details?.value, allowed: details?.allowed, severity: Severity.WARNING }),
        };
        hook(reporter);
      }
    }
    return all
      .map((issue, index) => ({ issue, index }))
      .sort((a, b) => (a.issue.path < b.issue.path ? -1 : a.issue.path > b.issue.path ? 1 : a.index - b.index))
      .map((x) => x.issue);
  }
}

/** Checks that `n` is an integer in [min, max]; records an error otherwise. Returns whether it is. */
export function checkInt(scope: IConstruct, what: string, n: unknown, min: number, max: number): boolean {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    Diagnostics.error(scope, `${what} must be an integer from ${min} to ${max}`, { value: String(n), allowed: `integers ${min}–${max}` });
    return false;
  }
  return true;
}
