/** Helpers for the shell text the ACME renderers write (not exported from the package). */

/** Quotes `s` for POSIX sh and bash: one single-quoted word (a `'` becomes `'\''`). */
export function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Whether `s` has a control character (a newline would end a config line or a CLI command). */
export function hasControl(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\x00-\x1f\x7f]/.test(s);
}

/** A problem found in a value, said without a secret. */
export interface Problem {
  readonly message: string;
  readonly value?: string;
  readonly allowed?: string;
}

/** A stable 32-bit FNV-1a hash (spreads renewal times over the day, deterministically). */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
