import { Construct } from 'constructs';
import { Diagnostics } from '../core/diagnostics';
import { constructId } from '../core/private/check-props';
import { AddressFamily } from '../net/address';
import { INTERFACE_NAME, INTERFACE_NAME_ALLOWED } from '../net/names';
import { PfPortModel, PfTranslationModel } from './model';
import type { PfTable } from './pf-table';
import { lookupService } from './services';
import { PfProtocol } from './types';
import { AddressKind, PfAddress, PfPort } from './values';

/**
 * Outbound NAT (`nat on <if> from <sources> to <destinations> -> <address>`): sources leaving
 * through `interfaceName` appear as one address. On a CARP pair, translate to the VIP
 * (`PfAddress.vip(vip)`): with pfsync, the backup knows every translation and sessions survive a
 * failover.
 */
export interface PfNatProps {
  /** The interface the translated traffic leaves through. It must exist on every target host. */
  readonly interfaceName: string;
  /**
   * The address family.
   * @default - the family of the addresses (they must share one)
   */
  readonly family?: AddressFamily;
  /**
   * IP protocols.
   * @default - any protocol
   */
  readonly protocols?: PfProtocol[];
  /** The sources to translate (prefixes, or tables of this ruleset). */
  readonly from: PfAddress[];
  /**
   * Source ports (TCP/UDP only).
   * @default - any
   */
  readonly fromPorts?: PfPort[];
  /**
   * Destinations the translation applies to.
   * @default - any destination
   */
  readonly to?: PfAddress[];
  /**
   * Destination ports (TCP/UDP only).
   * @default - any
   */
  readonly toPorts?: PfPort[];
  /**
   * The address the sources appear as: one address (`PfAddress.prefix('192.0.2.5')`), a CARP
   * VIP (its address of the rule's family), or the interface's address as it is
   * (`PfAddress.interfaceAddress('vtnet0')`, written `($ext_if)`).
   */
  readonly translateTo: PfAddress;
  /**
   * Keep the sources' ports (`static-port`), for protocols that break when ports change.
   * @default false
   */
  readonly staticPort?: boolean;
  /**
   * `nat pass`: translated packets skip the filter rules (no pass rule needed, none applies).
   * @default false
   */
  readonly pass?: boolean;
  /**
   * Log translated packets (`log`), which turns on `pflog_enable`.
   * @default false
   */
  readonly log?: boolean;
  /**
   * A note written in the rule's trailing comment, after its construct path.
   * @default - the construct path only
   */
  readonly comment?: string;
}

/**
 * Redirection (`rdr on <if> proto tcp to <address> port <ports> -> <target> port <port>`):
 * traffic arriving on `interfaceName` for an address and ports is sent to another address. A
 * port range maps onto a range of the same length (`port 1000:2000 -> 10.0.0.5 port 1000:*`).
 * The filter rules see the translated address: pass it with a rule of your own, or `pass: true`.
 */
export interface PfRdrProps {
  /** The interface the traffic arrives on. It must exist on every target host. */
  readonly interfaceName: string;
  /**
   * The address family.
   * @default - the family of the addresses (they must share one)
   */
  readonly family?: AddressFamily;
  /**
   * IP protocols (`PfProtocol.TCP` and/or `UDP` when ports are given).
   * @default - any protocol
   */
  readonly protocols?: PfProtocol[];
  /**
   * Sources the redirection applies to.
   * @default - any source
   */
  readonly from?: PfAddress[];
  /**
   * The addresses clients connect to (a VIP, the interface's address …).
   * @default - any destination
   */
  readonly to?: PfAddress[];
  /**
   * The ports clients connect to: ports, or one range that maps onto `redirectPort` and on.
   * @default - every port
   */
  readonly toPorts?: PfPort[];
  /** Where the traffic goes: one address (`PfAddress.prefix`) or a CARP VIP. */
  readonly redirectTo: PfAddress;
  /**
   * The target port (1–65535). With a range in `toPorts`, the first port of the target range.
   * @default - the port the client connected to
   */
  readonly redirectPort?: number;
  /**
   * `rdr pass`: redirected packets skip the filter rules.
   * @default false
   */
  readonly pass?: boolean;
  /**
   * Log redirected packets (`log`), which turns on `pflog_enable`.
   * @default false
   */
  readonly log?: boolean;
  /**
   * A note written in the rule's trailing comment.
   * @default - the construct path only
   */
  readonly comment?: string;
}

