import { Construct } from 'constructs';
import { Diagnostics } from '../core/diagnostics';
import { AddressFamily } from '../net/address';
import { INTERFACE_NAME, INTERFACE_NAME_ALLOWED } from '../net/names';
import { PfPortModel, PfRuleModel } from './model';
import { ICMP6_TYPE_NAMES, ICMP_TYPE_NAMES } from './private/icmp';
import { lookupService } from './services';
import { Icmp6Type, IcmpType, PfAction, PfDirection, PfProtocol } from './types';
import type { PfTable } from './pf-table';
import { AddressKind, PfAddress, PfPort, PfState, StateKind } from './values';
import { checkInit, constructId } from '../core/private/check-props';

/**
 * A PF filter rule, as a typed struct.
 */
export interface PfRuleProps {
  /** What the rule does. */
  readonly action: PfAction;
  /**
   * The direction it matches.
   * @default - both directions
   */
  readonly direction?: PfDirection;
  /**
   * Whether a match ends evaluation (`quick`): otherwise the last matching rule wins.
   * @default false
   */
  readonly quick?: boolean;
  /**
   * Whether matching packets are logged to pflog0 (`log`), which turns on `pflog_enable`.
   * @default false
   */
  readonly log?: boolean;
  /**
   * The interface the rule applies to (`on <if>`). It must exist on every target host. The
   * ruleset's external interface is written as its macro (`$ext_if`).
   * @default - any interface
   */
  readonly interfaceName?: string;
  /**
   * The address family (`inet` / `inet6`).
   * @default - both families (ICMP rules: the family of their protocol)
   */
  readonly family?: AddressFamily;
  /**
   * IP protocols (`proto`).
   * @default - any protocol
   */
  readonly protocols?: PfProtocol[];
  /**
   * Source addresses.
   * @default - any source
   */
  readonly from?: PfAddress[];
  /**
   * Source ports (TCP/UDP rules only).
   * @default - any source port
   */
  readonly fromPorts?: PfPort[];
  /**
   * Destination addresses.
   * @default - any destination
   */
  readonly to?: PfAddress[];
  /**
   * Destination ports (TCP/UDP rules only).
   * @default - any destination port
   */
  readonly toPorts?: PfPort[];
  /**
   * ICMP types (`icmp-type`). The rule's protocol must be ICMP and its family not IPv6.
   * @default - every ICMP type
   */
  readonly icmpTypes?: IcmpType[];
  /**
   * ICMPv6 types (`icmp6-type`). The rule's protocol must be ICMP6 and its family not IPv4.
   * @default - every ICMPv6 type
   */
  readonly icmp6Types?: Icmp6Type[];
  /**
   * State tracking (pass rules only).
   * @default - pf's default: `keep state` for pass rules
   */
  readonly state?: PfState;
  /**
   * A label for statistics (`label "…"`).
   * @default - no label
   */
  readonly label?: string;
  /**
   * A note written in the rule's trailing comment, after its construct path.
   * @default - the construct path only
   */
  readonly comment?: string;
}

/** @internal How a rule spells interfaces (macros) when it renders. */
export interface RuleRenderContext {
  /** `vnet0` → `$ext_if`, or the name itself. */
  spellInterface(name: string): string;
}

const PORT_PROTOCOLS: readonly string[] = [PfProtocol.TCP, PfProtocol.UDP];

/**
 * A user rule of a `PfRuleset`. Create it with `ruleset.addRule(id, props)`. Rules render in the
 * order they were added, after the default policy and the derived rules.
 *
 * @example
 * fw.addRule('Dns', {
 *   action: PfAction.PASS, direction: PfDirection.IN, protocols: [PfProtocol.UDP, PfProtocol.TCP],
 *   to: [PfAddress.vip(vip)], toPorts: [PfPort.service('domain')], state: PfState.keep({ maxStates: 5000 }),
 * });
 */
export class PfRule extends Construct {
  /** The rule's properties, as given. */
  public readonly props: PfRuleProps;

  /** @internal Use `PfRuleset.addRule`. */
  constructor(scope: Construct, id: string, props: PfRuleProps) {
    super(scope, constructId(scope, id));
    checkInit(this, 'cdkbsd.PfRule', props);
    this.props = props;
    this.check();
  }

  /** The action. */
  public get action(): PfAction {
    return this.props.action;
  }

  /** Whether the rule logs. */
  public get logs(): boolean {
    return this.props.log ?? false;
  }

