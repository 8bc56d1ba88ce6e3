import { Construct, IConstruct } from 'constructs';
import { HostContribution, KeySetting, PlanSet } from '../core/contribution';
import { Diagnostics, IReporter } from '../core/diagnostics';
import { FileTarget, FreeBsdHost, ITargetHosts } from '../core/host';
import type { HostPlan } from '../core/plan';
import { generatedHeader } from '../core/private/header';
import { AddressFamily, IpAddress, IpPrefix } from '../net/address';
import { INTERFACE_NAME, INTERFACE_NAME_ALLOWED } from '../net/names';
import { PfConfModel, PfRuleModel } from './model';
import { PfRule, PfRuleProps } from './pf-rule';
import { PfTable, PfTableProps } from './pf-table';
import { PfBinatProps, PfNatProps, PfRdrProps, PfTranslation, TranslationKind } from './pf-translation';
import { buildModel, RulesetSpec } from './private/build';
import { ICMP6_TYPE_NAMES, ICMP_TYPE_NAMES } from './private/icmp';
import { ManagementEntry } from './private/management';
import { OpeningRule } from './private/openings';
import { checkItem, checkPlans, checkTree } from './private/ruleset-checks';
import { renderPfConf } from './render';
import { PfManagementAccess, PfOpeningOverride, PfRulesetProps } from './ruleset-props';
import { timeoutWords } from './timeouts';
import { PfBlockPolicy, PfStatePolicy } from './types';
import { checkArgs, checkInit, constructId } from '../core/private/check-props';

const MACRO_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const PF_RESERVED = new Set(['all', 'any', 'in', 'out', 'on', 'from', 'to', 'port', 'proto', 'pass', 'block', 'quick', 'log', 'set', 'table', 'scrub', 'nat', 'rdr', 'binat', 'inet', 'inet6', 'self', 'keep', 'state', 'label', 'tag', 'flags', 'user', 'group']);
const LIMIT_KEYS = ['states', 'srcNodes', 'frags', 'tableEntries'];