/**
 * Bidirectional 1:1 translation (`binat on <if> from <internal> to <destinations> -> <external>`):
 * an internal address and an external one of the same prefix length map onto each other both ways.
 */
export interface PfBinatProps {
  /** The interface the external address lives on. It must exist on every target host. */
  readonly interfaceName: string;
  /**
   * The address family.
   * @default - the family of the addresses
   */
  readonly family?: AddressFamily;
  /**
   * One IP protocol.
   * @default - any protocol
   */
  readonly protocols?: PfProtocol[];
  /** The internal address or prefix (`PfAddress.prefix`). */
  readonly from: PfAddress;
  /**
   * Destinations the mapping applies to.
   * @default - any destination
   */
  readonly to?: PfAddress;
  /** The external address or prefix, of the same length as `from` (`PfAddress.prefix` or a VIP). */
  readonly translateTo: PfAddress;
  /**
   * `binat pass`: translated packets skip the filter rules.
   * @default false
   */
  readonly pass?: boolean;
  /**
   * Log translated packets (`log`), which turns on `pflog_enable`.
   * @default false
   */
  readonly log?: boolean;
  /**
   * A note written in the rule's trailing comment.
   * @default - the construct path only
   */
  readonly comment?: string;
}

/** @internal The kind of a translation rule. */
export type TranslationKind = 'nat' | 'rdr' | 'binat';

/** @internal How a translation rule spells interfaces (macros). */
export interface TranslationRenderContext {
  spellInterface(name: string): string;
}

interface Normalized {
  readonly interfaceName: string;
  readonly family?: AddressFamily;
  readonly protocols: PfProtocol[];
  readonly from: PfAddress[];
  readonly fromPorts: PfPort[];
  readonly to: PfAddress[];
  readonly toPorts: PfPort[];
  readonly target: PfAddress;
  readonly targetPort?: number;
  readonly staticPort: boolean;
  readonly pass: boolean;
  readonly log: boolean;
  readonly comment?: string;
}

const FULL = (f: AddressFamily) => (f === AddressFamily.IPV4 ? 32 : 128);
const TARGET_ALLOWED: Record<TranslationKind, string> = {
  nat: 'PfAddress.prefix() of one address, PfAddress.vip(), or PfAddress.interfaceAddress()',
  rdr: 'PfAddress.prefix() of one address, or PfAddress.vip()',
  binat: 'PfAddress.prefix() (the length of from), or PfAddress.vip()',
};

/**
 * A translation rule (nat, rdr or binat) of a `PfRuleset`. Create it with `ruleset.addNat`,
 * `addRdr` or `addBinat`. Translation rules render in the order added, before the filter rules
 * (pf.conf(5) requires it), and the first matching one applies.
 *
 * @example
 * fw.addRdr('Game', {
 *   interfaceName: 'vtnet0', protocols: [PfProtocol.TCP], to: [PfAddress.vip(vip)],
 *   toPorts: [PfPort.range(27000, 27050)], redirectTo: PfAddress.prefix('10.0.0.5'), redirectPort: 37000,
 * });
 */
export class PfTranslation extends Construct {
  /** `nat`, `rdr` or `binat`. */
  public readonly kind: string;
  private readonly n: Normalized;
  /** @internal The family the rule translates (given or derived). Undefined when it cannot be. */
  public readonly _family?: AddressFamily;

  /** @internal Use `PfRuleset.addNat` / `addRdr` / `addBinat`. */
  public static _create(scope: Construct, id: string, kind: TranslationKind, props: PfNatProps | PfRdrProps | PfBinatProps): PfTranslation {
    return new PfTranslation(scope, id, kind, props);
  }

