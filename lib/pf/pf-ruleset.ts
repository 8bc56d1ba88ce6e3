import { Construct } from 'constructs';
import { HostContribution, KeySetting, PlanSet } from '../core/contribution';
import { Diagnostics, IReporter } from '../core/diagnostics';
import { FileTarget, FreeBsdHost, ITargetHosts } from '../core/host';
import type { HostPlan } from '../core/plan';
import { generatedHeader } from '../core/private/header';
import { AddressFamily, IpAddress, IpPrefix } from '../net/address';
import { INTERFACE_NAME, INTERFACE_NAME_ALLOWED } from '../net/names';
import { PfConfModel, PfMacroModel, PfRuleModel } from './model';
import { PfRule, PfRuleProps } from './pf-rule';
import { PfTable, PfTableProps } from './pf-table';
import { DEFAULT_ICMP6_TYPES, DEFAULT_ICMP_TYPES, ICMP6_ND_TYPES, ICMP6_TYPE_NAMES, ICMP_TYPE_NAMES } from './private/icmp';
import { renderPfConf } from './render';
import { Icmp6Type, IcmpType, PfBlockPolicy } from './types';

/**
 * Properties of a PF ruleset.
 */
export interface PfRulesetProps {
  /** The hosts that get this /etc/pf.conf: one host, or every member of a cluster. */
  readonly target: ITargetHosts;
  /** The external interface (`vnet0`, `vtnet0` …), written as a macro; it must exist on every target host. */
  readonly externalInterface: string;
  /**
   * The name of the external interface's macro.
   * @default 'ext_if'
   */
  readonly externalInterfaceMacro?: string;
  /**
   * What block rules do (`set block-policy`).
   * @default PfBlockPolicy.DROP
   */
  readonly blockPolicy?: PfBlockPolicy;
  /**
   * Interfaces (or interface groups) pf does not filter (`set skip on …`).
   * @default ['lo'] - the loopback group
   */
  readonly skipInterfaces?: string[];
  /**
   * Whether to normalise incoming packets (`scrub in all`, which reassembles fragments).
   * @default true
   */
  readonly scrub?: boolean;
  /**
   * Whether the default policy blocks everything inbound (`block in all`) before the pass rules.
   * @default true
   */
  readonly defaultBlockIn?: boolean;
  /**
   * Whether the default block rule logs (`block in log all`); turns on `pflog_enable`.
   * @default true
   */
  readonly logBlocked?: boolean;
  /**
   * Whether everything outbound passes (`pass out all`, keeping state for the replies).
   * @default true
   */
  readonly passOut?: boolean;
  /**
   * Prefixes (or single addresses) allowed to reach SSH on the external interface; both
   * families may be mixed. Rendered as one pass rule.
   * @default - no SSH rule (a warning says the default block locks you out, unless a rule of
   *   your own passes the SSH port)
   */
  readonly sshFrom?: string[];
  /**
   * The SSH port.
   * @default 22
   */
  readonly sshPort?: number;
  /**
   * Whether to pass the ICMP (IPv4) types of `icmpTypes` in, on hosts with an IPv4 address.
   * @default true
   */
  readonly allowIcmp?: boolean;
  /**
   * The ICMP types passed in, as the `icmp_types` macro.
   * @default [ECHOREQ, UNREACH, TIMEX, PARAMPROB]
   */
  readonly icmpTypes?: IcmpType[];
  /**
   * Whether to pass the ICMPv6 types of `icmp6Types` in, on hosts with IPv6. IPv6 does not work
   * without neighbour discovery: turning this off without a rule of your own that passes it is
   * an error.
   * @default true
   */
  readonly allowIcmp6?: boolean;
  /**
   * The ICMPv6 types passed in, as the `icmp6_types` macro.
   * @default [UNREACH, TOOBIG, TIMEX, PARAMPROB, ECHOREQ, NEIGHBRSOL, NEIGHBRADV, ROUTERSOL, ROUTERADV]
   */
  readonly icmp6Types?: Icmp6Type[];
  /**
   * Whether to pass CARP (`proto carp`, in and out, quick, no-sync) for every CARP cluster the
   * host is a member of, and pfsync on the interface a cluster syncs on (`CarpCluster` `pfsync`).
   * @default true
   */
  readonly allowCarp?: boolean;
  /**
   * Whether to pass what services on the hosts need: every opening other constructs contribute
   * (HAProxy frontends' bind addresses and ports, the stats page, HAProxy peers …).
   * @default true
   */
  readonly allowServices?: boolean;
  /**
   * The name of the macro for the interface pfsync runs on (when a cluster of the host syncs).
   * @default 'sync_if'
   */
  readonly pfsyncInterfaceMacro?: string;
}

