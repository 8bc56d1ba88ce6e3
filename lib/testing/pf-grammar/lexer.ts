/**
 * pfctl's lexer, transcribed from FreeBSD 14's sbin/pfctl/parse.y (lgetc, lungetc, findeol,
 * yylex, lookup): the same character classes, backslash handling, macro expansion and keyword
 * table, so that a pf.conf is cut into the tokens pfctl sees, with the line pfctl would report.
 *
 * - Outside quotes a backslash before a newline joins the lines (also inside a `#` comment); a
 *   backslash before any other character is dropped.
 * - Inside `"…"` or `'…'` a newline is skipped, `\` before the quote character escapes it; a
 *   quoted word is always a STRING, never a keyword.
 * - `$name` outside a macro value expands a macro defined before (`name = "value"`); the value is
 *   lexed again (keywords, lists…), but a `$` inside it is not expanded.
 * - A word of digits that ends at a space, `)`, `,`, `/`, `}` or `=` is a NUMBER; `<>` and `><`
 *   are the binary port operators, `->` the arrow.
 *
 * Internal to lib/testing (not exported from lib/index.ts).
 */
import { PF_KEYWORDS } from './names';

/** What a token is, in parse.y's terms. */
export type PfTokenType = 'string' | 'number' | 'keyword' | 'punct' | 'arrow' | 'portbinary' | 'newline' | 'eof' | 'error';

/** One token. */
export interface PfToken {
  readonly type: PfTokenType;
  /** The text (a keyword's name, a string's content without quotes, the punctuation character). */
  readonly text: string;
  /** The line pfctl reports for it (for a token from a macro: the line of the `$name`). */
  readonly line: number;
  /** Whether a string was quoted in the file. */
  readonly quoted?: boolean;
  /** A NUMBER's value. */
  readonly value?: number;
}

/** A problem the lexer reports (pfctl's yyerror from yylex or lgetc). */
export interface PfLexProblem {
  readonly line: number;
  readonly token: string;
  readonly message: string;
  readonly kind: 'lexical' | 'macro';
}

const EOF = '';

function isAlnum(c: string): boolean {
  return c.length === 1 && ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
}

function isDigit(c: string): boolean {
  return c.length === 1 && c >= '0' && c <= '9';
}

function isPunct(c: string): boolean {
  if (c.length !== 1) return false;
  const n = c.charCodeAt(0);
  return (n >= 33 && n <= 47) || (n >= 58 && n <= 64) || (n >= 91 && n <= 96) || (n >= 123 && n <= 126);
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';
}

/** parse.y's allowed_in_string(). */
function allowedInString(c: string): boolean {
  return isAlnum(c) || (isPunct(c) && !'(){}<>!=/#,'.includes(c));
}

/** parse.y's allowed_to_end_number(). */
function allowedToEndNumber(c: string): boolean {
  return isSpace(c) || c === ')' || c === ',' || c === '/' || c === '}' || c === '=';
}

/**
 * The lexer: tokens on demand, so that a macro defined by a statement is known when the next
 * statement is lexed (pfctl defines it when the statement is reduced, before reading on).
 */
export class PfLexer {
  /** Problems found while lexing. */
  public readonly problems: PfLexProblem[] = [];
  private readonly macros = new Map<string, string>();
  private pos = 0;
  private lineno = 1;
  private readonly pushback: string[] = [];
  private parsebuf: { s: string; i: number } | undefined;

  public constructor(private readonly text: string) {}

  /** Defines (or redefines) a macro, as the `varset` action does. */
  public define(name: string, value: string): void {
    this.macros.set(name, value);
  }

  /** Whether a macro is defined. */
  public hasMacro(name: string): boolean {
    return this.macros.has(name);
  }