  private constructor(scope: Construct, id: string, kind: TranslationKind, props: PfNatProps | PfRdrProps | PfBinatProps) {
    super(scope, constructId(scope, id));
    // (The props' shape is checked by PfRuleset.addNat / addRdr / addBinat.)
    this.kind = kind;
    const p = (props ?? {}) as Partial<PfNatProps & PfRdrProps> & { from?: PfAddress | PfAddress[]; to?: PfAddress | PfAddress[] };
    const asList = (x: PfAddress | PfAddress[] | undefined) => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
    this.n = {
      interfaceName: p.interfaceName as string,
      family: p.family,
      protocols: p.protocols ?? [],
      from: asList(p.from),
      fromPorts: p.fromPorts ?? [],
      to: asList(p.to),
      toPorts: p.toPorts ?? [],
      target: (kind === 'rdr' ? p.redirectTo : p.translateTo) as PfAddress,
      targetPort: p.redirectPort,
      staticPort: p.staticPort ?? false,
      pass: p.pass ?? false,
      log: p.log ?? false,
      comment: p.comment,
    };
    this._family = this.check();
  }

  /** Whether the rule logs. */
  public get logs(): boolean {
    return this.n.log;
  }

  /** @internal The interfaces the rule names (`on`, and an `interfaceAddress` target or operand). */
  public get _interfaces(): string[] {
    const named = [...this.n.from, ...this.n.to, this.n.target].filter((a) => a instanceof PfAddress && a._interface !== undefined).map((a) => a._interface!);
    return [...new Set([this.n.interfaceName, ...named])];
  }

  /** @internal The tables the rule uses. */
  public get _tables(): PfTable[] {
    return [...new Set([...this.n.from, ...this.n.to].filter((a) => a instanceof PfAddress && a._table !== undefined).map((a) => a._table!))];
  }

  /** @internal The target's addresses of the rule's family (for gateway_enable and tests). */
  public get _targetAddresses(): string[] {
    const t = this.n.target;
    if (!(t instanceof PfAddress)) return [];
    if (t._kind === AddressKind.VIP && t._vip) return t._vip.addresses.filter((a) => a.family === this._family).map((a) => a.text);
    return t._kind === AddressKind.PREFIX && t._prefix ? [t._prefix.networkAddress] : [];
  }

  /** @internal The rule as the renderer's model. */
  public _toModel(ctx: TranslationRenderContext): PfTranslationModel {
    const n = this.n;
    const fam = this._family;
    const hosts = (list: PfAddress[]) => {
      const out: string[] = [];
      for (const a of list) {
        if (a._kind === AddressKind.VIP && a._vip) out.push(...a._vip.addresses.filter((x) => fam === undefined || x.family === fam).map((x) => x.text));
        else if (a._kind === AddressKind.INTERFACE && a._interface) out.push(`(${ctx.spellInterface(a._interface)})`);
        else out.push(...a._render());
      }
      return [...new Set(out)];
    };
    const ports = (list: PfPort[]): PfPortModel[] => list.filter((x) => !x._problem).map((x) => (x._from === x._to ? { from: x._from } : { from: x._from, to: x._to }));
    const range = n.toPorts.length === 1 && n.toPorts[0]._from !== n.toPorts[0]._to;
    const note = n.comment !== undefined && n.comment !== '' ? `${this.node.path}: ${n.comment}` : this.node.path;
    return {
      kind: this.kind as TranslationKind,
      pass: n.pass,
      log: n.log,
      interfaces: [ctx.spellInterface(n.interfaceName)],
      af: fam,
      protocols: [...new Set(n.protocols)],
      from: hosts(n.from),
      fromPorts: ports(n.fromPorts),
      to: hosts(n.to),
      toPorts: ports(n.toPorts),
      target: hosts([n.target])[0] ?? '',
      targetPort: n.targetPort === undefined ? undefined : range ? `${n.targetPort}:*` : String(n.targetPort),
      options: n.staticPort ? ['static-port'] : [],
      comment: note,
    };
  }

