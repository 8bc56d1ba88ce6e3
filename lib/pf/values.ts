import { IssueDetails } from '../core/diagnostics';
import { ValidationError } from '../core/errors';
import { AddressFamily, IpPrefix } from '../net/address';
import { CarpVip } from '../carp/carp-vip';
import { lookupService, SERVICE_ALLOWED } from './services';
import type { PfTable } from './pf-table';

/** @internal A problem of a value, reported by the rule that uses it (with the rule's path). */
export interface ValueProblem extends IssueDetails {
  readonly message: string;
}

/** @internal */
export enum AddressKind { ANY = 'any', PREFIX = 'prefix', TABLE = 'table', SELF = 'self', VIP = 'vip' }

/**
 * A source or destination of a PF rule: any address, a prefix, a table or the host itself.
 * Bad input is not thrown: the rule using the address reports it at synth, with its path.
 */
export class PfAddress {
  /** Any address (`any`). */
  public static any(): PfAddress {
    return new PfAddress(AddressKind.ANY);
  }

  /**
   * A prefix such as `2003:abcd:ef12:3420::/60` or `10.0.0.0/8`, or a single address
   * (taken as /32 or /128). Host bits must be zero.
   */
  public static prefix(text: string): PfAddress {
    const r = IpPrefix._check(text);
    if (r instanceof ValidationError) {
      const i = r.issues[0];
      return new PfAddress(AddressKind.PREFIX, undefined, undefined, undefined, { message: `Address ${i.message}`, value: i.value, allowed: i.allowed });
    }
    return new PfAddress(AddressKind.PREFIX, r);
  }

  /** The addresses of a table (`<name>`). */
  public static table(table: PfTable): PfAddress {
    return new PfAddress(AddressKind.TABLE, undefined, table);
  }

  /** Every address of the host the rule is loaded on (`self`). */
  public static self(): PfAddress {
    return new PfAddress(AddressKind.SELF);
  }

  /** The addresses of a CARP virtual host (both families). */
  public static vip(vip: CarpVip): PfAddress {
    return new PfAddress(AddressKind.VIP, undefined, undefined, vip);
  }

  /** @internal */
  public readonly _kind: AddressKind;
  /** @internal */
  public readonly _prefix?: IpPrefix;
  /** @internal */
  public readonly _table?: PfTable;
  /** @internal */
  public readonly _vip?: CarpVip;
  /** @internal */
  public readonly _problem?: ValueProblem;

  private constructor(kind: AddressKind, prefix?: IpPrefix, table?: PfTable, vip?: CarpVip, problem?: ValueProblem) {
    this._kind = kind;
    this._prefix = prefix;
    this._table = table;
    this._vip = vip;
    this._problem = problem;
  }

  /** The address family, when the address has one (a prefix); undefined otherwise. */
  public get family(): AddressFamily | undefined {
    return this._prefix?.family;
  }

  /** @internal The operands this address renders to (`any` renders to none). */
  public _render(): string[] {
    switch (this._kind) {
      case AddressKind.PREFIX: return this._prefix ? [prefixText(this._prefix)] : [];
      case AddressKind.TABLE: return this._table ? [`<${this._table.tableName}>`] : [];
      case AddressKind.SELF: return ['self'];
      case AddressKind.VIP: return this._vip ? this._vip.addresses.map((a) => a.text) : [];
      default: return [];
    }
  }

  /** The address as pf.conf writes it. */
  public toString(): string {
    const r = this._render();
    return r.length === 0 ? 'any' : r.join(', ');
  }
}

/** A host prefix is written as the bare address. */
function prefixText(p: IpPrefix): string {
  const full = p.family === AddressFamily.IPV4 ? 32 : 128;
  return p.prefixLength === full ? p.networkAddress : p.toString();
}

/**
 * A TCP/UDP port of a PF rule: a number, a range, or a service name of FreeBSD's
 * /etc/services. Rendered as numbers, so the file means the same on any host that checks it.
 */
export class PfPort {
  /** A port number, 1–65535. */
  public static number(port: number): PfPort {
    return new PfPort(port, port, undefined);
  }

