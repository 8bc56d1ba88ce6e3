/**
 * The core of the pf.conf grammar checker: tokens, errors (pfctl's yyerror, with the line and
 * the offending token), the section order of check_rulestate(), and small nonterminals every
 * kind of rule shares in FreeBSD 14's parse.y: string, number, comma, optnl, interface, af,
 * proto, tagged, rtable (hosts and ports are in hosts.ts).
 *
 * Internal to lib/testing (not exported from lib/index.ts).
 */
import { GAf, GError, GInterface, GSettings } from './ast';
import { PfLexer, PfToken } from './lexer';
import { MAX_IFNAME, PROTOCOLS } from './names';

/** Thrown to abandon a statement after a syntax error (yacc's error recovery skips to '\n'). */
export class Abandon extends Error {}

/** pfctl's rule states (PFCTL_STATE_*), in the order pfctl requires. */
export enum RuleState { NONE = 0, OPTION = 1, ETHER = 2, SCRUB = 3, QUEUE = 4, NAT = 5, FILTER = 6 }

const SECTION_NAMES = ['', 'options', 'ethernet', 'normalization', 'queueing', 'translation', 'filtering'];
const ORDER_MESSAGE = 'Rules must be in order: options, ethernet, normalization, queueing, translation, filtering';

/** The parser's state and shared productions. Statements are read by the functions of the other files. */
export class PfParser {
  public readonly errors: GError[] = [];
  public readonly settings: GSettings = { skip: [], limits: {}, timeouts: {} };
  public readonly macros: Record<string, string> = {};
  public tok: PfToken;
  private readonly lexer: PfLexer;
  private rulestate = RuleState.NONE;
  private requireOrder = true;
  private seen = 0;
  private ahead: PfToken | undefined;

  public constructor(text: string) {
    this.lexer = new PfLexer(text);
    this.tok = this.lexer.next();
  }

  /** Lexer problems (undefined macros, unterminated strings), moved into the errors. */
  public drainLexer(): void {
    for (const p of this.lexer.problems.splice(0)) this.errors.push({ line: p.line, token: p.token, message: p.message, kind: p.kind });
  }

  /** The current token, consumed. */
  public advance(): PfToken {
    const t = this.tok;
    this.tok = this.ahead ?? this.lexer.next();
    this.ahead = undefined;
    this.seen++;
    return t;
  }

  /** The token after the current one (within a statement: macros are defined at its end). */
  public peek(): PfToken {
    this.ahead ??= this.lexer.next();
    return this.ahead;
  }

  public isKw(...kws: string[]): boolean {
    return this.tok.type === 'keyword' && kws.includes(this.tok.text);
  }

  public isPunct(c: string): boolean {
    return this.tok.type === 'punct' && this.tok.text === c;
  }

  public isString(): boolean {
    return this.tok.type === 'string';
  }

  public isNumber(): boolean {
    return this.tok.type === 'number';
  }

  public acceptKw(kw: string): boolean {
    if (!this.isKw(kw)) return false;
    this.advance();
    return true;
  }

  public acceptPunct(c: string): boolean {
    if (!this.isPunct(c)) return false;
    this.advance();
    return true;
  }

  public expectKw(kw: string): PfToken {
    if (!this.isKw(kw)) this.syntax(`'${kw}'`);
    return this.advance();
  }

  public expectPunct(c: string): PfToken {
    if (!this.isPunct(c)) this.syntax(`'${c}'`);
    return this.advance();
  }

  /** A STRING token's text (a word that is not a keyword, or anything quoted). */
  public expectString(what: string): PfToken {
    if (!this.isString()) this.syntax(what);
    return this.advance();
  }

  public expectNumber(what: string): number {
    if (!this.isNumber()) this.syntax(what);
    return this.advance().value!;
  }

  /** Records pfctl's "syntax error" at the current token and abandons the statement. */
  public syntax(expected?: string): never {
    const t = this.tok;
    // A lexical error (an undefined macro) was reported already, and the lexer skipped the line.
    if (t.type === 'error') throw new Abandon();
    const shown = t.text.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\r' ? '\\r' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
    const token = t.type === 'newline' ? '\\n' : t.type === 'eof' ? '' : shown;
    const where = t.type === 'newline' ? 'at the end of the line' : t.type === 'eof' ? 'at the end of the file' : `at '${shown}'`;
    this.errors.push({ line: t.line, token, message: `syntax error ${where}${expected ? `, expected ${expected}` : ''}`, kind: 'syntax' });
    throw new Abandon();
  }

  /** Records a semantic error (pfctl's yyerror in an action). The statement goes on. */
  public error(message: string, t: PfToken | number, token?: string): void {
    const line = typeof t === 'number' ? t : t.line;
    this.errors.push({ line, token: token ?? (typeof t === 'number' ? '' : t.text), message, kind: 'semantic' });
  }

  /** Records a semantic error and abandons the statement (yyerror + YYERROR). */
  public fail(message: string, t: PfToken | number, token?: string): never {
    this.error(message, t, token);
    throw new Abandon();
  }