const MACRO_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const PF_RESERVED = new Set(['all', 'any', 'in', 'out', 'on', 'from', 'to', 'port', 'proto', 'pass', 'block', 'quick', 'log', 'set', 'table', 'scrub', 'nat', 'rdr', 'binat', 'inet', 'inet6', 'self', 'keep', 'state', 'label', 'tag', 'flags', 'user', 'group']);

/**
 * A PF firewall: renders `/etc/pf.conf` on every target host and turns pf (and pflog, when a
 * rule logs) on in rc.conf. The file holds, in pfctl's order: the macros (external interface,
 * ICMP types), the tables, the options, normalization, then the filter rules — the default policy,
 * the rules other constructs imply (CARP, HAProxy frontends, ICMP/ICMPv6, SSH allow-list,
 * pfsync), each with a comment naming the construct that implied it, and the user's rules in the
 * order they were added.
 */
export class PfRuleset extends Construct {
  /** The hosts that get this ruleset. */
  public readonly target: ITargetHosts;
  /** The external interface. */
  public readonly externalInterface: string;
  private readonly props: PfRulesetProps;
  private readonly extMacro: string;
  private readonly syncMacro: string;
  private readonly tableList: PfTable[] = [];
  private readonly ruleList: PfRule[] = [];
  private readonly sshPrefixes: IpPrefix[] = [];

  constructor(scope: Construct, id: string, props: PfRulesetProps) {
    super(scope, id);
    this.props = props;
    this.target = props.target;
    this.externalInterface = props.externalInterface;
    this.extMacro = props.externalInterfaceMacro ?? 'ext_if';
    this.syncMacro = props.pfsyncInterfaceMacro ?? 'sync_if';
    this.checkProps();
    Diagnostics.addValidation(this, (r) => this.validateTree(r));
  }

  /** The hosts that get this ruleset (the target's hosts). */
  public get hosts(): FreeBsdHost[] {
    return this.target && typeof this.target === 'object' ? this.target.targetHosts : [];
  }

  /** The tables, in the order added. */
  public get tables(): PfTable[] {
    return [...this.tableList];
  }

  /** The user rules, in the order added. */
  public get rules(): PfRule[] {
    return [...this.ruleList];
  }

  /**
   * Adds a table (`table <id> { … }`); refer to it in rules with `PfAddress.table(table)`.
   * @param id the table name in pf.conf
   */
  public addTable(id: string, props: PfTableProps): PfTable {
    const t = new PfTable(this, id, props);
    this.tableList.push(t);
    return t;
  }

  /**
   * Adds a rule after every rule added before (in PF the order is meaning: the last matching
   * rule wins, unless one is quick).
   * @param id the rule's construct id (its path is the rule's comment and names it in errors)
   */
  public addRule(id: string, props: PfRuleProps): PfRule {
    const r = new PfRule(this, id, props);
    this.ruleList.push(r);
    Diagnostics.addValidation(r, (report) => this.validateRule(r, report));
    return r;
  }

