/** @internal How check-props.ts names values and types in its messages, and finds close keys. */
import { TypeRef, ClassType, InterfaceType } from './prop-schema-types';

export const short = (fqn: string) => fqn.slice(fqn.lastIndexOf('.') + 1);
export const article = (name: string) => (/^[AEIOU]/i.test(name) && !/^(Uni|Use)/.test(name) ? `an ${name}` : `a ${name}`);

export const SENSITIVE = /pass|secret|token|cred|priv|key/i;

export function constructorNames(v: object): string[] {
  const out: string[] = [];
  for (let p = Object.getPrototypeOf(v); p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    const c = Object.prototype.hasOwnProperty.call(p, 'constructor') ? (p as any).constructor : undefined;
    if (typeof c === 'function' && typeof c.name === 'string' && c.name !== '') out.push(c.name);
  }
  return out;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

export function isSecretLike(v: object): boolean {
  return constructorNames(v).includes('Secret') || (typeof (v as any).describe === 'function' && typeof (v as any)._resolve === 'function');
}

/** `a string`, `a number`, `an array`, `an object`, `a Duration`, `a Secret`… */
export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'string': return 'a string';
    case 'number': return Number.isNaN(v) ? 'NaN' : 'a number';
    case 'boolean': return 'a boolean';
    case 'bigint': return 'a bigint';
    case 'symbol': return 'a symbol';
    case 'function': return 'a function';
    default: break;
  }
  if (isSecretLike(v as object)) return 'a Secret';
  if (isPlainObject(v)) return 'an object';
  const names = constructorNames(v as object);
  return names.length > 0 ? article(names[0]) : 'an object';
}

/** The value for `details.value`: primitives as written (strings unless sensitive), objects by their keys or type only. */
export function shown(v: unknown, sensitive: boolean): string | undefined {
  if (typeof v === 'string') {
    if (sensitive) return undefined;
    return v.length > 80 ? `${v.slice(0, 77)}…` : v;
  }
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v === undefined || v === null) return String(v);
  if (typeof v === 'function') return v.name ? `function ${v.name}` : 'a function';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object' && isPlainObject(v) && !sensitive) {
    const keys = Object.keys(v);
    return keys.length === 0 ? '{}' : `{ ${keys.slice(0, 8).join(', ')}${keys.length > 8 ? ', …' : ''} }`;
  }
  return kindOf(v);
}

// ---------------------------------------------------------------------------------------------
// Did you mean: the closest key by edit distance (with transpositions), ignoring case.

export function distance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The candidate closest to `word`, if it is close enough to be a misspelling of it. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const limit = word.length <= 3 ? 1 : word.length <= 6 ? 2 : 3;
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const dd = distance(word, c);
    if (dd < bestD) {
      best = c;
      bestD = dd;
    }
  }
  return bestD <= limit ? best : undefined;
}

// ---------------------------------------------------------------------------------------------
// The check.

export const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
export const join = (parent: string, key: string) => (IDENT.test(key) ? (parent === '' ? key : `${parent}.${key}`) : `${parent}[${JSON.stringify(key)}]`);
export const typeName = (t: TypeRef): string => {
  if (typeof t === 'string') return t.includes('.') ? short(t) : t;
  if ('array' in t) return `array of ${typeName(t.array)}`;
  if ('map' in t) return `map of ${typeName(t.map)}`;
  return t.union.map(typeName).join(' or ');
};

/** Whether a value of another cdkbsd copy (or a subclass, or a duck) can stand for an instance of the class. */
export function isInstance(v: object, c: ClassType | InterfaceType): boolean {
  // The prototype chain walked in place (no list of names built): this runs for every class-typed value.
  for (let p = Object.getPrototypeOf(v); p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    const k = Object.prototype.hasOwnProperty.call(p, 'constructor') ? (p as any).constructor : undefined;
    const name = typeof k === 'function' ? k.name : undefined;
    if (typeof name === 'string' && name !== '' && (c.kind === 'class' ? name === c.name : c.implementers.includes(name))) return true;
  }
  // Duck test: every public instance member (methods, required properties) is there.
  for (const m of c.members) if (!(m in v)) return false;
  return true;
}