  /** @internal The effective family: given, or implied by an ICMP protocol. */
  public get _family(): AddressFamily | undefined {
    if (this.props.family) return this.props.family;
    const p = this.props.protocols ?? [];
    if (p.length === 1 && p[0] === PfProtocol.ICMP) return AddressFamily.IPV4;
    if (p.length === 1 && p[0] === PfProtocol.ICMP6) return AddressFamily.IPV6;
    return undefined;
  }

  /**
   * @internal Whether the rule passes inbound TCP to `port` (for the lockout check); with
   * `interfaceName` / `family`, only if it applies there (no interface or that one; no family or
   * that one).
   */
  public _passesInTcpPort(port: number, interfaceName?: string, family?: AddressFamily): boolean {
    const p = this.props;
    if (p.action !== PfAction.PASS || p.direction === PfDirection.OUT) return false;
    if (interfaceName !== undefined && p.interfaceName !== undefined && p.interfaceName !== interfaceName) return false;
    if (family !== undefined && this._family !== undefined && this._family !== family) return false;
    const protos = p.protocols ?? [];
    if (protos.length > 0 && !protos.includes(PfProtocol.TCP)) return false;
    const ports = p.toPorts ?? [];
    return ports.length === 0 || ports.some((x) => !x._problem && x._from <= port && port <= x._to);
  }

  /** @internal The ICMPv6 types this rule passes in (every type when it names none). */
  public _passesInIcmp6(): string[] | undefined {
    const p = this.props;
    if (p.action !== PfAction.PASS || p.direction === PfDirection.OUT) return undefined;
    if (p.family === AddressFamily.IPV4) return undefined;
    const protos = p.protocols ?? [];
    if (protos.length > 0 && !protos.includes(PfProtocol.ICMP6)) return undefined;
    if ((p.from ?? []).some((a) => a._kind !== AddressKind.ANY)) return undefined; // ND comes from anywhere on-link
    const types = p.icmp6Types ?? [];
    return types.length === 0 ? ['*'] : [...types];
  }

  /** @internal Every interface the rule names (`on`, and `interfaceAddress` operands). */
  public get _interfaces(): string[] {
    const p = this.props;
    const named = [...(p.from ?? []), ...(p.to ?? [])].filter((a) => a instanceof PfAddress && a._interface !== undefined).map((a) => a._interface!);
    return [...new Set([...(p.interfaceName !== undefined ? [p.interfaceName] : []), ...named])];
  }

  /** @internal The tables the rule uses (as addresses and as overload table). */
  public get _tables(): PfTable[] {
    const p = this.props;
    const used = [...(p.from ?? []), ...(p.to ?? [])].filter((a) => a instanceof PfAddress && a._table !== undefined).map((a) => a._table!);
    const ov = p.state instanceof PfState ? p.state._overloadTable : undefined;
    return [...new Set([...used, ...(ov ? [ov] : [])])];
  }

  /** @internal The rule as the renderer's model. */
  public _toModel(ctx: RuleRenderContext): PfRuleModel {
    const p = this.props;
    const fam = this._family;
    const hosts = (list: PfAddress[] | undefined) => {
      const out: string[] = [];
      for (const a of list ?? []) {
        if (a._kind === AddressKind.VIP && a._vip && fam) {
          out.push(...a._vip.addresses.filter((x) => x.family === fam).map((x) => x.text));
        } else if (a._kind === AddressKind.INTERFACE && a._interface) {
          out.push(`(${ctx.spellInterface(a._interface)})`);
        } else {
          out.push(...a._render());
        }
      }
      return [...new Set(out)];
    };
    const ports = (list: PfPort[] | undefined): PfPortModel[] =>
      (list ?? []).filter((x) => !x._problem).map((x) => (x._from === x._to ? { from: x._from } : { from: x._from, to: x._to }));
    const note = p.comment !== undefined && p.comment !== '' ? `${this.node.path}: ${p.comment}` : this.node.path;
    return {
      action: p.action === PfAction.BLOCK ? 'block' : 'pass',
      direction: p.direction === PfDirection.IN ? 'in' : p.direction === PfDirection.OUT ? 'out' : undefined,
      log: p.log ?? false,
      quick: p.quick ?? false,
      interfaces: p.interfaceName !== undefined ? [ctx.spellInterface(p.interfaceName)] : [],
      af: fam,
      protocols: [...new Set(p.protocols ?? [])],
      from: hosts(p.from),
      fromPorts: ports(p.fromPorts),
      to: hosts(p.to),
      toPorts: ports(p.toPorts),
      icmpTypes: [...new Set(p.icmpTypes ?? [])],
      icmp6Types: [...new Set(p.icmp6Types ?? [])],
      state: p.state ? { kind: p.state._kind, options: p.state._optionWords() } : undefined,
      label: p.label,
      comment: note,
    };
  }

