import { IConstruct } from 'constructs';
import { callSite, Diagnostics, SHAPE_FINDING, sourceOf } from '../diagnostics';
import { Severity, ValidationError, ValidationIssue } from '../errors';
import { lookup } from './check-props-schema';
import { article, short, SENSITIVE, isPlainObject, kindOf, shown, closest, join, typeName, isInstance } from './check-props-text';
import { TypeRef, Param, Struct, StructProp, EnumType, ClassType } from './prop-schema-types';

/*
 * Props checked at run time against their declared shape. Apps run through tsx without
 * type-checking, so a misspelled key (`maxcon`), a value of the wrong type (`vhid: '10'`) or a
 * misspelled enum member (`BalanceAlgorithm.LEAST_CONN`, which is `undefined`) would otherwise be
 * silently dropped or passed on. The shape comes from the jsii assembly, through
 * prop-schema.json (written by scripts/prop-schema.js after jsii): nothing here is kept by hand.
 *
 * Never a false error on valid input: anything this module cannot judge is accepted (a type it
 * does not know, an object that might be an instance of the expected class, the keys of a
 * class instance passed as props), and the construct's own checks still run.
 */

export { closest } from './check-props-text';

/** A problem of a value's shape: what is wrong, the offending value (never a secret) and what is allowed. */
export interface PropProblem {
  readonly message: string;
  readonly value?: string;
  readonly allowed?: string;
  /** Likely a mistake but valid (an explicit `undefined` for an optional enum): reported as a warning. */
  readonly warning?: boolean;
  /**
   * A key the struct does not have. Always reported; other errors (a wrong type, a missing key)
   * only when the construct's own checks, which read the same values, found nothing.
   */
  readonly unknownKey?: boolean;
  /**
   * The construct could not even be built with it: no props where they are required, or a
   * value where an object, a list or an instance of a class belongs that is none of these. Such
   * problems are thrown at the call (the construct would fail on them with a TypeError).
   */
  readonly fatal?: boolean;
}

/** Whether a value of type `t` is a primitive (a construct never dereferences it as an object). */
function isPrimitive(t: TypeRef): boolean {
  if (typeof t !== 'string') return false;
  if (t === 'string' || t === 'number' || t === 'boolean' || t === 'any' || t === 'json') return true;
  return lookup(t)?.kind === 'enum';
}

// ---------------------------------------------------------------------------------------------
// Describing values: the type, and the value itself only when it can never be a secret.

/** Names that may hold a secret: a string under them is never shown. */
class Checker {
  public readonly out: PropProblem[] = [];

  /** Checks `v` against `t` (v is neither undefined nor null: the caller decides what those mean). */
  public value(t: TypeRef, v: unknown, at: string, sensitive: boolean): void {
    if (typeof t === 'string') {
      switch (t) {
        case 'string':
        case 'number':
        case 'boolean':
          // A string is read with string methods (a number there fails with a TypeError): fatal.
          if (typeof v !== t) this.wrongType(at, `a ${t}`, v, sensitive, undefined, t === 'string');
          return;
        case 'any':
        case 'json':
          return;
        case 'date':
          if (!(v instanceof Date) && Object.prototype.toString.call(v) !== '[object Date]') this.wrongType(at, 'a Date', v, sensitive);
          return;
        default:
          this.named(t, v, at, sensitive);
          return;
      }
    }
    if ('array' in t) {
      if (!Array.isArray(v)) {
        this.wrongType(at, `an array of ${typeName(t.array)}`, v, sensitive, undefined, true);
        return;
      }
      for (let i = 0; i < v.length; i++) this.element(t.array, v[i], `${at}[${i}]`, sensitive);
      return;
    }
    if ('map' in t) {
      if (typeof v !== 'object' || Array.isArray(v)) {
        this.wrongType(at, `a map of ${typeName(t.map)}`, v, sensitive, undefined, true);
        return;
      }
      for (const [k, x] of Object.entries(v as object)) this.element(t.map, x, join(at, k), sensitive || SENSITIVE.test(k));
      return;
    }
    // A union: accepted when any of its types accepts it.
    for (const alt of t.union) {
      const c = new Checker();
      c.value(alt, v, at, sensitive);
      if (c.out.every((p) => p.warning)) return;
    }
    this.wrongType(at, t.union.map((x) => article(typeName(x))).join(' or '), v, sensitive, undefined, t.union.every((x) => !isPrimitive(x)));
  }

