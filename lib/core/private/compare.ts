/** Code-unit order of two strings: the same on every machine and locale (determinism). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
