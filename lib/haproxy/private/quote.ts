/**
 * Quoting of one word of haproxy.conf (HAProxy's tokenizer: blanks split words, `#` starts a
 * comment, `\` escapes, `"…"` expands `$VAR`, `'…'` is literal).
 */

const SAFE = /^[A-Za-z0-9_.:/,@+=%*\-()\[\]{}!?~^|&<>;]+$/;

/**
 * Returns `word` as HAProxy must read it back intact: unchanged when it holds only safe
 * characters, otherwise in single quotes (no expansion inside), with an embedded `'` written
 * as `'\''` (quote segments are concatenated into one word, as in sh).
 */
export function quoteWord(word: string): string {
  if (word !== '' && SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
