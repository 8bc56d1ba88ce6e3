import { IssueDetails } from '../core/diagnostics';
import { ValidationError } from '../core/errors';
import { assertArgs } from '../core/private/check-props';
import { AddressFamily, IpPrefix } from '../net/address';
import { CarpVip } from '../carp/carp-vip';
import { INTERFACE_NAME, INTERFACE_NAME_ALLOWED } from '../net/names';
import { lookupService, SERVICE_ALLOWED } from './services';
import type { PfTable } from './pf-table';

export { PfConnectionRate, PfOverload, PfState, PfStateOptions, StateKind } from './state';

/** @internal A problem of a value, reported by the rule that uses it (with the rule's path). */
export interface ValueProblem extends IssueDetails {
  readonly message: string;
}

/** @internal */
export enum AddressKind { ANY = 'any', PREFIX = 'prefix', TABLE = 'table', SELF = 'self', VIP = 'vip', INTERFACE = 'interface' }

/**
 * A source or destination of a PF rule (or a translation's address): any address, a prefix, a
 * table, the host itself, a CARP VIP, or the current addresses of an interface.
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
    assertArgs('cdkbsd.PfAddress', 'table', [table]);
    return new PfAddress(AddressKind.TABLE, undefined, table);
  }

  /** Every address of the host the rule is loaded on (`self`). */
  public static self(): PfAddress {
    return new PfAddress(AddressKind.SELF);
  }

  /** The addresses of a CARP virtual host (both families). */
  public static vip(vip: CarpVip): PfAddress {
    assertArgs('cdkbsd.PfAddress', 'vip', [vip]);
    return new PfAddress(AddressKind.VIP, undefined, undefined, vip);
  }

  /**
   * The addresses an interface has when a packet passes, written `(vtnet0)` (`($ext_if)` for the
   * external interface). They follow DHCP and address changes without a reload. In a NAT rule,
   * the address the translated sources appear as. The interface must exist on every target host.
   */
  public static interfaceAddress(interfaceName: string): PfAddress {
    if (typeof interfaceName !== 'string' || !INTERFACE_NAME.test(interfaceName)) {
      return new PfAddress(AddressKind.INTERFACE, undefined, undefined, undefined, { message: 'Interface name of interfaceAddress is not valid', value: String(interfaceName), allowed: INTERFACE_NAME_ALLOWED });
    }
    return new PfAddress(AddressKind.INTERFACE, undefined, undefined, undefined, undefined, interfaceName);
  }

  /** @internal */
  public readonly _kind: AddressKind;
  /** @internal The interface of `interfaceAddress`. */
  public readonly _interface?: string;
  /** @internal */
  public readonly _prefix?: IpPrefix;
  /** @internal */
  public readonly _table?: PfTable;
  /** @internal */
  public readonly _vip?: CarpVip;
  /** @internal */
  public readonly _problem?: ValueProblem;

  private constructor(kind: AddressKind, prefix?: IpPrefix, table?: PfTable, vip?: CarpVip, problem?: ValueProblem, iface?: string) {
    this._kind = kind;
    this._interface = iface;
    this._prefix = prefix;
    this._table = table;
    this._vip = vip;
    this._problem = problem;
  }

  /** The address family, when the address has one (a prefix), else undefined. */
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
      case AddressKind.INTERFACE: return this._interface ? [`(${this._interface})`] : [];
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
   * A service name that FreeBSD's /etc/services lists (`ssh`, `http`, `https` …), rendered as
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
