import { quoteWord } from './quote';

/** @internal The indentation of a directive inside a section. */
export const INDENT = '    ';

/** @internal A directive line from words (each quoted when needed). */
export function line(...words: Array<string | number>): string {
  let out = INDENT;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (i > 0) out += ' ';
    out += typeof w === 'number' ? String(w) : quoteWord(w);
  }
  return out;
}

/** @internal A directive line whose words are already in HAProxy syntax (conditions, braces). */
export function raw(text: string): string {
  return INDENT + text;
}

/** @internal HAProxy time syntax from milliseconds: the largest unit that divides it. */
export function haproxyTime(ms: number): string {
  const units: Array<[number, string]> = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'm'], [1000, 's']];
  for (const [f, u] of units) {
    if (ms !== 0 && ms % f === 0) return `${ms / f}${u}`;
  }
  return `${ms}ms`;
}

/** @internal `address:port`, IPv6 in brackets. */
export function hostPort(address: string, ipv6: boolean, port: number): string {
  return ipv6 ? `[${address}]:${port}` : `${address}:${port}`;
}

/**
 * @internal Literal text as one word of a log-format argument (`set-header` values, redirect
 * targets): `%` doubled (HAProxy would read `%x` as a variable), then quoted as any word.
 */
export function literalLogFormat(text: string): string {
  return quoteWord(text.replace(/%/g, '%%'));
}