  /** Checks everything pfctl would refuse. Returns the rule's family. */
  private check(): AddressFamily | undefined {
    const n = this.n;
    const kind = this.kind as TranslationKind;
    const err = (m: string, value: string, allowed: string) => Diagnostics.error(this, m, { value, allowed });
    if (typeof n.interfaceName !== 'string' || !INTERFACE_NAME.test(n.interfaceName)) err(`${kind} interfaceName is not valid`, String(n.interfaceName), INTERFACE_NAME_ALLOWED);
    if (n.family !== undefined && !Object.values(AddressFamily).includes(n.family)) err(`${kind} family is not valid`, String(n.family), 'AddressFamily.IPV4 or AddressFamily.IPV6');
    for (const x of n.protocols) if (!Object.values(PfProtocol).includes(x)) err(`${kind} protocol is not valid`, String(x), Object.values(PfProtocol).join(', '));
    if (kind === 'binat' && n.protocols.length > 1) err('binat takes one protocol', n.protocols.join(', '), 'at most one protocol');
    for (const [what, v] of [['pass', n.pass], ['log', n.log], ['staticPort', n.staticPort]] as const) {
      if (typeof v !== 'boolean') err(`${kind} ${what} must be true or false`, String(v), 'true or false');
    }
    // eslint-disable-next-line no-control-regex
    if (n.comment !== undefined && (typeof n.comment !== 'string' || /["\\\x00-\x1f\x7f]/.test(n.comment))) err(`${kind} comment cannot contain quotes, backslashes or control characters`, String(n.comment), 'printable text without " and \\');
    if (kind === 'nat' && n.from.length === 0) err('nat needs the sources to translate (from)', '[]', 'prefixes or tables of this ruleset');
    const addresses = [...n.from.map((a) => ['from', a] as const), ...n.to.map((a) => ['to', a] as const)];
    for (const [what, a] of addresses) {
      if (!(a instanceof PfAddress)) { err(`${kind} ${what} holds something that is not a PfAddress`, String(a), 'PfAddress.prefix(), table(), vip(), any() …'); continue; }
      if (a._problem) err(`${kind} ${what}: ${a._problem.message}`, a._problem.value ?? '', a._problem.allowed ?? '');
      if (kind === 'binat' && what === 'from' && a._kind !== AddressKind.PREFIX) err('binat from must be one prefix or address', a.toString(), 'PfAddress.prefix()');
    }
    const t = n.target;
    const targetOk = t instanceof PfAddress && !t._problem && (t._kind === AddressKind.PREFIX || t._kind === AddressKind.VIP || (kind === 'nat' && t._kind === AddressKind.INTERFACE));
    if (!targetOk) {
      err(`${kind} ${kind === 'rdr' ? 'redirectTo' : 'translateTo'} is not an address pf can translate to`, t instanceof PfAddress ? (t._problem?.value ?? t.toString()) : String(t), TARGET_ALLOWED[kind]);
    } else if (t._prefix && kind !== 'binat' && t._prefix.prefixLength !== FULL(t._prefix.family)) {
      err(`${kind} target must be one address`, t._prefix.toString(), 'a single address (a /32 or /128)');
    }
    this.checkPorts();
    return this.family(targetOk ? t : undefined);
  }

  private checkPorts(): void {
    const n = this.n;
    const kind = this.kind;
    const err = (m: string, value: string, allowed: string) => Diagnostics.error(this, m, { value, allowed });
    const withPorts = n.fromPorts.length > 0 || n.toPorts.length > 0 || n.targetPort !== undefined;
    if (kind === 'binat' && withPorts) err('binat translates addresses, not ports', 'ports', 'no ports on binat');
    if (withPorts && (n.protocols.length === 0 || n.protocols.some((x) => x !== PfProtocol.TCP && x !== PfProtocol.UDP))) {
      err(`${kind} ports need a TCP or UDP rule`, n.protocols.join(', ') || 'any protocol', 'protocols: [PfProtocol.TCP] and/or [PfProtocol.UDP]');
    }
    for (const port of [...n.fromPorts, ...n.toPorts]) {
      if (!(port instanceof PfPort)) { err(`${kind} port is not a PfPort`, String(port), 'PfPort.number(), service(), range()'); continue; }
      if (port._problem) err(`${kind} port: ${port._problem.message}`, port._problem.value ?? '', port._problem.allowed ?? '');
      if (port._service !== undefined && lookupService(port._service)) {
        for (const proto of n.protocols) {
          const e = lookupService(port._service)!;
          if ((proto === PfProtocol.TCP && !e.tcp) || (proto === PfProtocol.UDP && !e.udp)) err(`${kind} port: service ${port._service} is not defined for ${proto} in /etc/services`, port._service, `a ${proto} service name, or the port number`);
        }
      }
    }
    if (n.targetPort !== undefined) {
      const p = n.targetPort;
      if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > 65535) {
        err('rdr redirectPort must be an integer from 1 to 65535', String(p), 'a port number 1–65535');
        return;
      }
      const ranges = n.toPorts.filter((x) => x instanceof PfPort && !x._problem && x._from !== x._to);
      if (ranges.length > 0 && n.toPorts.length > 1) {
        err('rdr maps a range onto redirectPort only when toPorts is that one range', n.toPorts.map(String).join(', '), 'toPorts: [PfPort.range(a, b)] with redirectPort, or single ports');
      } else if (ranges.length === 1 && p + (ranges[0]._to - ranges[0]._from) > 65535) {
        err('rdr target range ends after port 65535', `${p}:* for ${ranges[0]}`, `a redirectPort ≤ ${65535 - (ranges[0]._to - ranges[0]._from)}`);
      }
    }
  }

  /** The rule's family: given, or the one family of its addresses. Reported when none or two. */
  private family(target: PfAddress | undefined): AddressFamily | undefined {
    const n = this.n;
    const kind = this.kind;
    const fams = new Set<AddressFamily>();
    for (const a of [...n.from, ...n.to]) if (a instanceof PfAddress && a._prefix) fams.add(a._prefix.family);
    if (target?._prefix) fams.add(target._prefix.family);
    if (n.protocols.includes(PfProtocol.ICMP)) fams.add(AddressFamily.IPV4);
    if (n.protocols.includes(PfProtocol.ICMP6)) fams.add(AddressFamily.IPV6);
    const given = n.family !== undefined && Object.values(AddressFamily).includes(n.family) ? n.family : undefined;
    let fam = given;
    if (given !== undefined) {
      for (const f of fams) if (f !== given) Diagnostics.error(this, `${kind} mixes address families: an address is ${f} but the rule is ${given}`, { value: [...fams].join(', '), allowed: `${given} addresses only` });
    } else if (fams.size > 1) {
      Diagnostics.error(this, `${kind} mixes address families`, { value: [...fams].join(', '), allowed: 'addresses of one family (one rule per family)' });
      return undefined;
    } else if (fams.size === 1) {
      fam = [...fams][0];
    } else if (target?._vip && target._vip.addresses.length > 0 && new Set(target._vip.addresses.map((a) => a.family)).size === 1) {
      fam = target._vip.addresses[0].family;
    } else if (target && target._kind !== AddressKind.INTERFACE) {
      Diagnostics.error(this, `${kind} has no address family: neither family nor an address says which`, { value: 'no family', allowed: 'family: AddressFamily.IPV4 or IPV6, or prefixes of one family' });
    }
    if (fam !== undefined && target?._vip && !target._vip.addresses.some((a) => a.family === fam)) {
      Diagnostics.error(this, `${kind} target VIP ${target._vip.node.path} has no ${fam} address`, { value: target._vip.addresses.map((a) => a.text).join(', ') || '(none)', allowed: `a VIP with an ${fam} address, or a rule of its family` });
    }
    for (const a of [...n.from, ...n.to]) {
      if (fam !== undefined && a instanceof PfAddress && a._table && a._table.families.length > 0 && !a._table.families.includes(fam)) {
        Diagnostics.error(this, `${kind} table <${a._table.tableName}> holds no ${fam} address: the rule matches nothing`, { value: a._table.addresses.join(', '), allowed: `a table with ${fam} addresses` });
      }
    }
    if (this.kind === 'binat' && fam !== undefined && target) {
      const from = n.from[0]?._prefix;
      const toLen = target._prefix ? target._prefix.prefixLength : FULL(fam);
      if (from && from.prefixLength !== toLen) {
        Diagnostics.error(this, 'binat from and translateTo must have the same prefix length', { value: `/${from.prefixLength} -> /${toLen}`, allowed: 'prefixes of one length (a VIP is a single address)' });
      }
    }
    return fam;
  }
}
