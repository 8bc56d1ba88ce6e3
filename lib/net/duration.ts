import { valueError } from '../core/errors';

/**
 * A span of time, for timeouts and intervals. Whole milliseconds, never negative.
 */
export class Duration {
  /** A duration in milliseconds. */
  public static millis(amount: number): Duration {
    return new Duration(amount, 1, 'ms');
  }
  /** A duration in seconds. */
  public static seconds(amount: number): Duration {
    return new Duration(amount, 1000, 's');
  }
  /** A duration in minutes. */
  public static minutes(amount: number): Duration {
    return new Duration(amount, 60_000, 'm');
  }
  /** A duration in hours. */
  public static hours(amount: number): Duration {
    return new Duration(amount, 3_600_000, 'h');
  }
  /** A duration in days. */
  public static days(amount: number): Duration {
    return new Duration(amount, 86_400_000, 'd');
  }

  private readonly ms: number;

  private constructor(amount: number, factor: number, unit: string) {
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
      throw valueError('Duration must be a finite number, not negative', `${String(amount)}${unit}`, 'a number >= 0');
    }
    const ms = amount * factor;
    if (!Number.isInteger(ms)) {
      throw valueError('Duration must be a whole number of milliseconds', `${amount}${unit}`, 'whole milliseconds');
    }
    this.ms = ms;
  }

  /** The duration in milliseconds. */
  public toMilliseconds(): number {
    return this.ms;
  }

  /** The duration in seconds (may be fractional). */
  public toSeconds(): number {
    return this.ms / 1000;
  }

  /**
   * The duration as HAProxy writes times: the largest unit that divides it (`5s`, `2m`, `1500ms`).
   */
  public toHaproxy(): string {
    const units: Array<[number, string]> = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'm'], [1000, 's']];
    for (const [f, u] of units) {
      if (this.ms !== 0 && this.ms % f === 0) return `${this.ms / f}${u}`;
    }
    return `${this.ms}ms`;
  }

  /** A readable form, e.g. `5s`. */
  public toString(): string {
    return this.toHaproxy();
  }
}
