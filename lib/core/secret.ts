import * as fs from 'fs';

// Kept outside the object so that console.log / util.inspect of a Secret never shows a literal.
const refs = new WeakMap<Secret, string>();

/** Where a secret comes from. */
export enum SecretSource {
  /** Given in the code. */
  LITERAL = 'literal',
  /** An environment variable read at synth time. */
  ENV = 'env',
  /** A file read at synth time (trailing newlines are dropped). */
  FILE = 'file',
}

/**
 * A secret value (a CARP password, stats credentials). Its value is read at synth time and never
 * shown: `toString()` and JSON give a redacted description.
 */
export class Secret {
  /** A secret given in the code (prefer `fromEnv` or `fromFile` outside tests). */
  public static fromLiteral(value: string): Secret {
    return new Secret(SecretSource.LITERAL, value);
  }

  /** A secret read from the environment variable `name` at synth time. */
  public static fromEnv(name: string): Secret {
    return new Secret(SecretSource.ENV, name);
  }

  /** A secret read from the file at `path` at synth time (a trailing newline is dropped). */
  public static fromFile(path: string): Secret {
    return new Secret(SecretSource.FILE, path);
  }

  /** Where the value comes from. */
  public readonly source: SecretSource;
  private constructor(source: SecretSource, ref: string) {
    this.source = source;
    refs.set(this, ref);
  }

  /** A description that never contains the value, e.g. `<secret from env CARP_PASS>`. */
  public describe(): string {
    const ref = refs.get(this);
    switch (this.source) {
      case SecretSource.LITERAL: return '<secret literal>';
      case SecretSource.ENV: return `<secret from environment variable ${ref}>`;
      default: return `<secret from file ${ref}>`;
    }
  }

  /**
   * @internal
   * Reads the value. Returns `{ value }` or `{ problem }` (a message without the value).
   */
  public _resolve(): { value?: string; problem?: string } {
    const ref = refs.get(this) as string;
    switch (this.source) {
      case SecretSource.LITERAL:
        return typeof ref === 'string' ? { value: ref } : { problem: 'the literal secret is not a string' };
      case SecretSource.ENV: {
        const v = process.env[ref];
        if (v === undefined || v === '') return { problem: `environment variable ${ref} is not set or empty` };
        return { value: v };
      }
      default: {
        try {
          const v = fs.readFileSync(ref, 'utf8').replace(/\r?\n$/, '');
          if (v === '') return { problem: `secret file ${ref} is empty` };
          return { value: v };
        } catch (e: any) {
          return { problem: `secret file ${ref} cannot be read (${e?.code ?? 'error'})` };
        }
      }
    }
  }

  /** Redacted. */
  public toString(): string {
    return this.describe();
  }

  /** Redacted. */
  public toJSON(): string {
    return this.describe();
  }
}