  /** Whether any rule of this ruleset logs (then pflog is enabled). */
  public get logs(): boolean {
    const defaultLogs = (this.props.defaultBlockIn ?? true) && (this.props.logBlocked ?? true);
    return defaultLogs || this.ruleList.some((r) => r.logs);
  }

  /**
   * @internal What every target host receives: /etc/pf.conf (rendered from the host's plan,
   * openings included), `pf_enable`, and pflog when a rule logs.
   */
  public _contribute(): HostContribution[] {
    const header = generatedHeader(this.node.path);
    // The user's rules are the same on every host that spells interfaces alike: modelled once each.
    const userRules = new Map<string, PfRuleModel[]>();
    return this.hosts.map((host) => {
      const rcConf: KeySetting[] = [{ key: 'pf_enable', value: 'YES' }];
      const loaderConf: KeySetting[] = [];
      if (this.logs) rcConf.push({ key: 'pflog_enable', value: 'YES' });
      if (host.vnetJail) {
        // A VNET jail cannot load modules: rc.d/pf and rc.d/pflog would fail and leave PF off.
        loaderConf.push({ key: 'pf_load', value: 'YES' });
        if (this.logs) loaderConf.push({ key: 'pflog_load', value: 'YES' });
      }
      return {
        host, owner: this, rcConf, loaderConf,
        services: this.logs ? ['pf', 'pflog'] : ['pf'],
        files: [{
          path: '/etc/pf.conf', owner: this, mode: 0o644, secret: false, target: FileTarget.HOST,
          render: (plan: HostPlan) => renderPfConf(this._modelFor(plan, userRules), header),
        }],
      };
    });
  }