  /** check_rulestate(): the section order. */
  public checkRulestate(state: RuleState, t: PfToken): void {
    if (this.requireOrder && this.rulestate > state) {
      this.errors.push({ line: t.line, token: t.text, message: ORDER_MESSAGE, kind: 'order', context: `${SECTION_NAMES[state]} after ${SECTION_NAMES[this.rulestate]}` });
      throw new Abandon();
    }
    this.rulestate = state;
  }

  public setRequireOrder(on: boolean): void {
    this.requireOrder = on;
  }

  public define(name: string, value: string): void {
    this.lexer.define(name, value);
    this.macros[name] = value;
  }

  /** Skips to the end of the statement (after a syntax error). */
  public recover(): void {
    while (this.tok.type !== 'newline' && this.tok.type !== 'eof') {
      // findeol() consumed the rest of the line, its newline included.
      if (this.advance().type === 'error') return;
    }
  }

  // ---- shared nonterminals ------------------------------------------------------------------

  /** `string`: one STRING or more, joined with spaces. */
  public strings(what: string): string {
    const parts = [this.expectString(what).text];
    while (this.isString()) parts.push(this.advance().text);
    return parts.join(' ');
  }

  /** `numberstring`: a NUMBER or a STRING, as text. */
  public numberString(what: string): PfToken {
    if (!this.isNumber() && !this.isString()) this.syntax(what);
    return this.advance();
  }

  /** `number`: a NUMBER, or a STRING that strtoul reads whole (0x…). */
  public number(what: string): number {
    if (this.isNumber()) return this.advance().value!;
    const t = this.expectString(what);
    const n = /^0[xX][0-9a-fA-F]+$/.test(t.text) ? parseInt(t.text, 16) : /^0[0-7]*$/.test(t.text) ? parseInt(t.text, 8) : /^[0-9]+$/.test(t.text) ? Number(t.text) : NaN;
    if (Number.isNaN(n)) this.fail(`${t.text} is not a number`, t);
    return n;
  }

  public comma(): void {
    this.acceptPunct(',');
  }

  public optnl(): void {
    while (this.tok.type === 'newline') this.advance();
  }

  /** `dir`. */
  public dir(): 'in' | 'out' | undefined {
    if (this.isKw('in', 'out')) return this.advance().text as 'in' | 'out';
    return undefined;
  }

  /** `af`. */
  public af(): GAf {
    if (this.isKw('inet', 'inet6')) return this.advance().text as GAf;
    return '';
  }

  /** `interface`: `on if`, `on ! if`, `on { if, … }`. */
  public interfaces(): GInterface[] {
    if (!this.acceptKw('on')) return [];
    if (this.acceptPunct('{')) {
      this.optnl();
      const out = [this.ifItemNot()];
      this.optnl();
      while (!this.isPunct('}')) {
        this.comma();
        out.push(this.ifItemNot());
        this.optnl();
      }
      this.advance();
      return out;
    }
    return [this.ifItemNot()];
  }

  public ifItemNot(): GInterface {
    const not = this.acceptPunct('!');
    return { name: this.ifItem(), not };
  }

  /** `if_item`: an interface or group name. */
  public ifItem(): string {
    const t = this.expectString('an interface name');
    if (t.text.length > MAX_IFNAME) this.fail('interface name too long', t);
    return t.text;
  }

  /** `proto`: names of /etc/protocols or numbers 1–255. */
  public protocols(): string[] {
    if (!this.acceptKw('proto')) return [];
    const item = (): string => {
      const t = this.numberString('a protocol');
      const n = t.type === 'number' ? t.value! : PROTOCOLS.get(t.text);
      if (n === undefined) this.fail(`unknown protocol ${t.text}`, t);
      if (n < 0 || n > 255) this.fail('protocol outside range', t);
      if (n === 0) this.fail('proto 0 cannot be used', t);
      return t.text;
    };
    return this.list(item);
  }

  /** `x` or `{ optnl x optnl [,] x optnl … }` (the shape of proto_list, port_list, icmp_list …). */
  public list<T>(item: () => T): T[] {
    if (!this.acceptPunct('{')) return [item()];
    this.optnl();
    const out = [item()];
    this.optnl();
    while (!this.isPunct('}')) {
      this.comma();
      out.push(item());
      this.optnl();
    }
    this.advance();
    return out;
  }

  /** `tagged`: `[!] tagged string`. */
  public tagged(): { name: string; not: boolean } | undefined {
    if (this.isPunct('!')) {
      this.advance();
      this.expectKw('tagged');
      return { name: this.tagName(), not: true };
    }
    if (!this.acceptKw('tagged')) return undefined;
    return { name: this.tagName(), not: false };
  }

  public tagName(): string {
    const t = this.tok;
    const s = this.strings('a tag name');
    if (s.length > 63) this.fail('tag too long, max 63 chars', t);
    return s;
  }

  /** `rtable NUMBER` (FreeBSD: a FIB number, 0 … net.fibs - 1, at least 0 here). */
  public rtable(): number | undefined {
    if (!this.acceptKw('rtable')) return undefined;
    const t = this.tok;
    const n = this.expectNumber('a routing table number');
    if (n < 0) this.fail('invalid rtable id', t);
    return n;
  }

  /** The number of tokens consumed so far (to tell whether a production read anything). */
  public get consumed(): number {
    return this.seen;
  }
}
