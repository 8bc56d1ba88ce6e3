import { IConstruct } from 'constructs';
import { IReporter } from './diagnostics';
import { preparingGeneration } from './lifecycle';

/**
 * The syntax of a key/value file.
 */
export enum KeyValueFormat {
  /** /etc/rc.conf: `key="value"`, sourced by /bin/sh. */
  RC_CONF = 'rc.conf',
  /** /etc/sysctl.conf: `oid=value`, read line by line by rc.d/sysctl. */
  SYSCTL_CONF = 'sysctl.conf',
  /** /boot/loader.conf: `key="value"`, read by loader(8). */
  LOADER_CONF = 'loader.conf',
}

interface Entry {
  readonly key: string;
  readonly value: string | (() => string);
  readonly owner: IConstruct;
  readonly secret: boolean;
  /** Whether the value is computed at synth (a function) rather than given. */
  readonly lazy: boolean;
  /** The synth preparation that set it, or undefined for a setting made by user code. */
  readonly gen?: number;
}

const KEY_RULES: Record<KeyValueFormat, { re: RegExp; allowed: string }> = {
  [KeyValueFormat.RC_CONF]: { re: /^[A-Za-z_][A-Za-z0-9_]*$/, allowed: 'a shell variable name: letters, digits and _, not starting with a digit' },
  [KeyValueFormat.SYSCTL_CONF]: { re: /^[a-z][a-z0-9_]*(\.[a-z0-9_%]+)+$/i, allowed: 'a sysctl OID such as net.inet.carp.preempt' },
  [KeyValueFormat.LOADER_CONF]: { re: /^[A-Za-z_][A-Za-z0-9_.]*$/, allowed: 'a loader variable name such as carp_load' },
};

/**
 * Checks a value for a format; returns a problem, or undefined when it can be written safely.
 * @internal
 */
export function valueProblem(format: KeyValueFormat, value: string): { message: string; allowed: string } | undefined {
  if (typeof value !== 'string') return { message: 'value must be a string', allowed: 'a string' };
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(value)) {
    return { message: 'value contains a control character (newline, NUL, …)', allowed: 'printable characters only' };
  }
  if (format === KeyValueFormat.SYSCTL_CONF && !/^[A-Za-z0-9_.:,+\/-]+$/.test(value)) {
    return { message: 'sysctl value cannot be read back intact by rc.d/sysctl', allowed: 'letters, digits and . _ : , + / - (no spaces, no #)' };
  }
  if (format === KeyValueFormat.LOADER_CONF && /["\\$]/.test(value)) {
    return { message: 'loader.conf value cannot contain " \\ or $ (the loader expands $NAME)', allowed: 'printable characters except " \\ and $' };
  }
  return undefined;
}

