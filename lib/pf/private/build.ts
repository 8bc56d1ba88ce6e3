/**
 * The model of one host's pf.conf, from the ruleset's parts and the host's plan. Pure: the same
 * ruleset and plan give the same model.
 *
 * Internal (not exported from lib/index.ts).
 */
import type { HostPlan } from '../../core/plan';
import { PfConfModel, PfMacroModel, PfOptionModel, PfRuleModel } from '../model';
import type { PfRule } from '../pf-rule';
import type { PfTable } from '../pf-table';
import type { PfTranslation } from '../pf-translation';
import type { PfRulesetProps } from '../ruleset-props';
import { timeoutWords } from '../timeouts';
import { PfBlockPolicy } from '../types';
import { DEFAULT_ICMP6_TYPES, DEFAULT_ICMP_TYPES } from './icmp';
import { ManagementEntry, resolveManagement, sshRules } from './management';
import { OpeningRule, openingRules } from './openings';
import { routes } from './where';

/** Everything of a ruleset the model is built from (plain values and its child constructs). */
export interface RulesetSpec {
  readonly path: string;
  readonly props: PfRulesetProps;
  readonly externalInterface: string;
  readonly extMacro: string;
  readonly syncMacro: string;
  readonly tables: readonly PfTable[];
  readonly rules: readonly PfRule[];
  readonly translations: readonly PfTranslation[];
  readonly management: readonly ManagementEntry[];
  readonly openingRules: readonly OpeningRule[];
}

const LIMITS: ReadonlyArray<readonly [string, string]> = [['states', 'states'], ['srcNodes', 'src-nodes'], ['frags', 'frags'], ['tableEntries', 'table-entries']];

/** The `set` lines, in a fixed order. */
export function optionLines(p: PfRulesetProps): PfOptionModel[] {
  const options: PfOptionModel[] = [{ text: `block-policy ${p.blockPolicy ?? PfBlockPolicy.DROP}` }];
  if (p.statePolicy !== undefined) options.push({ text: `state-policy ${p.statePolicy}` });
  if (p.logInterface !== undefined) options.push({ text: `loginterface ${p.logInterface}` });
  const limits = LIMITS.filter(([k]) => (p.limits as Record<string, unknown> | undefined)?.[k] !== undefined).map(([k, w]) => `${w} ${(p.limits as Record<string, number>)[k]}`);
  if (limits.length > 0) options.push({ text: `limit ${braced(limits)}` });
  const timeouts = timeoutWords(p.timeouts, false).words;
  if (timeouts.length > 0) options.push({ text: `timeout ${braced(timeouts)}` });
  const skip = p.skipInterfaces ?? ['lo'];
  if (skip.length > 0) options.push({ text: `skip on ${braced(skip)}` });
  return options;
}

/** The model of one host's pf.conf. `userRules` caches the user's rules per interface spelling. */
export function buildModel(s: RulesetSpec, plan: HostPlan, userRules: Map<string, PfRuleModel[]>): PfConfModel {
  const p = s.props;
  const macros: PfMacroModel[] = [{ name: s.extMacro, value: s.externalInterface }];
  const carp = (p.allowCarp ?? true) ? plan.openings.filter((o) => o.protocol === 'carp') : [];
  const pfsync = (p.allowCarp ?? true) ? plan.openings.filter((o) => o.protocol === 'pfsync') : [];
  const syncIf = pfsync.find((o) => o.interfaceName !== undefined)?.interfaceName;
  if (syncIf) macros.push({ name: s.syncMacro, value: syncIf });
  const spell = (name: string) => (name === s.externalInterface ? `$${s.extMacro}` : syncIf && name === syncIf ? `$${s.syncMacro}` : name);
  const rule = (r: Partial<PfRuleModel> & Pick<PfRuleModel, 'action' | 'comment'>): PfRuleModel => ({
    log: false, quick: false, interfaces: [], protocols: [], from: [], fromPorts: [], to: [], toPorts: [], icmpTypes: [], icmp6Types: [], ...r,
  });
  const filter: PfRuleModel[] = [];

  // Default policy.
  if (p.defaultBlockIn ?? true) filter.push(rule({ action: 'block', direction: 'in', log: p.logBlocked ?? true, comment: `${s.path}: default policy` }));
  if (p.passOut ?? true) filter.push(rule({ action: 'pass', direction: 'out', comment: `${s.path}: default policy` }));

  // CARP and pfsync: in and out, quick, before anything else can block them.
  for (const o of [...carp, ...pfsync]) {
    filter.push(rule({
      action: 'pass', quick: true, interfaces: o.interfaceName ? [spell(o.interfaceName)] : [], protocols: [o.protocol],
      state: { kind: 'keep', options: ['no-sync'] }, comment: `${o.owner.node.path}: ${o.purpose}`,
    }));
  }

  // Spoofed sources, on every filtered interface with an address.
  if (p.antispoof) {
    const skip = new Set(p.skipInterfaces ?? ['lo']);
    const ifs = plan.interfaces.filter((i) => i.addresses.length > 0 && !skip.has(i.name)).map((i) => spell(i.name));
    if (ifs.length > 0) filter.push(rule({ action: 'antispoof', quick: true, interfaces: ifs, comment: `${s.path}: sources that claim an address of another interface, or of this host` }));
  }

  // ICMP and ICMPv6.
  if ((p.allowIcmp ?? true) && plan.interfaces.some((i) => i.ipv4)) {
    macros.push({ name: 'icmp_types', value: typeList(p.icmpTypes ?? DEFAULT_ICMP_TYPES) });
    filter.push(rule({ action: 'pass', direction: 'in', af: 'inet', protocols: ['icmp'], icmpTypes: ['$icmp_types'], comment: `${s.path}: ping and ICMP errors` }));
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

  // SSH allow-lists, each on the interface its admins arrive on; to the host itself when it routes.
  const r = routes(plan);
  const management = resolveManagement(s.management, plan).resolved;
  filter.push(...sshRules(management, s.path, p.sshPort ?? 22, r.inet || r.inet6, spell));

  // What services on this host need, as wide as each service.
  filter.push(...openingRules({ plan, allowServices: p.allowServices ?? true, rules: s.openingRules, management, spell }).rules);

  // The user's rules, in their order.
  const spelling = syncIf ?? '';
  let users = userRules.get(spelling);
  if (!users) userRules.set(spelling, (users = s.rules.map((x) => x._toModel({ spellInterface: spell }))));
  filter.push(...users);

  return {
    macros,
    tables: s.tables.map((t) => ({ name: t.tableName, persist: t.persist, const: t.isConst, counters: t.counters, file: t.file, addresses: t.addresses, comment: t.node.path })),
    options: optionLines(p),
    normalization: (p.scrub ?? true) ? [{ text: 'scrub in all' }] : [],
    queueing: [],
    translation: s.translations.map((t) => t._toModel({ spellInterface: spell })),
    filter,
  };
}

function braced(items: readonly string[]): string {
  return items.length === 1 ? items[0] : `{ ${items.join(', ')} }`;
}

function typeList(types: readonly string[]): string {
  return braced([...new Set(types)]);
}