  /** @internal The model of one host's pf.conf, from its plan. */
  public _modelFor(plan: HostPlan, userRules = new Map<string, PfRuleModel[]>()): PfConfModel {
    const p = this.props;
    const path = this.node.path;
    const macros: PfMacroModel[] = [{ name: this.extMacro, value: this.externalInterface }];
    const carp = (p.allowCarp ?? true) ? plan.openings.filter((o) => o.protocol === 'carp') : [];
    const pfsync = (p.allowCarp ?? true) ? plan.openings.filter((o) => o.protocol === 'pfsync') : [];
    const syncIf = pfsync.find((o) => o.interfaceName !== undefined)?.interfaceName;
    if (syncIf) macros.push({ name: this.syncMacro, value: syncIf });
    const spell = (name: string) => (name === this.externalInterface ? `$${this.extMacro}` : syncIf && name === syncIf ? `$${this.syncMacro}` : name);
    const rule = (r: Partial<PfRuleModel> & Pick<PfRuleModel, 'action' | 'comment'>): PfRuleModel => ({
      log: false, quick: false, interfaces: [], protocols: [], from: [], fromPorts: [], to: [], toPorts: [], icmpTypes: [], icmp6Types: [], ...r,
    });
    const filter: PfRuleModel[] = [];

    // Default policy.
    if (p.defaultBlockIn ?? true) filter.push(rule({ action: 'block', direction: 'in', log: p.logBlocked ?? true, comment: `${path}: default policy` }));
    if (p.passOut ?? true) filter.push(rule({ action: 'pass', direction: 'out', comment: `${path}: default policy` }));

    // CARP and pfsync: in and out, quick, before anything else can block them.
    for (const o of [...carp, ...pfsync]) {
      filter.push(rule({
        action: 'pass', quick: true, interfaces: o.interfaceName ? [spell(o.interfaceName)] : [], protocols: [o.protocol],
        state: { kind: 'keep', options: ['no-sync'] }, comment: `${o.owner.node.path}: ${o.purpose}`,
      }));
    }

    // ICMP and ICMPv6.
    if ((p.allowIcmp ?? true) && plan.interfaces.some((i) => i.ipv4)) {
      macros.push({ name: 'icmp_types', value: typeList(p.icmpTypes ?? DEFAULT_ICMP_TYPES) });
      filter.push(rule({ action: 'pass', direction: 'in', af: 'inet', protocols: ['icmp'], icmpTypes: ['$icmp_types'], comment: `${path}: ping and ICMP errors` }));
    }
    if ((p.allowIcmp6 ?? true) && plan.hasIpv6) {
      macros.push({ name: 'icmp6_types', value: typeList(p.icmp6Types ?? DEFAULT_ICMP6_TYPES) });
      filter.push(rule({
        action: 'pass', direction: 'in', af: 'inet6', protocols: ['icmp6'], icmp6Types: ['$icmp6_types'],
        comment: `${plan.constructPath}: has IPv6, which needs neighbour and router discovery and toobig`,
      }));
      if (!(p.icmp6Types ?? DEFAULT_ICMP6_TYPES).some((t) => String(t) === 'listqry')) {
        // Behind MLD-snooping switches a host that never answers MLD queries stops receiving
        // multicast: CARP advertisements (ff02::12) and solicited-node neighbour discovery.
        filter.push(rule({
          action: 'pass', direction: 'in', af: 'inet6', protocols: ['icmp6'], icmp6Types: ['listqry'],
          comment: `${plan.constructPath}: MLD queries, so IPv6 multicast (CARP, neighbour discovery) keeps flowing behind MLD-snooping switches`,
        }));
      }
    }

    // SSH allow-list.
    if (this.sshPrefixes.length > 0) {
      const fams = new Set(this.sshPrefixes.map((x) => x.family));
      filter.push(rule({
        action: 'pass', direction: 'in', interfaces: [`$${this.extMacro}`], af: fams.size === 1 ? [...fams][0] : undefined,
        protocols: ['tcp'], from: this.sshPrefixes.map(prefixText), toPorts: [{ from: p.sshPort ?? 22 }],
        comment: `${path}: SSH allow-list`,
      }));
    }

    // What services on this host need.
    if (p.allowServices ?? true) {
      for (const o of plan.openings) {
        if (o.protocol !== 'tcp' && o.protocol !== 'udp') continue;
        // Management services (the stats page) only from the SSH allow-list prefixes of the
        // destination's family (pfctl rejects a rule that expands to no valid pair); none: closed.
        const mgmtFrom = o.fromManagement ? this.managementSourcesFor(o.to) : [];
        if (o.fromManagement && mgmtFrom.length === 0) continue;
        filter.push(rule({
          action: 'pass', direction: 'in', protocols: [o.protocol], from: o.fromManagement ? mgmtFrom : o.from, to: o.to,
          toPorts: o.ports.map((x) => ({ from: x })), comment: `${o.owner.node.path}: ${o.purpose}`,
        }));
      }
    }

    // The user's rules, in their order.
    const spelling = syncIf ?? '';
    let users = userRules.get(spelling);
    if (!users) userRules.set(spelling, (users = this.ruleList.map((r) => r._toModel({ spellInterface: spell }))));
    filter.push(...users);

    const options = [{ text: `block-policy ${p.blockPolicy ?? PfBlockPolicy.DROP}` }];
    const skip = p.skipInterfaces ?? ['lo'];
    if (skip.length > 0) options.push({ text: `skip on ${skip.length === 1 ? skip[0] : `{ ${skip.join(', ')} }`}` });
    return {
      macros,
      tables: this.tableList.map((t) => ({ name: t.tableName, persist: t.persist, const: t.isConst, addresses: t.addresses, comment: t.node.path })),
      options,
      normalization: (p.scrub ?? true) ? [{ text: 'scrub in all' }] : [],
      queueing: [],
      translation: [],
      filter,
    };
  }

  /** The SSH allow-list prefixes of the families of `to` (canonical text). */
  private managementSourcesFor(to: string[]): string[] {
    const fams = new Set(to.map((a) => IpAddress._tryParse(a)?.family));
    return this.sshPrefixes.filter((x) => fams.has(x.family)).map(prefixText);
  }

