/**
 * A transcription of pfctl's lexer (FreeBSD sbin/pfctl/parse.y: lgetc, lungetc, yylex), to see a
 * generated pf.conf the way pfctl tokenizes it — unlike lib/testing/parse-pf.ts, which reads the
 * style cdkbsd writes. It keeps exactly the behaviours that decide where a statement ends:
 *
 * - outside quotes (lgetc(0)): a backslash before a newline joins the lines, even inside a
 *   `#` comment (the comment loop reads with lgetc(0)), and a backslash before any other
 *   character is dropped;
 * - inside `"…"` or `'…'`: a newline is skipped (the string goes on), `\` before the quote
 *   character escapes it, `\` before a newline is skipped;
 * - `$name` outside quotes expands a macro defined earlier (`name = "value"`);
 * - words are `allowed_in_string` runs; anything else is a one-character token; `\n` ends a
 *   statement.
 *
 * Tests only; not a full pf.conf parser.
 */

export interface PfctlToken {
  /** `word` (a keyword, name, number or address piece), `string` (quoted) or `punct`. */
  readonly kind: 'word' | 'string' | 'punct';
  readonly text: string;
}

export interface PfctlLexResult {
  /** Statements: the tokens between two newlines (empty ones dropped). */
  readonly statements: PfctlToken[][];
  /** What pfctl would report while lexing (unterminated string, undefined macro). */
  readonly errors: string[];
}

const EOF = -1;

function isAlnum(c: string): boolean {
  return /^[A-Za-z0-9]$/.test(c);
}

function isPunct(c: string): boolean {
  return /^[!-\/:-@\[-`{-~]$/.test(c);
}

function allowedInString(c: string): boolean {
  return isAlnum(c) || (isPunct(c) && !'(){}<>!=/#,'.includes(c));
}

/** Tokenizes pf.conf text as pfctl does and splits it into statements. */
export function pfctlLex(text: string): PfctlLexResult {
  const macros = new Map<string, string>();
  const errors: string[] = [];
  const statements: PfctlToken[][] = [];
  let current: PfctlToken[] = [];
  const end = () => {
    if (current.length > 0) {
      // varset: STRING '=' string → define the macro (pfctl does it when the statement is parsed).
      if (current.length === 3 && current[0].kind === 'word' && current[1].text === '=' && current[2].kind !== 'punct') {
        macros.set(current[0].text, current[2].text);
      }
      statements.push(current);
    }
    current = [];
  };
  lexInto(text, macros, errors, (t) => current.push(t), end, 0);
  end();
  return { statements, errors };
}

function lexInto(
  text: string, macros: Map<string, string>, errors: string[],
  emit: (t: PfctlToken) => void, newline: () => void, depth: number,
): void {
  let pos = 0;
  const pushback: Array<string | typeof EOF> = [];
  const raw = (): string | typeof EOF => (pos < text.length ? text[pos++] : EOF);
  const lgetc = (quoted: boolean): string | typeof EOF => {
    if (pushback.length > 0) return pushback.pop()!;
    if (quoted) return raw();
    let c = raw();
    while (c === '\\') {
      const next = raw();
      if (next !== '\n') {
        c = next;
        break;
      }
      c = raw();
    }
    return c;
  };
  const unget = (c: string | typeof EOF) => {
    if (c !== EOF) pushback.push(c);
  };

  for (;;) {
    let c = lgetc(false);
    while (c === ' ' || c === '\t') c = lgetc(false);
    if (c === '#') {
      while ((c = lgetc(false)) !== '\n' && c !== EOF) { /* comment */ }
    }
    if (c === EOF) return;
    if (c === '$' && depth === 0) {
      let name = '';
      for (;;) {
        const d = lgetc(false);
        if (d !== EOF && (isAlnum(d) || d === '_')) {
          name += d;
          continue;
        }
        unget(d);
        break;
      }
      const val = macros.get(name);
      if (val === undefined) {
        errors.push(`macro '${name}' not defined`);
        continue;
      }
      lexInto(val, macros, errors, emit, () => errors.push(`macro '${name}' holds a newline`), depth + 1);
      continue;
    }
    if (c === '"' || c === "'") {
      const quote = c;
      let buf = '';
      let closed = false;
      for (;;) {
        let d = lgetc(true);
        if (d === EOF) break;
        if (d === '\n') continue;
        if (d === '\\') {
          const next = lgetc(true);
          if (next === EOF) break;
          if (next === quote) d = next;
          else if (next === '\n') continue;
          else unget(next);
        } else if (d === quote) {
          closed = true;
          break;
        }
        buf += d;
      }
      if (!closed) {
        errors.push('reached end of file while parsing quoted string');
        return;
      }
      emit({ kind: 'string', text: buf });
      continue;
    }
    if (c === '\n') {
      newline();
      continue;
    }
    if (isAlnum(c) || c === ':' || c === '_' || c === '-') {
      let word = c;
      for (;;) {
        const d = lgetc(false);
        if (d !== EOF && allowedInString(d)) {
          word += d;
          continue;
        }
        unget(d);
        break;
      }
      emit({ kind: 'word', text: word });
      continue;
    }
    emit({ kind: 'punct', text: c });
  }
}

/** A statement as one line (strings quoted), for readable assertion messages. */
export function statementText(s: PfctlToken[]): string {
  return s.map((t) => (t.kind === 'string' ? JSON.stringify(t.text) : t.text)).join(' ');
}
