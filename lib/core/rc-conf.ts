import { IConstruct } from 'constructs';
import type { KeySetting } from './contribution';

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

/** @internal What a key of each format may look like. */
export const KEY_RULES: Record<KeyValueFormat, { re: RegExp; allowed: string }> = {
  [KeyValueFormat.RC_CONF]: { re: /^[A-Za-z_][A-Za-z0-9_]*$/, allowed: 'a shell variable name: letters, digits and _, not starting with a digit' },
  [KeyValueFormat.SYSCTL_CONF]: { re: /^[a-z][a-z0-9_]*(\.[a-z0-9_%]+)+$/i, allowed: 'a sysctl OID such as net.inet.carp.preempt' },
  [KeyValueFormat.LOADER_CONF]: { re: /^[A-Za-z_][A-Za-z0-9_.]*$/, allowed: 'a loader variable name such as carp_load' },
};

/**
 * Checks a value for a format. Returns a problem, or undefined when it can be written safely.
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

/** Rank of rc.conf keys, so the file reads as people write it (interfaces, then routes). */
function rcRank(key: string): number {
  if (key === 'hostname') return 0;
  if (key === 'cloned_interfaces' || key.startsWith('vlans_') || key.startsWith('create_args_')) return 1;
  if (key.startsWith('ifconfig_')) return IFCONFIG_RANK;
  if (key === 'defaultrouter' || key === 'ipv6_defaultrouter') return 3;
  if (/^(ipv6_)?(static_routes|route_)/.test(key)) return ROUTES_RANK;
  return 5;
}
const IFCONFIG_RANK = 2;
const ROUTES_RANK = 4;

/** Route keys: IPv4 before IPv6, each list (`static_routes`) before its routes (`route_<name>`). */
function routeKeyParts(key: string): [number, number] {
  return [key.startsWith('ipv6_') ? 1 : 0, /static_routes$/.test(key) ? 0 : 1];
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
 * The keys a user sets on one of a host's key/value files (rc.conf, sysctl.conf or
 * loader.conf). Constructs contribute their own keys at synth; a key set to two different
 * values (by the user or by two constructs) is a validation error naming both; the same value
 * twice is fine. Keys are rendered in a fixed, sorted order.
 */
export class KeyValueConf {
  /** The file format. */
  public readonly format: KeyValueFormat;
  private readonly entries: Array<{ key: string; value: string; owner: IConstruct }> = [];

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
    this.entries.push({ key, value, owner: owner ?? this.host });
  }

  /**
   * The value the user set for `key`.
   * @returns the value, or undefined when the user did not set it (keys that constructs
   *   derive appear only in the synthesized file: see `Testing.synth`)
   */
  public get(key: string): string | undefined {
    return this.entries.find((x) => x.key === key)?.value;
  }

  /** The keys the user set, sorted as rendered. */
  public keys(): string[] {
    return [...new Set(this.entries.map((e) => e.key))].sort((a, b) => compareKeys(this.format, a, b));
  }

  /** Whether the user set nothing. */
  public get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /** @internal The user's settings, grouped by the construct named as their owner. */
  public _settings(): Array<{ owner: IConstruct; setting: KeySetting }> {
    return this.entries.map((e) => ({ owner: e.owner, setting: { key: e.key, value: e.value, explicit: true } }));
  }
}

function compareKeys(format: KeyValueFormat, a: string, b: string): number {
  if (format === KeyValueFormat.RC_CONF) {
    const r = rcRank(a) - rcRank(b);
    if (r !== 0) return r;
    if (rcRank(a) === ROUTES_RANK) {
      const [fa, la] = routeKeyParts(a);
      const [fb, lb] = routeKeyParts(b);
      if (fa !== fb || la !== lb) return fa - fb || la - lb;
    }
    if (rcRank(a) === IFCONFIG_RANK) {
      const [ba, ra] = ifconfigKeyParts(a);
      const [bb, rb] = ifconfigKeyParts(b);
      if (ba !== bb) return naturalCompare(ba, bb);
      if (ra !== rb) return ra - rb;
    }
  }
  return naturalCompare(a, b);
}

/** @internal Renders a key/value file's body (no header): keys in order, each once. Pure. */
export function renderKeyValues(format: KeyValueFormat, entries: readonly KeySetting[]): string {
  const sorted = [...entries].sort((a, b) => compareKeys(format, a.key, b.key));
  const lines = sorted.map((e) => {
    switch (format) {
      case KeyValueFormat.SYSCTL_CONF:
        return `${e.key}=${e.value}`;
      case KeyValueFormat.LOADER_CONF:
        return `${e.key}="${e.value}"`;
      default:
        return `${e.key}=${shDoubleQuote(e.value)}`;
    }
  });
  return lines.join('\n') + (lines.length ? '\n' : '');
}