  private checkProps(): void {
    const p = this.props;
    const err = (m: string, value: string, allowed: string) => Diagnostics.error(this, m, { value, allowed });
    if (!p.target || typeof p.target !== 'object' || !Array.isArray(p.target.targetHosts)) {
      err('target must be a host or a cluster', String(p.target), 'a FreeBsdHost or a CarpCluster');
    }
    if (typeof p.externalInterface !== 'string' || !INTERFACE_NAME.test(p.externalInterface)) {
      err('externalInterface is not a valid interface name', String(p.externalInterface), INTERFACE_NAME_ALLOWED);
    }
    for (const [what, m] of [['externalInterfaceMacro', this.extMacro], ['pfsyncInterfaceMacro', this.syncMacro]] as const) {
      if (!MACRO_NAME.test(m) || PF_RESERVED.has(m) || m === 'icmp_types' || m === 'icmp6_types') {
        err(`${what} is not a valid macro name`, m, 'a letter, then letters, digits or _, not a pf keyword nor icmp_types/icmp6_types');
      }
    }
    if (this.syncMacro === this.extMacro) err('pfsyncInterfaceMacro is the same as externalInterfaceMacro', this.syncMacro, 'two different macro names');
    if (p.blockPolicy !== undefined && !Object.values(PfBlockPolicy).includes(p.blockPolicy)) {
      err('blockPolicy is not valid', String(p.blockPolicy), 'PfBlockPolicy.DROP or PfBlockPolicy.RETURN');
    }
    for (const s of p.skipInterfaces ?? []) {
      if (typeof s !== 'string' || !INTERFACE_NAME.test(s)) err('skipInterfaces holds an invalid interface name', String(s), INTERFACE_NAME_ALLOWED);
    }
    for (const text of p.sshFrom ?? []) {
      const r = Diagnostics.tryParse(this, 'sshFrom', () => IpPrefix.parse(text));
      if (r) this.sshPrefixes.push(r);
    }
    if (p.sshFrom !== undefined && p.sshFrom.length === 0) err('sshFrom is empty', '[]', 'at least one prefix, or leave sshFrom out');
    if (p.sshPort !== undefined && (!Number.isInteger(p.sshPort) || p.sshPort < 1 || p.sshPort > 65535)) {
      err('sshPort must be an integer from 1 to 65535', String(p.sshPort), 'a port number 1–65535');
    }
    for (const t of p.icmpTypes ?? []) {
      if (!ICMP_TYPE_NAMES.includes(t)) err('icmpTypes holds a name that is not an IPv4 ICMP type of pfctl', String(t), ICMP_TYPE_NAMES.join(', '));
    }
    for (const t of p.icmp6Types ?? []) {
      if (!ICMP6_TYPE_NAMES.includes(t)) err('icmp6Types holds a name that is not an ICMPv6 type of pfctl', String(t), ICMP6_TYPE_NAMES.join(', '));
    }
    if (p.icmpTypes !== undefined && p.icmpTypes.length === 0) err('icmpTypes is empty', '[]', 'at least one type, or allowIcmp: false');
    if (p.icmp6Types !== undefined && p.icmp6Types.length === 0) err('icmp6Types is empty', '[]', 'at least one type, or allowIcmp6: false');
  }