  private check(): void {
    const p = this.props;
    const err = (m: string, value: string, allowed: string) => Diagnostics.error(this, m, { value, allowed });
    if (!Object.values(PfAction).includes(p.action)) err('Rule action is not valid', String(p.action), 'PfAction.PASS or PfAction.BLOCK');
    if (p.direction !== undefined && !Object.values(PfDirection).includes(p.direction)) err('Rule direction is not valid', String(p.direction), 'PfDirection.IN or PfDirection.OUT, or none for both');
    if (p.family !== undefined && !Object.values(AddressFamily).includes(p.family)) err('Rule address family is not valid', String(p.family), 'AddressFamily.IPV4 or AddressFamily.IPV6');
    if (p.interfaceName !== undefined && (typeof p.interfaceName !== 'string' || !INTERFACE_NAME.test(p.interfaceName))) err('Rule interfaceName is not valid', String(p.interfaceName), INTERFACE_NAME_ALLOWED);
    const protos = p.protocols ?? [];
    for (const x of protos) {
      if (!Object.values(PfProtocol).includes(x)) err('Rule protocol is not valid', String(x), Object.values(PfProtocol).join(', '));
    }
    this.checkAddresses('from', p.from ?? []);
    this.checkAddresses('to', p.to ?? []);
    this.checkPorts('fromPorts', p.fromPorts ?? [], protos);
    this.checkPorts('toPorts', p.toPorts ?? [], protos);
    this.checkIcmp();
    if (p.state !== undefined && !(p.state instanceof PfState)) {
      err('Rule state is not a PfState', String(p.state), 'PfState.keep(), modulate(), synproxy(), none()');
    } else if (p.state) {
      for (const x of p.state._problems) err(`State: ${x.message}`, x.value ?? '', x.allowed ?? '');
      if (p.action === PfAction.BLOCK) err('A block rule cannot keep state', String(p.state._kind), 'no state option on block rules');
      if (p.state._kind === StateKind.SYNPROXY && !(protos.length === 1 && protos[0] === PfProtocol.TCP)) {
        err('synproxy state needs a TCP-only rule', protos.join(', ') || 'any protocol', 'protocols: [PfProtocol.TCP]');
      }
    }
    if (typeof p.label === 'string' && Buffer.byteLength(p.label, 'utf8') > 63) {
      err('Rule label is longer than pfctl allows (63 bytes)', p.label, 'at most 63 bytes');
    }
    for (const [what, text] of [['label', p.label], ['comment', p.comment]] as const) {
      // eslint-disable-next-line no-control-regex
      if (text !== undefined && (typeof text !== 'string' || /["\\\x00-\x1f\x7f]/.test(text))) {
        err(`Rule ${what} cannot contain quotes, backslashes or control characters`, String(text), 'printable text without " and \\');
      }
    }
  }

  private checkAddresses(what: string, list: PfAddress[]): void {
    const fam = this._family;
    for (const a of list) {
      if (!(a instanceof PfAddress)) {
        Diagnostics.error(this, `Rule ${what} holds something that is not a PfAddress`, { value: String(a), allowed: 'PfAddress.any(), prefix(), table(), self(), vip(), interfaceAddress()' });
        continue;
      }
      if (a._problem) {
        Diagnostics.error(this, `Rule ${what}: ${a._problem.message}`, { value: a._problem.value, allowed: a._problem.allowed });
        continue;
      }
      if (fam && a._prefix && a._prefix.family !== fam) {
        Diagnostics.error(this, `Rule ${what} address is ${a._prefix.family === AddressFamily.IPV4 ? 'IPv4' : 'IPv6'} but the rule is ${fam}`, {
          value: a._prefix.toString(), allowed: `${fam === AddressFamily.IPV4 ? 'IPv4' : 'IPv6'} prefixes, or no family on the rule`,
        });
      }
      if (fam && a._table && a._table.families.length > 0 && !a._table.families.includes(fam)) {
        Diagnostics.error(this, `Rule ${what} table <${a._table.tableName}> holds no ${fam} address: the rule matches nothing`, {
          value: a._table.addresses.join(', '), allowed: `a table with ${fam} addresses, or no family on the rule`,
        });
      }
    }
    if (list.length > 1 && list.some((a) => a instanceof PfAddress && a._kind === AddressKind.ANY)) {
      Diagnostics.error(this, `Rule ${what} mixes any with other addresses`, { value: list.map(String).join(', '), allowed: 'PfAddress.any() alone, or specific addresses' });
    }
  }

  private checkPorts(what: string, list: PfPort[], protos: PfProtocol[]): void {
    if (list.length === 0) return;
    if (protos.length === 0 || protos.some((x) => !PORT_PROTOCOLS.includes(x))) {
      Diagnostics.error(this, `Rule ${what} need a TCP or UDP rule: pf matches ports only for tcp and udp`, {
        value: protos.join(', ') || 'any protocol', allowed: 'protocols: [PfProtocol.TCP] and/or [PfProtocol.UDP]',
      });
    }
    for (const port of list) {
      if (!(port instanceof PfPort)) {
        Diagnostics.error(this, `Rule ${what} holds something that is not a PfPort`, { value: String(port), allowed: 'PfPort.number(), service(), range()' });
        continue;
      }
      if (port._problem) {
        Diagnostics.error(this, `Rule ${what}: ${port._problem.message}`, { value: port._problem.value, allowed: port._problem.allowed });
        continue;
      }
      if (port._service !== undefined) {
        const e = lookupService(port._service)!;
        for (const proto of protos) {
          if ((proto === PfProtocol.TCP && !e.tcp) || (proto === PfProtocol.UDP && !e.udp)) {
            Diagnostics.error(this, `Rule ${what}: service ${port._service} is not defined for ${proto} in /etc/services`, {
              value: port._service, allowed: `a ${proto} service name, or the port number`,
            });
          }
        }
      }
    }
  }

  private checkIcmp(): void {
    const p = this.props;
    const protos = p.protocols ?? [];
    const icmp = p.icmpTypes ?? [];
    const icmp6 = p.icmp6Types ?? [];
    for (const t of icmp) {
      if (!ICMP_TYPE_NAMES.includes(t)) {
        Diagnostics.error(this, 'ICMP type name is not one pfctl knows for IPv4', { value: String(t), allowed: ICMP_TYPE_NAMES.join(', ') });
      }
    }
    for (const t of icmp6) {
      if (!ICMP6_TYPE_NAMES.includes(t)) {
        Diagnostics.error(this, 'ICMPv6 type name is not one pfctl knows for IPv6', { value: String(t), allowed: ICMP6_TYPE_NAMES.join(', ') });
      }
    }
    if (icmp.length > 0 && icmp6.length > 0) {
      Diagnostics.error(this, 'A rule cannot have both icmpTypes and icmp6Types', { value: 'icmpTypes and icmp6Types', allowed: 'one rule per family' });
    }
    if (icmp.length > 0 && !(protos.length === 1 && protos[0] === PfProtocol.ICMP && p.family !== AddressFamily.IPV6)) {
      Diagnostics.error(this, 'icmpTypes need an IPv4 ICMP rule (protocols: [PfProtocol.ICMP], family not inet6)', {
        value: `protocols ${protos.join(', ') || 'any'}, family ${p.family ?? 'any'}`, allowed: 'protocols: [PfProtocol.ICMP]',
      });
    }
    if (icmp6.length > 0 && !(protos.length === 1 && protos[0] === PfProtocol.ICMP6 && p.family !== AddressFamily.IPV4)) {
      Diagnostics.error(this, 'icmp6Types need an ICMPv6 rule (protocols: [PfProtocol.ICMP6], family not inet)', {
        value: `protocols ${protos.join(', ') || 'any'}, family ${p.family ?? 'any'}`, allowed: 'protocols: [PfProtocol.ICMP6]',
      });
    }
    if (protos.includes(PfProtocol.ICMP) && p.family === AddressFamily.IPV6) {
      Diagnostics.error(this, 'Protocol icmp is IPv4 only; IPv6 uses icmp6', { value: 'icmp with inet6', allowed: 'PfProtocol.ICMP6 for IPv6' });
    }
    if (protos.includes(PfProtocol.ICMP6) && p.family === AddressFamily.IPV4) {
      Diagnostics.error(this, 'Protocol icmp6 is IPv6 only; IPv4 uses icmp', { value: 'icmp6 with inet', allowed: 'PfProtocol.ICMP for IPv4' });
    }
  }
}