/** Quotes a value for /bin/sh inside double quotes. @internal */
export function shDoubleQuote(value: string): string {
  return `"${value.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}

/** Rank of rc.conf keys, so the file reads as people write it. */
function rcRank(key: string): number {
  if (key === 'hostname') return 0;
  if (key.startsWith('ifconfig_')) return 1;
  if (key === 'defaultrouter' || key === 'ipv6_defaultrouter') return 2;
  return 3;
}

/** Splits `ifconfig_<if>[_ipv6|_aliasN]` into the interface part and a rank (base, ipv6, aliases). */
function ifconfigKeyParts(key: string): [string, number] {
  if (key.endsWith('_ipv6')) return [key.slice(0, -5), 1];
  const m = /^(.*)_alias[0-9]+$/.exec(key);
  if (m) return [m[1], 2];
  return [key, 0];
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });

function naturalCompare(a: string, b: string): number {
  const c = collator.compare(a, b);
  return c !== 0 ? c : a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A key/value configuration file of a host (rc.conf, sysctl.conf or loader.conf). Constructs set
 * keys through it; two owners setting one key to different values is a validation error naming
 * both; the same value twice is fine. Keys are rendered in a fixed, sorted order.
 */
export class KeyValueConf {
  /** The file format. */
  public readonly format: KeyValueFormat;
  private readonly entries: Entry[] = [];

  /** @internal */
  constructor(format: KeyValueFormat, private readonly host: IConstruct) {
    this.format = format;
  }

  /**
   * Sets `key` to `value`.
   * @param key the variable name (e.g. `haproxy_enable`)
   * @param value the value, unquoted (quoting is done when rendering)
   * @param owner the construct that wants this setting (named in conflict errors)
   * @default owner - the host
   */
  public set(key: string, value: string, owner?: IConstruct): void {
    this.add({ key, value, owner: owner ?? this.host, secret: false, lazy: false });
  }

  /** @internal Sets a value computed at synth time. */
  public _setLazy(key: string, value: () => string, owner: IConstruct, secret: boolean): void {
    this.add({ key, value, owner, secret, lazy: true });
  }

  private add(entry: Entry): void {
    const gen = preparingGeneration();
    if (gen === undefined) {
      // Set by user code: kept as given; a different value for the key is a conflict.
      this.entries.push(entry);
      return;
    }
    // Set while a synth prepares (derived settings): those of older preparations are dropped,
    // and an owner setting a key again in the same preparation replaces its own value.
    const e: Entry = { ...entry, gen };
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const x = this.entries[i];
      if (x.gen !== undefined && (x.gen !== gen || (x.key === e.key && x.owner === e.owner))) this.entries.splice(i, 1);
    }
    this.entries.push(e);
  }


  /**
   * The value of `key`, if set and not secret.
   * @returns the value, or undefined
   */
  public get(key: string): string | undefined {
    const e = this.entries.find((x) => x.key === key);
    if (!e || e.secret) return undefined;
    return typeof e.value === 'string' ? e.value : (e.value as () => string)();
  }

  /** The keys set, sorted as rendered. */
  public keys(): string[] {
    return [...new Set(this.entries.map((e) => e.key))].sort((a, b) => this.compareKeys(a, b));
  }

  /** Whether any value carries a secret. */
  public get hasSecret(): boolean {
    return this.entries.some((e) => e.secret);
  }

  /** Whether nothing is set. */
  public get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  private compareKeys(a: string, b: string): number {
    if (this.format === KeyValueFormat.RC_CONF) {
      const r = rcRank(a) - rcRank(b);
      if (r !== 0) return r;
      if (rcRank(a) === 1) {
        const [ba, ra] = ifconfigKeyParts(a);
        const [bb, rb] = ifconfigKeyParts(b);
        if (ba !== bb) return naturalCompare(ba, bb);
        if (ra !== rb) return ra - rb;
      }
    }
    return naturalCompare(a, b);
  }

  /** @internal Reports bad keys, bad values and conflicts. */
  public _validate(report: IReporter): void {
    const rule = KEY_RULES[this.format];
    const byKey = new Map<string, Array<{ e: Entry; v?: string }>>();
    for (const e of this.entries) {
      if (typeof e.key !== 'string' || !rule.re.test(e.key)) {
        report.error(`${this.format} key is not valid (set by ${e.owner.node.path})`, { value: String(e.key), allowed: rule.allowed });
        continue;
      }
      let v: string | undefined;
      if (!e.lazy && typeof e.value !== 'string') {
        report.error(`${this.format} value of ${e.key} must be a string (set by ${e.owner.node.path})`, { value: String(e.value), allowed: 'a string' });
        continue;
      }
      try {
        v = typeof e.value === 'string' ? e.value : (e.value as () => string)();
      } catch {
        v = undefined; // a lazy value that cannot be computed is reported by its owner
      }
      // Secret values are checked by their owner (which never shows them); everything else here.
      if (v !== undefined && !e.secret) {
        const p = valueProblem(this.format, v);
        if (p) report.error(`${this.format} value of ${e.key}: ${p.message} (set by ${e.owner.node.path})`, { value: v, allowed: p.allowed });
      }
      const list = byKey.get(e.key) ?? [];
      list.push({ e, v });
      byKey.set(e.key, list);
    }
    for (const [key, list] of byKey) {
      const first = list[0];
      for (const other of list.slice(1)) {
        if (first.v !== undefined && other.v !== undefined && first.v !== other.v) {
          const shown = first.e.secret || other.e.secret
            ? '<redacted>'
            : `${JSON.stringify(first.v)} vs ${JSON.stringify(other.v)}`;
          // One construct can clash with itself: a value derived from its props vs an explicit set().
          const who = (x: Entry) => first.e.owner === other.e.owner
            ? `${x.owner.node.path} (${x.gen !== undefined ? 'derived from its props' : `${this.format === KeyValueFormat.RC_CONF ? 'rcConf' : this.format === KeyValueFormat.SYSCTL_CONF ? 'sysctlConf' : 'loaderConf'}.set`})`
            : x.owner.node.path;
          report.error(
            `${this.format} key ${key} is set to different values by ${who(first.e)} and ${who(other.e)}`,
            { value: shown, allowed: 'one value per key' },
          );
        }
      }
    }
  }

  /** @internal Renders the body (no header), keys in order, each once. */
  public _render(): string {
    const lines: string[] = [];
    for (const key of this.keys()) {
      const e = this.entries.find((x) => x.key === key)!;
      const v = typeof e.value === 'string' ? e.value : (e.value as () => string)();
      switch (this.format) {
        case KeyValueFormat.SYSCTL_CONF:
          lines.push(`${key}=${v}`);
          break;
        case KeyValueFormat.LOADER_CONF:
          lines.push(`${key}="${v}"`);
          break;
        default:
          lines.push(`${key}=${shDoubleQuote(v)}`);
      }
    }
    return lines.join('\n') + (lines.length ? '\n' : '');
  }
}