  /**
   * A service name that FreeBSD's /etc/services lists (`ssh`, `http`, `https` …); rendered as
   * its number.
   */
  public static service(name: string): PfPort {
    const e = lookupService(name);
    if (!e) {
      return new PfPort(0, 0, name, { message: 'Port service name is not in FreeBSD\'s /etc/services', value: String(name), allowed: SERVICE_ALLOWED });
    }
    return new PfPort(e.port, e.port, name);
  }

  /** An inclusive range `from:to`, each 1–65535, from ≤ to. */
  public static range(from: number, to: number): PfPort {
    return new PfPort(from, to, undefined);
  }

  /** @internal */
  public readonly _from: number;
  /** @internal */
  public readonly _to: number;
  /** @internal The service name, when given by name. */
  public readonly _service?: string;
  /** @internal */
  public readonly _problem?: ValueProblem;

  private constructor(from: number, to: number, service: string | undefined, problem?: ValueProblem) {
    this._from = from;
    this._to = to;
    this._service = service;
    this._problem = problem ?? PfPort.check(from, to, service);
  }

  private static check(from: number, to: number, service: string | undefined): ValueProblem | undefined {
    if (service !== undefined) return undefined;
    for (const p of [from, to]) {
      if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > 65535) {
        return { message: 'Port must be an integer from 1 to 65535', value: String(p), allowed: SERVICE_ALLOWED };
      }
    }
    if (from > to) return { message: 'Port range starts after it ends', value: `${from}:${to}`, allowed: 'from ≤ to' };
    return undefined;
  }

  /** The first port of the range (the port itself for a single port). */
  public get from(): number {
    return this._from;
  }

  /** The last port of the range (the port itself for a single port). */
  public get to(): number {
    return this._to;
  }

  /** The port as pf.conf writes it (`22`, `1024:65535`). */
  public toString(): string {
    return this._from === this._to ? String(this._from) : `${this._from}:${this._to}`;
  }
}

/**
 * Options of a rule's state.
 */
export interface PfStateOptions {
  /**
   * Do not synchronise these states with pfsync (`no-sync`), as CARP and pfsync's own traffic
   * need.
   * @default false
   */
  readonly noSync?: boolean;
  /**
   * The most states this rule may create (`max N`).
   * @default - no limit
   */
  readonly maxStates?: number;
  /**
   * Loose TCP window tracking (`sloppy`), for asymmetric paths.
   * @default false
   */
  readonly sloppy?: boolean;
  /**
   * Bind states to the interface they were created on (`if-bound`).
   * @default false
   */
  readonly ifBound?: boolean;
}

/** @internal */
export enum StateKind { KEEP = 'keep', MODULATE = 'modulate', SYNPROXY = 'synproxy', NONE = 'no' }

/**
 * How a rule tracks state.
 */
export class PfState {
  /** `keep state`: track connections (pf's default for pass rules). */
  public static keep(options: PfStateOptions = {}): PfState {
    return new PfState(StateKind.KEEP, options);
  }

  /** `modulate state`: keep state and randomise TCP initial sequence numbers. */
  public static modulate(options: PfStateOptions = {}): PfState {
    return new PfState(StateKind.MODULATE, options);
  }

  /** `synproxy state`: complete the TCP handshake in pf before passing it on. */
  public static synproxy(options: PfStateOptions = {}): PfState {
    return new PfState(StateKind.SYNPROXY, options);
  }

  /** `no state`: stateless. */
  public static none(): PfState {
    return new PfState(StateKind.NONE, {});
  }

  /** @internal */
  public readonly _kind: StateKind;
  /** @internal */
  public readonly _options: PfStateOptions;
  /** @internal */
  public readonly _problem?: ValueProblem;

  private constructor(kind: StateKind, options: PfStateOptions) {
    this._kind = kind;
    this._options = options;
    const m = options.maxStates;
    if (m !== undefined && (typeof m !== 'number' || !Number.isInteger(m) || m < 1 || m > 4294967295)) {
      this._problem = { message: 'maxStates must be a positive integer', value: String(m), allowed: 'an integer 1–4294967295' };
    }
  }

  /** @internal State options in pf.conf order. */
  public _optionWords(): string[] {
    const o: string[] = [];
    if (this._options.maxStates !== undefined) o.push(`max ${this._options.maxStates}`);
    if (this._options.noSync) o.push('no-sync');
    if (this._options.sloppy) o.push('sloppy');
    if (this._options.ifBound) o.push('if-bound');
    return o;
  }
}