  /** The next token. */
  public next(): PfToken {
    for (;;) {
      let c = this.lgetc(false);
      while (c === ' ' || c === '\t') c = this.lgetc(false);
      const line = this.lineno;
      if (c === '#') {
        while ((c = this.lgetc(false)) !== '\n' && c !== EOF) { /* comment */ }
      }
      if (c === '$' && this.parsebuf === undefined) {
        let name = '';
        for (;;) {
          const d = this.lgetc(false);
          if (d === EOF) return { type: 'eof', text: '', line: this.lineno };
          if (isAlnum(d) || d === '_') {
            name += d;
            continue;
          }
          this.unget(d);
          break;
        }
        const val = this.macros.get(name);
        if (val === undefined) {
          this.problems.push({ line, token: `$${name}`, message: `macro '${name}' not defined`, kind: 'macro' });
          this.findeol();
          return { type: 'error', text: `$${name}`, line };
        }
        this.parsebuf = { s: val, i: 0 };
        continue;
      }
      if (c === '"' || c === "'") return this.quoted(c, line);
      if (c === '<' || c === '>' || c === '-') {
        const next = this.lgetc(false);
        if (c === '<' && next === '>') return { type: 'portbinary', text: '<>', line };
        if (c === '>' && next === '<') return { type: 'portbinary', text: '><', line };
        if (c === '-' && next === '>') return { type: 'arrow', text: '->', line };
        this.unget(next);
      }
      if (c === '-' || isDigit(c)) {
        const num = this.number(c, line);
        if (num.token) return num.token;
        c = num.c;
      }
      if (isAlnum(c) || c === ':' || c === '_') {
        let word = c;
        let d: string;
        while ((d = this.lgetc(false)) !== EOF && allowedInString(d)) word += d;
        this.unget(d);
        if (PF_KEYWORDS.has(word)) return { type: 'keyword', text: word, line };
        return { type: 'string', text: word, line };
      }
      if (c === '\n') {
        this.lineno++;
        return { type: 'newline', text: '\n', line };
      }
      if (c === EOF) return { type: 'eof', text: '', line };
      return { type: 'punct', text: c, line };
    }
  }

  /** Reads a NUMBER, or pushes the digits back (the word is a STRING). Returns the first char then. */
  private number(first: string, line: number): { token?: PfToken; c: string } {
    let buf = first;
    let d: string;
    while ((d = this.lgetc(false)) !== EOF && isDigit(d)) buf += d;
    this.unget(d);
    if (!(buf === '-') && (d === EOF || allowedToEndNumber(d))) {
      return { token: { type: 'number', text: buf, line, value: Number(buf) }, c: '' };
    }
    for (let i = buf.length - 1; i >= 1; i--) this.unget(buf[i]);
    if (first === '-') return { token: { type: 'punct', text: '-', line }, c: '' };
    return { c: first };
  }

  private quoted(quote: string, line: number): PfToken {
    let buf = '';
    for (;;) {
      let c = this.lgetc(true);
      if (c === EOF) return { type: 'eof', text: '', line: this.lineno };
      if (c === '\n') {
        this.lineno++;
        continue;
      } else if (c === '\\') {
        const next = this.lgetc(true);
        if (next === EOF) return { type: 'eof', text: '', line: this.lineno };
        if (next === quote) {
          c = next;
        } else if (next === '\n') {
          this.lineno++;
          continue;
        } else {
          this.unget(next);
        }
      } else if (c === quote) {
        break;
      }
      buf += c;
    }
    return { type: 'string', text: buf, line, quoted: true };
  }

  private lgetc(quoted: boolean): string {
    if (this.parsebuf) {
      if (this.parsebuf.i < this.parsebuf.s.length) return this.parsebuf.s[this.parsebuf.i++];
      this.parsebuf = undefined;
    }
    if (this.pushback.length > 0) return this.pushback.pop()!;
    if (quoted) {
      if (this.pos >= this.text.length) {
        this.problems.push({ line: this.lineno, token: '"', message: 'reached end of file while parsing quoted string', kind: 'lexical' });
        return EOF;
      }
      return this.text[this.pos++];
    }
    let c = this.raw();
    while (c === '\\') {
      const next = this.raw();
      if (next !== '\n') {
        c = next;
        break;
      }
      this.lineno++;
      c = this.raw();
    }
    return c;
  }

  private raw(): string {
    return this.pos < this.text.length ? this.text[this.pos++] : EOF;
  }

  private unget(c: string): void {
    if (c === EOF) return;
    if (this.parsebuf) {
      this.parsebuf.i--;
      if (this.parsebuf.i >= 0) return;
    }
    this.pushback.push(c);
  }

  /** Skips to the end of the line, as findeol() does after a lexical error. */
  private findeol(): void {
    this.parsebuf = undefined;
    for (;;) {
      const c = this.pushback.length > 0 ? this.pushback.pop()! : this.lgetc(false);
      if (c === '\n') {
        this.lineno++;
        break;
      }
      if (c === EOF) break;
    }
  }
}
