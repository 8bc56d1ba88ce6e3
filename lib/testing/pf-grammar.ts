import { GError, GSettings, GStatement } from './pf-grammar/ast';
import { altq, ether, queue } from './pf-grammar/queue';
import { include, loadRule, option, tabledef, varset } from './pf-grammar/options';
import { Abandon, PfParser } from './pf-grammar/parser';
import { anchorRule, antispoof, pfRule, scrubRule, transAnchor } from './pf-grammar/rules';
import { binatRule, natRule } from './pf-grammar/translation';

/**
 * One error the pf.conf grammar checker found, as pfctl would report it
 * (`/etc/pf.conf:12: syntax error`), with the token it is about.
 */
export interface PfGrammarError {
  /** 1-based line number of the offending token (for a token from a macro, the line of `$name`). */
  readonly line: number;
  /** The offending token (`''` at the end of the file, `\n` at the end of a line). */
  readonly token: string;
  /** What is wrong, in pfctl's words where pfctl has them. */
  readonly message: string;
  /**
   * `syntax` (the grammar), `order` ("Rules must be in order"), `macro` (an undefined macro),
   * `semantic` (a check of a grammar action: a bad value, a conflict) or `lexical` (an
   * unterminated string).
   */
  readonly kind: string;
}

/** @internal What the checker read: the statements, the errors, the options and the macros. */
export interface PfGrammarResult {
  readonly statements: GStatement[];
  readonly errors: GError[];
  readonly settings: GSettings;
  readonly macros: Record<string, string>;
}

function filterStatement(p: PfParser): GStatement {
  if (p.isKw('anchor')) return anchorRule(p, filterStatement);
  return pfRule(p);
}

function statement(p: PfParser): GStatement | undefined {
  const t = p.tok;
  if (t.type === 'string') return varset(p);
  if (t.type !== 'keyword') p.syntax('a statement');
  switch (t.text) {
    case 'set': return option(p);
    case 'table': return tabledef(p);
    case 'include': return include(p);
    case 'load': return loadRule(p);
    case 'ether': return ether(p);
    case 'scrub': return scrubRule(p);
    case 'nat': case 'rdr': return natRule(p);
    case 'binat': return binatRule(p);
    case 'nat-anchor': case 'rdr-anchor': case 'binat-anchor': return transAnchor(p);
    case 'altq': return altq(p);
    case 'queue': return queue(p);
    case 'pass': case 'block': case 'match': case 'anchor': return filterStatement(p);
    case 'antispoof': return antispoof(p);
    case 'no': {
      const n = p.peek();
      if (n.type === 'keyword' && n.text === 'scrub') return scrubRule(p);
      if (n.type === 'keyword' && (n.text === 'nat' || n.text === 'rdr')) return natRule(p);
      if (n.type === 'keyword' && n.text === 'binat') return binatRule(p);
      p.advance();
      return p.syntax("'scrub', 'nat', 'rdr' or 'binat'");
    }
    default: return p.syntax('a statement');
  }
}

/**
 * @internal Reads pf.conf text with FreeBSD 14's grammar (sbin/pfctl/parse.y): every statement,
 * every error (the parse goes on after one, as pfctl's does, from the next line).
 */
export function parsePfGrammar(text: string): PfGrammarResult {
  const p = new PfParser(text);
  const statements: GStatement[] = [];
  for (;;) {
    p.drainLexer();
    const t = p.tok;
    if (t.type === 'eof') break;
    if (t.type === 'newline' || t.type === 'error') {
      p.advance();
      continue;
    }
    try {
      const s = statement(p);
      if (s) statements.push(s);
      if (p.tok.type === 'eof') {
        p.errors.push({ line: p.tok.line, token: '', message: 'syntax error at the end of the file: the last statement has no newline after it, which pfctl needs', kind: 'syntax' });
      } else if (p.tok.type !== 'newline') {
        p.syntax('the end of the statement');
      }
    } catch (e) {
      if (!(e instanceof Abandon)) throw e;
      p.recover();
    }
  }
  p.drainLexer();
  const errors = p.errors.map((e, i) => ({ e, i })).sort((a, b) => a.e.line - b.e.line || a.i - b.i).map((x) => x.e);
  return { statements, errors, settings: p.settings, macros: p.macros };
}

/**
 * A checker of pf.conf against the grammar FreeBSD 14's pfctl accepts, written from
 * sbin/pfctl/parse.y and pf.conf(5), for tests on machines without pfctl: its lexer (macros,
 * quoting, line continuations), every statement (options, tables, scrub, queueing, nat / rdr /
 * binat, filter rules with their options and state options, antispoof, anchors), the section
 * order pfctl requires, and the checks pfctl makes while parsing ("port only applies to
 * tcp/udp", "'overload' requires 'max-src-conn' or 'max-src-conn-rate'" …).
 *
 * What needs the running system is not checked: whether interfaces exist, user and group names,
 * files named by `table … file` or `include`. Host names that pfctl would look up in DNS are
 * reported as errors (a firewall should not depend on DNS when it loads).
 */
export class PfGrammar {
  /** The errors of a pf.conf, by line (empty: pfctl would accept its grammar). */
  public static check(text: string): PfGrammarError[] {
    return parsePfGrammar(text).errors.map((e) => ({ line: e.line, token: e.token, message: e.message, kind: e.kind }));
  }

  /**
   * Throws an Error listing every problem (`file:line: message (token 'x')`) when the text is
   * not accepted.
   * @param file the name to report the errors under
   * @default file '/etc/pf.conf'
   */
  public static assertValid(text: string, file?: string): void {
    const errors = PfGrammar.check(text);
    if (errors.length > 0) throw new Error(PfGrammar.format(errors, file));
  }

  /**
   * Errors as pfctl prints them, one per line, each with its token.
   * @param file the name to report the errors under
   * @default file '/etc/pf.conf'
   */
  public static format(errors: PfGrammarError[], file?: string): string {
    const f = file ?? '/etc/pf.conf';
    const lines = errors.map((e) => `${f}:${e.line}: ${e.message}${e.token !== '' && e.token !== '\\n' ? ` (token '${e.token}')` : ''}`);
    return `pfctl would reject ${f} (${errors.length} error${errors.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
  }

  private constructor() {}
}