/**
 * A PF firewall: renders `/etc/pf.conf` on every target host and turns pf (and pflog, when a
 * rule logs) on in rc.conf. The file holds, in the order pf.conf(5) requires: the macros, the
 * tables, the options, normalization, translation (nat, rdr, binat), then the filter rules — the
 * default policy, the rules other constructs imply (CARP, pfsync, ICMP/ICMPv6, the SSH
 * allow-lists, each service's opening on the interface where its addresses live), each with a
 * comment naming the construct that implied it, and the user's rules in the order added. A
 * ruleset with translation rules makes its hosts route (`gateway_enable`, `ipv6_gateway_enable`).
 *
 * @example
 * const fw = new PfRuleset(app, 'Firewall', {
 *   target: cluster,
 *   externalInterface: 'vtnet0',
 *   sshFrom: ['2001:db8:100::/56'],
 *   management: [{ interfaceName: 'vtnet2', from: ['10.9.0.0/24'] }],
 * });
 * fw.overrideOpening(frontend, { from: ['198.51.100.0/24'] });
 * fw.addNat('Lan', { interfaceName: 'vtnet0', from: [PfAddress.prefix('10.0.0.0/24')], translateTo: PfAddress.vip(vip) });
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
  private readonly translationList: PfTranslation[] = [];
  private readonly managementList: ManagementEntry[] = [];
  private readonly openingList: OpeningRule[] = [];

  constructor(scope: Construct, id: string, props: PfRulesetProps) {
    super(scope, constructId(scope, id));
    checkInit(this, 'cdkbsd.PfRuleset', props);
    this.props = props ?? ({} as PfRulesetProps);
    this.target = this.props.target;
    this.externalInterface = this.props.externalInterface;
    this.extMacro = this.props.externalInterfaceMacro ?? 'ext_if';
    this.syncMacro = this.props.pfsyncInterfaceMacro ?? 'sync_if';
    this.checkProps();
    Diagnostics.addValidation(this, (r) => checkTree(this._spec(), this.hosts, r));
  }

  /** The hosts that get this ruleset (the target's hosts). */
  public get hosts(): FreeBsdHost[] {
    return this.target && typeof this.target === 'object' && Array.isArray(this.target.targetHosts) ? this.target.targetHosts : [];
  }

  /** The tables, in the order added. */
  public get tables(): PfTable[] {
    return [...this.tableList];
  }

  /** The user rules, in the order added. */
  public get rules(): PfRule[] {
    return [...this.ruleList];
  }

  /** The translation rules (nat, rdr, binat), in the order added. */
  public get translations(): PfTranslation[] {
    return [...this.translationList];
  }

  /**
   * Adds a table (`table <id> …`). Refer to it in rules with `PfAddress.table(table)`.
   * @param id the table name in pf.conf
   */
  public addTable(id: string, props: PfTableProps = {}): PfTable {
    const t = new PfTable(this, id, props ?? {});
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
    Diagnostics.addValidation(r, (report) => checkItem(this, this._spec(), this.hosts, r, report));
    return r;
  }

  /**
   * Adds outbound NAT (`nat on <if> from … -> <address>`). The host then routes
   * (`gateway_enable` / `ipv6_gateway_enable`).
   * @param id the rule's construct id
   */
  public addNat(id: string, props: PfNatProps): PfTranslation {
    checkArgs(this, 'cdkbsd.PfRuleset', 'addNat', arguments);
    return this.addTranslation(id, 'nat', props);
  }

  /**
   * Adds a redirection (`rdr on <if> … -> <address> port …`), e.g. a port range to an internal
   * server. The host then routes unless the target is one of its own addresses.
   * @param id the rule's construct id
   */
  public addRdr(id: string, props: PfRdrProps): PfTranslation {
    checkArgs(this, 'cdkbsd.PfRuleset', 'addRdr', arguments);
    return this.addTranslation(id, 'rdr', props);
  }

  /**
   * Adds a 1:1 mapping (`binat on <if> from <internal> -> <external>`). The host then routes.
   * @param id the rule's construct id
   */
  public addBinat(id: string, props: PfBinatProps): PfTranslation {
    checkArgs(this, 'cdkbsd.PfRuleset', 'addBinat', arguments);
    return this.addTranslation(id, 'binat', props);
  }

  /**
   * Renders the openings of `owner` (and of the constructs under it: a `Haproxy` covers its
   * frontends) otherwise than derived: other sources (narrower or wider) and/or other
   * interfaces. The nearest construct with an override or omission wins.
   * @param owner the construct that contributes the openings (a frontend, an HAProxy …)
   */
  public overrideOpening(owner: IConstruct, override: PfOpeningOverride): void {
    checkArgs(this, 'cdkbsd.PfRuleset', 'overrideOpening', arguments);
    if (!this.checkOwner(owner, 'overrideOpening')) return;
    const o = override ?? {};
    const err = (m: string, value: string, allowed: string) => Diagnostics.error(this, m, { value, allowed });
    let from: IpPrefix[] | undefined;
    if (o.from !== undefined) {
      if (!Array.isArray(o.from) || o.from.length === 0) {
        err(`overrideOpening(${owner.node.path}) from is empty: nothing could pass`, JSON.stringify(o.from), 'at least one prefix, or omitOpening(owner)');
      } else {
        from = o.from.map((t) => Diagnostics.tryParse(this, `overrideOpening(${owner.node.path}) from`, () => IpPrefix.parse(t))).filter((x): x is IpPrefix => x !== undefined);
      }
    }
    let interfaceNames: string[] | undefined;
    if (o.interfaceNames !== undefined) {
      const list = Array.isArray(o.interfaceNames) ? o.interfaceNames : [];
      if (list.length === 0) err(`overrideOpening(${owner.node.path}) interfaceNames is empty`, JSON.stringify(o.interfaceNames), 'at least one interface name, or leave it out');
      for (const n of list) if (typeof n !== 'string' || !INTERFACE_NAME.test(n)) err(`overrideOpening(${owner.node.path}) interfaceNames holds an invalid interface name`, String(n), INTERFACE_NAME_ALLOWED);
      interfaceNames = list.length > 0 ? [...new Set(list)] : undefined;
    }
    if (from === undefined && interfaceNames === undefined && o.from === undefined && o.interfaceNames === undefined) {
      err(`overrideOpening(${owner.node.path}) changes nothing`, '{}', 'from and/or interfaceNames');
    }
    this.openingList.push({ owner, omit: false, from, interfaceNames });
  }

  /**
   * Renders no opening of `owner` (and of the constructs under it): the firewall blocks what
   * that service needs unless a rule of your own passes it. `allowServices: false` does this
   * for every service.
   * @param owner the construct that contributes the openings
   */
  public omitOpening(owner: IConstruct): void {
    if (!this.checkOwner(owner, 'omitOpening')) return;
    this.openingList.push({ owner, omit: true });
  }

  /** Whether any rule of this ruleset logs (then pflog is enabled). */
  public get logs(): boolean {
    const defaultLogs = (this.props.defaultBlockIn ?? true) && (this.props.logBlocked ?? true);
    return defaultLogs || this.ruleList.some((r) => r.logs) || this.translationList.some((t) => t.logs);
  }

  /**
   * @internal What every target host receives: /etc/pf.conf (rendered from the host's plan,
   * openings included), `pf_enable`, pflog when a rule logs, and forwarding when it translates.
   */
  public _contribute(): HostContribution[] {
    const header = generatedHeader(this.node.path);
    // The user's rules are the same on every host that spells interfaces alike: modelled once each.
    const userRules = new Map<string, PfRuleModel[]>();
    return this.hosts.map((host) => {
      const rcConf: KeySetting[] = [{ key: 'pf_enable', value: 'YES' }];
      const loaderConf: KeySetting[] = [];
      if (this.logs) rcConf.push({ key: 'pflog_enable', value: 'YES' });
      const fams = this.routedFamilies(host);
      if (fams.has(AddressFamily.IPV4)) rcConf.push({ key: 'gateway_enable', value: 'YES' });
      if (fams.has(AddressFamily.IPV6)) rcConf.push({ key: 'ipv6_gateway_enable', value: 'YES' });
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
    return buildModel(this._spec(), plan, userRules);
  }

  /** @internal Checks that need the openings other constructs contribute. */
  public _checkPlans(plans: PlanSet, report: IReporter): void {
    checkPlans(this._spec(), this.hosts, plans, report);
  }

  /** @internal Everything the model and the checks read. */
  public _spec(): RulesetSpec {
    return {
      path: this.node.path,
      props: this.props,
      externalInterface: this.externalInterface,
      extMacro: this.extMacro,
      syncMacro: this.syncMacro,
      tables: this.tableList,
      rules: this.ruleList,
      translations: this.translationList,
      management: this.managementList,
      openingRules: this.openingList,
    };
  }

  private addTranslation(id: string, kind: TranslationKind, props: PfNatProps | PfRdrProps | PfBinatProps): PfTranslation {
    const t = PfTranslation._create(this, id, kind, props);
    this.translationList.push(t);
    Diagnostics.addValidation(t, (report) => checkItem(this, this._spec(), this.hosts, t, report));
    return t;
  }

  /** The families `host` forwards because of translation (an rdr to the host itself needs none). */
  private routedFamilies(host: FreeBsdHost): Set<AddressFamily> {
    const own = host.interfaces.flatMap((i) => i.addresses.map((a) => a.address));
    const local = (text: string) => {
      const ip = IpAddress._tryParse(text);
      return ip !== undefined && (/^127\.|^::1$/.test(ip.text) || own.some((a) => a.sameAs(ip)));
    };
    const out = new Set<AddressFamily>();
    for (const t of this.translationList) {
      if (t._family === undefined) continue;
      if (t.kind === 'rdr' && t._targetAddresses.length > 0 && t._targetAddresses.every(local)) continue;
      out.add(t._family);
    }
    return out;
  }

  private checkOwner(owner: IConstruct, what: string): boolean {
    if (!owner || typeof owner !== 'object' || !(owner as Partial<IConstruct>).node) {
      Diagnostics.error(this, `${what} needs the construct whose openings it changes`, { value: String(owner), allowed: 'a construct of the app (a frontend, an HAProxy …)' });
      return false;
    }
    if (this.openingList.some((x) => x.owner === owner)) {
      Diagnostics.error(this, `${what}: the openings of ${owner.node.path} are already overridden or omitted`, { value: owner.node.path, allowed: 'one overrideOpening or omitOpening per construct' });
      return false;
    }
    return true;
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
    this.checkManagement();
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
    for (const k of ['antispoof', 'scrub', 'defaultBlockIn', 'logBlocked', 'passOut', 'allowIcmp', 'allowIcmp6', 'allowCarp', 'allowServices'] as const) {
      if (p[k] !== undefined && typeof p[k] !== 'boolean') err(`${k} must be true or false`, String(p[k]), 'true or false');
    }
    if (p.statePolicy !== undefined && !Object.values(PfStatePolicy).includes(p.statePolicy)) {
      err('statePolicy is not valid', String(p.statePolicy), 'PfStatePolicy.IF_BOUND or PfStatePolicy.FLOATING');
    }
    if (p.logInterface !== undefined && (typeof p.logInterface !== 'string' || !INTERFACE_NAME.test(p.logInterface))) {
      err('logInterface is not a valid interface name', String(p.logInterface), INTERFACE_NAME_ALLOWED);
    }
    this.checkLimits();
    for (const x of timeoutWords(p.timeouts, false).problems) err(x.message, x.value ?? '', x.allowed ?? '');
  }

  private checkLimits(): void {
    const l = this.props.limits;
    if (l === undefined) return;
    const err = (m: string, value: string, allowed: string) => Diagnostics.error(this, m, { value, allowed });
    if (l === null || typeof l !== 'object') {
      err('limits must be an object of PfLimits', String(l), '{ states, srcNodes, frags, tableEntries }');
      return;
    }
    for (const k of LIMIT_KEYS) {
      const v = (l as Record<string, unknown>)[k];
      if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 4294967295)) err(`limits.${k} must be a positive integer`, String(v), 'an integer 1–4294967295');
    }
  }

  /** Parses `sshFrom` and `management` into allow-lists (sshFrom first: on the external interface). */
  private checkManagement(): void {
    const p = this.props;
    const err = (m: string, value: string, allowed: string) => Diagnostics.error(this, m, { value, allowed });
    const parse = (what: string, list: unknown): { prefixes: IpPrefix[]; invalid: boolean } => {
      if (!Array.isArray(list)) {
        err(`${what} must be a list of prefixes`, String(list), "a list such as ['192.0.2.0/24']");
        return { prefixes: [], invalid: true };
      }
      if (list.length === 0) err(`${what} is empty`, '[]', `at least one prefix, or leave ${what.replace(/\.from$/, '')} out`);
      const prefixes = list.map((t) => Diagnostics.tryParse(this, what, () => IpPrefix.parse(t))).filter((x): x is IpPrefix => x !== undefined);
      return { prefixes, invalid: prefixes.length !== list.length || list.length === 0 };
    };
    if (p.sshFrom !== undefined) this.managementList.push({ label: 'sshFrom', interfaceName: this.externalInterface, ...parse('sshFrom', p.sshFrom) });
    if (p.management === undefined) return;
    if (!Array.isArray(p.management)) {
      err('management must be a list of { interfaceName, from }', String(p.management), "e.g. [{ interfaceName: 'igb1', from: ['10.9.0.0/24'] }]");
      return;
    }
    p.management.forEach((m: PfManagementAccess, i) => {
      const label = `management[${i}]`;
      if (!m || typeof m !== 'object') {
        err(`${label} must be { interfaceName, from }`, String(m), "e.g. { interfaceName: 'igb1', from: ['10.9.0.0/24'] }");
        return;
      }
      if (m.interfaceName !== undefined && (typeof m.interfaceName !== 'string' || !INTERFACE_NAME.test(m.interfaceName))) {
        err(`${label}.interfaceName is not a valid interface name`, String(m.interfaceName), INTERFACE_NAME_ALLOWED);
      }
      this.managementList.push({ label, interfaceName: m.interfaceName, ...parse(`${label}.from`, m.from) });
    });
  }
}