  /** Checks the props of a struct. `at` is the path of the struct ('' at the top). */
  public struct(s: Struct, v: unknown, at: string, what: string, sensitive: boolean, strictKeys: boolean): void {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      this.out.push({ message: `${at === '' ? what : at} must be an object (${s.name}), not ${kindOf(v)}`, value: shown(v, sensitive), allowed: `an object with ${s.keys.length > 0 ? `the keys ${s.keys.join(', ')}` : 'no keys'}`, fatal: true });
      return;
    }
    const o = v as Record<string, unknown>;
    // Unknown keys are looked for in plain objects only: an instance of a class implementing the
    // struct may carry fields of its own. A plain object is checked in the order it was written.
    const plain = isPlainObject(o);
    // This runs for every construct and every props call: plain loops over precompiled lists,
    // no Map iteration, and no path string unless a value needs one.
    if (plain) {
      for (const key in o) {
        if (!Object.prototype.hasOwnProperty.call(o, key)) continue;
        const p = s.props.get(key);
        if (p !== undefined) this.prop(s, p, key, o, at, sensitive);
        else if (strictKeys) this.unknown(s, key, at);
      }
      const req = s.requiredProps;
      for (let i = 0; i < req.length; i++) {
        if (!Object.prototype.hasOwnProperty.call(o, req[i].name)) this.prop(s, req[i], req[i].name, o, at, sensitive);
      }
      return;
    }
    const all = s.propList;
    for (let i = 0; i < all.length; i++) this.prop(s, all[i], all[i].name, o, at, sensitive);
  }

  private prop(s: Struct, p: StructProp, key: string, o: Record<string, unknown>, at: string, sensitive: boolean): void {
    const x = o[key];
    if (x !== undefined && x !== null) {
      // Primitives of the right type need no path (it only names a problem).
      if ((p.t === 'string' || p.t === 'number' || p.t === 'boolean') && typeof x === p.t) return;
      this.value(p.t, x, join(at, key), sensitive || p.sensitive);
      return;
    }
    const child = join(at, key);
    const present = Object.prototype.hasOwnProperty.call(o, key);
    const e = typeof p.t === 'string' ? lookup(p.t) : undefined;
    if (!p.optional) {
      if (present && e?.kind === 'enum') this.undefinedMember(child, e, false);
      else this.out.push({ message: `${child} is required in ${s.name}${present ? ` (it is ${String(x)})` : ''}`, value: present ? String(x) : undefined, allowed: article(typeName(p.t)) });
    } else if (x === null) {
      // null is not "left out": the construct would read it (`null.length`).
      this.out.push({ message: `${child} is null in ${s.name}: leave it out for the default`, value: 'null', allowed: article(typeName(p.t)), fatal: true });
    } else if (present && x === undefined && e?.kind === 'enum') {
      // `{ balance: BalanceAlgorithm.LEAST_CONN }` gives undefined: likely a misspelled member,
      // but an explicit undefined is valid too (a wrapper passing its own optional prop on).
      this.undefinedMember(child, e, true);
    }
  }

  private unknown(s: Struct, key: string, at: string): void {
    const near = closest(key, s.keys);
    this.out.push({
      message: `Unknown property "${join(at, key)}" in ${s.name}${near !== undefined ? `; did you mean "${near}"?` : ''}`,
      value: key,
      allowed: s.keys.length > 0 ? s.keys.join(', ') : 'no properties',
      unknownKey: true,
    });
  }

  /** Checks the arguments of a method or initializer. */
  public args(params: readonly Param[], args: ArrayLike<unknown>, where: string): void {
    for (let i = 0; i < params.length; i++) {
      const p = params[i];
      if (p.v === 1) {
        for (let j = i; j < args.length; j++) if (args[j] !== undefined && args[j] !== null) this.value(p.t, args[j], `${p.n}[${j - i}]`, false);
        return;
      }
      const x = i < args.length ? args[i] : undefined;
      if (x === undefined || x === null) {
        if (p.o === 1 && x === null) {
          this.out.push({ message: `${p.n} of ${where} must be an object or left out, not null`, value: 'null', allowed: article(typeName(p.t)), fatal: true });
        } else if (p.o !== 1) {
          const e = typeof p.t === 'string' ? lookup(p.t) : undefined;
          if (e?.kind === 'enum') this.undefinedMember(p.n, e, false);
          else this.out.push({ message: `${p.n} of ${where} is required`, value: x === null ? 'null' : undefined, allowed: article(typeName(p.t)), fatal: true });
        }
        continue;
      }
      // A struct argument's keys are named as a constructor's props are (`weight`, not `props.weight`).
      const s = typeof p.t === 'string' ? lookup(p.t) : undefined;
      if (s?.kind === 'struct') this.struct(s, x, '', p.n, SENSITIVE.test(p.n), true);
      else this.value(p.t, x, p.n, SENSITIVE.test(p.n));
    }
  }

  private element(t: TypeRef, v: unknown, at: string, sensitive: boolean): void {
    if (v === undefined || v === null) {
      const e = typeof t === 'string' ? lookup(t) : undefined;
      if (e?.kind === 'enum') this.undefinedMember(at, e, false);
      else this.out.push({ message: `${at} is ${String(v)}`, value: v === null ? 'null' : undefined, allowed: article(typeName(t)), fatal: !isPrimitive(t) });
      return;
    }
    this.value(t, v, at, sensitive);
  }

  private named(fqn: string, v: unknown, at: string, sensitive: boolean): void {
    const t = lookup(fqn);
    if (t === undefined) {
      // A type of another assembly (constructs.Construct, IConstruct): any object will do.
      if (typeof v !== 'object' && typeof v !== 'function') this.wrongType(at, `${article(short(fqn))} object`, v, sensitive, undefined, true);
      return;
    }
    switch (t.kind) {
      case 'struct':
        this.struct(t, v, at, at, sensitive, true);
        return;
      case 'enum': {
        if (t.values.has(v)) return;
        const asName = typeof v === 'string' ? (t.members.has(v) ? v : closest(v, [...t.members.keys()])) : undefined;
        this.out.push({
          message: `${at} is not a member of ${t.name}${asName !== undefined ? `; did you mean ${t.name}.${asName}?` : ''}`,
          value: shown(v, sensitive),
          allowed: t.allowed,
        });
        return;
      }
      default: {
        const secretClass = t.name === 'Secret';
        if (typeof v !== 'object' && typeof v !== 'function') {
          this.wrongType(at, article(t.name), v, sensitive || secretClass, t.allowed, true);
          return;
        }
        if (typeof v === 'object' && !isInstance(v as object, t)) this.wrongType(at, article(t.name), v, sensitive || secretClass, t.allowed, true);
        return;
      }
    }
  }

  private undefinedMember(at: string, e: EnumType, optional: boolean): void {
    this.out.push({
      message: `${at} is undefined: ${e.name} has no such member?${optional ? ' (the default is used)' : ''}`,
      value: 'undefined',
      allowed: e.allowed,
      ...(optional ? { warning: true } : {}),
    });
  }

  private wrongType(at: string, expected: string, v: unknown, sensitive: boolean, allowed?: string, fatal?: boolean): void {
    this.out.push({ message: `${at} must be ${expected}, not ${kindOf(v)}`, value: shown(v, sensitive), allowed: allowed ?? expected, ...(fatal ? { fatal } : {}) });
  }
}