  private validateTree(report: IReporter): void {
    const p = this.props;
    for (const host of this.hosts) {
      if (!host.findInterface(this.externalInterface)) {
        report.error(`externalInterface ${this.externalInterface} does not exist on ${host.node.path}`, {
          value: this.externalInterface, allowed: `an interface of the host: ${host.interfaces.map((i) => i.name).join(', ') || 'none added'}`,
        });
      }
      if (host.hasIpv6 && (p.defaultBlockIn ?? true) && !this.passesNeighbourDiscovery()) {
        report.error(`${host.node.path} has IPv6 but no rule passes ICMPv6 neighbour discovery (neighbrsol, neighbradv): IPv6 stops working and a CARP takeover is never announced`, {
          value: (p.allowIcmp6 ?? true) ? `icmp6Types: ${(p.icmp6Types ?? []).join(', ')}` : 'allowIcmp6: false',
          allowed: 'allowIcmp6 with neighbrsol and neighbradv in icmp6Types, or a rule of your own passing them in',
        });
      }
    }
    // Deploy tools reach each host at its management address: SSH must pass in that family.
    if ((p.defaultBlockIn ?? true) && this.sshPrefixes.length > 0 && !this.ruleList.some((r) => r._passesInTcpPort(p.sshPort ?? 22))) {
      for (const host of this.hosts) {
        const mgmt = IpAddress._tryParse(host.managementAddress);
        if (mgmt && !this.sshPrefixes.some((x) => x.family === mgmt.family)) {
          report.warning(`${host.node.path} is managed at ${mgmt.text} (${mgmt.isIpv4 ? 'IPv4' : 'IPv6'}) but sshFrom has only ${mgmt.isIpv4 ? 'IPv6' : 'IPv4'} prefixes: once PF is on, ssh (and the deploy playbook) to that address is blocked`, {
            value: host.managementAddress,
            allowed: `a managementAddress of the family sshFrom allows (FreeBsdHost managementAddress), or sshFrom prefixes of its family`,
          });
        }
      }
    }
  }

  /** @internal Checks that need the openings other constructs contribute. */
  public _checkPlans(plans: PlanSet, report: IReporter): void {
    const p = this.props;
    if ((p.defaultBlockIn ?? true) && !this.passesManagement(plans)) {
      report.warning(`The default policy blocks everything inbound and no rule passes SSH (tcp port ${p.sshPort ?? 22}): loading this ruleset locks you out`, {
        value: 'no sshFrom and no pass rule for the SSH port', allowed: 'sshFrom: [prefixes], or a rule passing tcp to the SSH port',
      });
    }
  }

  private passesNeighbourDiscovery(): boolean {
    const p = this.props;
    const covered = new Set<string>();
    if (p.allowIcmp6 ?? true) for (const t of p.icmp6Types ?? DEFAULT_ICMP6_TYPES) covered.add(t);
    for (const r of this.ruleList) for (const t of r._passesInIcmp6() ?? []) covered.add(t);
    return covered.has('*') || ICMP6_ND_TYPES.every((t) => covered.has(t));
  }

  private passesManagement(plans: PlanSet): boolean {
    const port = this.props.sshPort ?? 22;
    if ((this.props.sshFrom ?? []).length > 0) return true; // a bad prefix is reported on its own
    if (this.ruleList.some((r) => r._passesInTcpPort(port))) return true;
    return (this.props.allowServices ?? true) && this.hosts.some((h) => (plans.planOf(h)?.openings ?? []).some((o) => o.protocol === 'tcp' && o.from.length === 0 && !o.fromManagement && o.ports.includes(port)));
  }

  private validateRule(r: PfRule, report: IReporter): void {
    const name = r.props.interfaceName;
    if (name === undefined) return;
    for (const host of this.hosts) {
      if (!host.findInterface(name)) {
        report.error(`Rule interface ${name} does not exist on ${host.node.path}`, {
          value: name, allowed: `an interface of the host: ${host.interfaces.map((i) => i.name).join(', ') || 'none added'}`,
        });
      }
    }
  }
}

function typeList(types: readonly string[]): string {
  const uniq = [...new Set(types)];
  return uniq.length === 1 ? uniq[0] : `{ ${uniq.join(', ')} }`;
}

function prefixText(p: IpPrefix): string {
  return p.prefixLength === (p.family === AddressFamily.IPV4 ? 32 : 128) ? p.networkAddress : p.toString();
}
