/** What health checks expect and send: HTTP expectations and TCP check steps. */
import { TcpCheckStepModel } from './model';

/** @internal */
export const PRINTABLE = /^[\x20-\x7e]+$/;
/** @internal */
export const TEXT_ALLOWED = 'printable ASCII text without newlines or control characters, 1–1024 characters';

/**
 * What an HTTP health check expects of the answer: a status, a range of statuses, or a text in
 * the body (`http-check expect status|string|rstring`).
 */
export class HttpCheckExpect {
  /** Exactly this status, 100–599 (`http-check expect status <n>`). */
  public static status(code: number): HttpCheckExpect {
    return new HttpCheckExpect('status', code, code, undefined);
  }

  /** Any status from `min` to `max`, both 100–599 (`http-check expect status <min>-<max>`). */
  public static statusRange(min: number, max: number): HttpCheckExpect {
    return new HttpCheckExpect('status', min, max, undefined);
  }

  /**
   * The body contains `text` (`http-check expect string <text>`).
   *
   * The status is not looked at.
   * @param text printable ASCII, at most 1024 characters
   */
  public static bodyContains(text: string): HttpCheckExpect {
    return new HttpCheckExpect('string', undefined, undefined, text);
  }

  /**
   * The body matches the regular expression `pattern` (`http-check expect rstring <pattern>`, PCRE syntax).
   *
   * The status is not looked at.
   * @param pattern a regular expression that JavaScript's engine accepts too (the portable
   * subset), printable ASCII, at most 1024 characters
   */
  public static bodyMatches(pattern: string): HttpCheckExpect {
    return new HttpCheckExpect('rstring', undefined, undefined, pattern);
  }

  private constructor(
    private readonly kind: 'status' | 'string' | 'rstring',
    private readonly min: number | undefined,
    private readonly max: number | undefined,
    private readonly text: string | undefined,
  ) {}

  /** @internal Whether the expectation reads the body (a HEAD answer has none). */
  public get _readsBody(): boolean {
    return this.kind !== 'status';
  }

  /** @internal */
  public _problems(): Problem[] {
    if (this.kind === 'status') {
      const out: Problem[] = [];
      for (const n of new Set([this.min, this.max])) {
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 100 || n > 599) {
          out.push({ message: 'Health check expected status must be an integer from 100 to 599', value: String(n), allowed: '100–599' });
        }
      }
      if (out.length === 0 && this.min! > this.max!) {
        out.push({ message: 'Health check status range is reversed', value: `${this.min}-${this.max}`, allowed: 'min ≤ max, e.g. statusRange(200, 299)' });
      }
      return out;
    }
    return textProblems(this.kind === 'string' ? 'Health check expected body text' : 'Health check body pattern', this.text, this.kind === 'rstring');
  }

  /** @internal */
  public _model(): { kind: 'status' | 'string' | 'rstring'; value: string } {
    if (this.kind === 'status') return { kind: 'status', value: this.min === this.max ? String(this.min) : `${this.min}-${this.max}` };
    return { kind: this.kind, value: this.text! };
  }
}

/**
 * One step of a generic TCP check (`HealthCheck.tcpSendExpect`): send a text, or wait for a
 * text or a pattern in what the server sent (`tcp-check send|expect string|expect rstring`).
 */
export class TcpCheckStep {
  /**
   * Sends `text` as is.
   * @param text printable ASCII, at most 1024 characters
   */
  public static send(text: string): TcpCheckStep {
    return new TcpCheckStep('send', text);
  }

  /**
   * Sends `text` followed by CR LF (a command of a line-based protocol).
   * @param text printable ASCII, at most 1024 characters
   */
  public static sendLine(text: string): TcpCheckStep {
    return new TcpCheckStep('send-line', text);
  }

  /**
   * Waits until the server has sent `text` (anywhere in its answer so far).
   * @param text printable ASCII, at most 1024 characters
   */
  public static expectString(text: string): TcpCheckStep {
    return new TcpCheckStep('expect-string', text);
  }

  /**
   * Waits until the server's answer matches the regular expression `pattern` (PCRE syntax).
   * @param pattern a regular expression that JavaScript's engine accepts too (the portable
   * subset), printable ASCII, at most 1024 characters
   */
  public static expectRegex(pattern: string): TcpCheckStep {
    return new TcpCheckStep('expect-rstring', pattern);
  }

  private constructor(private readonly kind: 'send' | 'send-line' | 'expect-string' | 'expect-rstring', private readonly text: string) {}

  /** @internal */
  public _problems(index: number): Problem[] {
    const what = this.kind.startsWith('send') ? 'text to send' : this.kind === 'expect-string' ? 'expected text' : 'expected pattern';
    return textProblems(`Health check step ${index + 1}: ${what}`, this.text, this.kind === 'expect-rstring');
  }

  /** @internal */
  public _model(): TcpCheckStepModel {
    switch (this.kind) {
      case 'send': return { kind: 'send', value: this.text };
      case 'send-line': return { kind: 'send', value: `${this.text}\r\n` };
      case 'expect-string': return { kind: 'expect-string', value: this.text };
      default: return { kind: 'expect-rstring', value: this.text };
    }
  }
}

/** @internal A problem with a check's value (the backend reports it with its path). */
export interface Problem {
  readonly message: string;
  readonly value: string;
  readonly allowed: string;
}

/** @internal */
export function textProblems(what: string, text: unknown, regex: boolean): Problem[] {
  if (typeof text !== 'string' || text.length === 0 || text.length > 1024 || !PRINTABLE.test(text)) {
    return [{ message: `${what} is not valid`, value: JSON.stringify(typeof text === 'string' ? text : String(text)), allowed: TEXT_ALLOWED }];
  }
  if (regex) {
    try {
      new RegExp(text);
    } catch (e: any) {
      return [{ message: `${what} is not a valid regular expression (${String(e?.message ?? e).replace(/^Invalid regular expression: /, '')})`, value: text, allowed: 'a regular expression such as ^OK' }];
    }
  }
  return [];
}