// ---------------------------------------------------------------------------------------------
// Entry points.

/** The problems of `value` as the struct `fqn` (e.g. `cdkbsd.PfStateOptions`); `what` names it when it is not an object. */
export function propProblems(fqn: string, value: unknown, what = 'props'): PropProblem[] {
  const s = lookup(fqn);
  if (s === undefined || s.kind !== 'struct' || value === undefined) return [];
  const c = new Checker();
  c.struct(s, value, '', what, false, true);
  return c.out;
}

/**
 * For value classes, which have no scope (the construct that uses the value reports its
 * problems, with its own path): the errors of `value` as the struct `fqn`, to go before the
 * value's own problems `own`, e.g. `optionProblems('cdkbsd.PfStateOptions', options, problems)`.
 * Unknown keys always; a wrong type or a missing key only when `own` is empty (the value's own
 * checks read the same values and say it in the domain's words: one mistake, one error).
 * Warnings are left out (a value has no way to carry them).
 */
export function optionProblems(fqn: string, value: unknown, own: readonly unknown[] = []): { message: string; value: string; allowed: string }[] {
  return propProblems(fqn, value, 'options')
    .filter((p) => !p.warning && (p.unknownKey || own.length === 0))
    .map((p) => ({ message: p.message, value: p.value ?? '', allowed: p.allowed ?? '' }));
}

/**
 * The problems of the arguments of `method` of the class `fqn` (`'constructor'` for its
 * initializer), e.g. `argProblems('cdkbsd.HealthCheck', 'http', [path, options])`.
 */
export function argProblems(fqn: string, method: string, args: ArrayLike<unknown>): PropProblem[] {
  const c = lookup(fqn);
  if (c === undefined || c.kind !== 'class') return [];
  const params = method === 'constructor' ? c.init : c.methods[method]?.p;
  if (params === undefined) return [];
  const checker = new Checker();
  checker.args(params, args, method === 'constructor' ? `new ${c.name}()` : `${c.name}.${method}()`);
  return checker.out;
}

/**
 * The id of a new construct, checked before `super()` hands it to constructs (a number there is
 * a TypeError inside constructs, `id.replace is not a function`):
 * `super(scope, constructId(scope, id))`. A scope that is not a construct is thrown too. The
 * errors have no path (the construct does not exist yet); the CLI shows the user's line.
 */
export function constructId(scope: unknown, id: unknown): string {
  const parent = typeof scope === 'object' && scope !== null ? (scope as Partial<IConstruct>).node : undefined;
  if (parent === undefined || typeof parent.path !== 'string') {
    throw new ValidationError([{ path: '', message: `The scope of a new construct must be a construct (the App or one of its constructs), not ${kindOf(scope)}`, value: shown(scope, false), allowed: 'the App, a FreeBsdHost, a CarpCluster, a Haproxy …', severity: Severity.ERROR }]);
  }
  if (typeof id !== 'string' || id === '') {
    const under = parent.path === '' ? 'the App' : parent.path;
    throw new ValidationError([{ path: '', message: `The id of a new construct under ${under} must be a non-empty string, not ${id === '' ? 'an empty string' : kindOf(id)}`, value: shown(id, false), allowed: 'a name such as Lb1, Carp, fe_web (unique among its siblings)', severity: Severity.ERROR }]);
  }
  return id;
}

/**
 * For a static factory of a value class, which has no scope: throws the errors of its arguments
 * (`assertArgs('cdkbsd.PfAddress', 'table', arguments)`), as a ValidationError without a path
 * (the construct that would use the value never gets it; the CLI shows the user's line).
 */
export function assertArgs(fqn: string, method: string, args: ArrayLike<unknown>): void {
  const errors = argProblems(fqn, method, args).filter((p) => !p.warning);
  if (errors.length > 0) throw new ValidationError(errors.map((p) => ({ path: '', message: `${short(fqn)}.${method}(): ${p.message}`, value: p.value, allowed: p.allowed, severity: Severity.ERROR })));
}

/**
 * Records the problems under `scope`, at validation: unknown keys and warnings always, other
 * errors only when the construct's own checks recorded none. Those checks read the same values
 * and name them in the domain's words (`VHID must be an integer from 1 to 255`), so that one
 * mistake gives one error; a wrong type they do not look at (a boolean given as a string) is
 * reported here.
 */
function report(scope: IConstruct, problems: readonly PropProblem[]): boolean {
  if (problems.length === 0) return true;
  if (problems.some((p) => p.fatal)) throwNow(scope, problems);
  if (problems.some((p) => !p.warning)) Diagnostics.markShapeProblem(scope);
  Diagnostics.addValidation(scope, (r) => {
    const quiet = Diagnostics.hasClearErrors(scope);
    for (const p of problems) {
      const details = { value: p.value, allowed: p.allowed, [SHAPE_FINDING]: true };
      if (p.warning) r.warning(p.message, details);
      else if (p.unknownKey || !quiet) r.error(p.message, details);
    }
  });
  return problems.every((p) => p.warning);
}

/**
 * A value the construct cannot be built with (no props, a string where a certificate belongs):
 * the construct would fail on it with a TypeError, so the problems are thrown here, as a
 * ValidationError with the construct's path and the user's line. They are recorded too, so that
 * a synth of the same tree (after the app caught the error) reports them rather than a follow-on.
 */
function throwNow(scope: IConstruct, problems: readonly PropProblem[]): never {
  const issues: ValidationIssue[] = [];
  // The line of the call (a method's call is not where its construct was created).
  const source = callSite() ?? sourceOf(scope);
  for (const p of problems) {
    if (p.warning) continue;
    Diagnostics.error(scope, p.message, { value: p.value, allowed: p.allowed });
    issues.push({ path: scope.node.path, message: p.message, value: p.value, allowed: p.allowed, severity: Severity.ERROR, source });
  }
  throw new ValidationError(issues);
}

/**
 * Checks `value` against the struct `fqn` and records each problem under `scope` (an error, or a
 * warning for an explicit `undefined` optional enum, see `report`). Returns whether there was no error.
 */
export function checkProps(scope: IConstruct, fqn: string, value: unknown, what = 'props'): boolean {
  return report(scope, propProblems(fqn, value, what));
}

/**
 * Checks one argument of a method (`checkArg(this, 'cdkbsd.FreeBsdHost', 'addRoute', 0, name)`)
 * under `scope`: for a method whose other arguments a child construct checks itself.
 */
export function checkArg(scope: IConstruct, fqn: string, method: string, index: number, value: unknown): boolean {
  const c = lookup(fqn);
  const p = c?.kind === 'class' ? c.methods[method]?.p[index] : undefined;
  if (c === undefined || p === undefined) return true;
  const checker = new Checker();
  checker.args([p], [value], `${c.name}.${method}()`);
  return report(scope, checker.out);
}

/** Checks the arguments of a method (`checkArgs(this, 'cdkbsd.Haproxy', 'addStatsPage', arguments)`) under `scope`. */
export function checkArgs(scope: IConstruct, fqn: string, method: string, args: ArrayLike<unknown>): boolean {
  return report(scope, argProblems(fqn, method, args));
}

/**
 * Checks the props of a construct's initializer, as the first statement after `super()`:
 * `checkInit(this, 'cdkbsd.HaproxyFrontend', props)`. The struct is the one the initializer
 * declares. When `this` is an instance of a subclass, the subclass decides:
 * - a cdkbsd subclass with props of its own (VlanInterface of NetworkInterface) checks them
 *   itself, so the base skips;
 * - a subclass of the app's own may extend the props: the declared keys are checked, unknown
 *   keys are not.
 */
export function checkInit(scope: IConstruct, fqn: string, props: unknown): boolean {
  const c = lookup(fqn);
  if (c === undefined || c.kind !== 'class' || c.init === undefined) return true;
  const own = structOf(c);
  if (own === undefined) return true;
  let strictKeys = true;
  const actual = Object.getPrototypeOf(scope)?.constructor?.name;
  if (typeof actual === 'string' && actual !== c.name) {
    const sub = lookup(`cdkbsd.${actual}`);
    if (sub !== undefined && sub.kind === 'class') {
      if (structOf(sub) !== own) return true;
    } else {
      strictKeys = false;
    }
  }
  const s = lookup(own);
  if (s === undefined || s.kind !== 'struct') return true;
  if (props === undefined || props === null) {
    const optional = c.init.find((p) => p.t === own)?.o === 1;
    if (optional && props === undefined) return true;
    return report(scope, [{ message: optional ? `props of new ${c.name}() must be an object or left out, not null` : `new ${c.name}() needs its props (${s.name})`, value: props === null ? 'null' : undefined, allowed: `an object with ${s.required.length > 0 ? `at least ${s.required.join(', ')}` : `the keys ${s.keys.join(', ')}`}`, fatal: true }]);
  }
  const checker = new Checker();
  checker.struct(s, props, '', 'props', false, strictKeys);
  return report(scope, checker.out);
}

/** The struct an initializer takes as its props (the parameter named `props`, else the last struct). */
function structOf(c: ClassType): string | undefined {
  const structs = (c.init ?? []).filter((p) => typeof p.t === 'string' && lookup(p.t)?.kind === 'struct');
  const p = structs.find((x) => x.n === 'props') ?? structs[structs.length - 1];
  return p?.t as string | undefined;
}
