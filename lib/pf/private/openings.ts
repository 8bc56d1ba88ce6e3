/**
 * Openings other constructs contribute (plain data of the plan) as pass rules exactly as wide as
 * the service: on the interface where its addresses live, to its addresses, from its allowed
 * sources — unless the user overrode or omitted the owner's openings.
 *
 * Internal (not exported from lib/index.ts).
 */
import { IConstruct } from 'constructs';
import type { FirewallOpening } from '../../core/contribution';
import type { HostPlan } from '../../core/plan';
import { AddressFamily, IpAddress, IpPrefix } from '../../net/address';
import type { PfRuleModel } from '../model';
import type { ResolvedManagement } from './management';
import { interfaceOfAddress, prefixText } from './where';

/** What the user said about one owner's openings. */
export interface OpeningRule {
  readonly owner: IConstruct;
  readonly omit: boolean;
  readonly from?: IpPrefix[];
  readonly interfaceNames?: string[];
}

/** An opening that renders no rule, and why (warned about by the ruleset). */
export interface ClosedOpening {
  readonly opening: FirewallOpening;
  readonly reason: string;
}

/** Inputs of the openings of one host. */
export interface OpeningInput {
  readonly plan: HostPlan;
  readonly allowServices: boolean;
  readonly rules: readonly OpeningRule[];
  readonly management: readonly ResolvedManagement[];
  readonly spell: (name: string) => string;
}

/** The rule of the nearest construct (the owner itself, then its scopes upwards) that has one. */
export function ruleFor(owner: IConstruct, rules: readonly OpeningRule[]): OpeningRule | undefined {
  const scopes = owner.node.scopes;
  for (let i = scopes.length - 1; i >= 0; i--) {
    const r = rules.find((x) => x.owner === scopes[i]);
    if (r) return r;
  }
  return undefined;
}

const BOTH = [AddressFamily.IPV4, AddressFamily.IPV6];

function famOf(text: string): AddressFamily | undefined {
  if (!text.includes('/')) return IpAddress._tryParse(text)?.family;
  const p = IpPrefix._check(text);
  return p instanceof IpPrefix ? p.family : undefined;
}

/** A group of destinations arriving on the same interfaces. */
interface Group {
  interfaces: string[];
  addresses: string[];
  /** Families of `self` destinations (a bind on every address). Empty: none. */
  self: Set<AddressFamily>;
}

/** The TCP/UDP openings of one host as pass rules (and the except-lists as block rules after them). */
export function openingRules(input: OpeningInput): { rules: PfRuleModel[]; closed: ClosedOpening[] } {
  const rules: PfRuleModel[] = [];
  const closed: ClosedOpening[] = [];
  for (const o of input.plan.openings) {
    if (o.protocol !== 'tcp' && o.protocol !== 'udp') continue;
    const rule = ruleFor(o.owner, input.rules);
    if (rule?.omit || (!input.allowServices && !rule)) continue;
    const before = rules.length;
    const comment = `${o.owner.node.path}: ${o.purpose}`;
    if (o.fromManagement && !rule?.from) {
      // Management services (the stats page): from the management allow-lists, each on the
      // interface its admins arrive on (or the interfaces the user named).
      const lists = rule?.interfaceNames
        ? [{ interfaces: rule.interfaceNames, prefixes: input.management.flatMap((m) => m.prefixes) }]
        : input.management.map((m) => ({ interfaces: [m.interfaceName], prefixes: m.prefixes }));
      for (const l of lists) {
        if (l.prefixes.length === 0) continue;
        rules.push(...groupRules(o, destinationGroups(o, input.plan, l.interfaces), l.prefixes.map(prefixText), [], comment, input.spell));
      }
      if (rules.length === before) closed.push({ opening: o, reason: 'no management allow-list prefix of its address family' });
      continue;
    }
    const from = rule?.from ? rule.from.map(prefixText) : [...o.from];
    const groups = destinationGroups(o, input.plan, rule?.interfaceNames);
    rules.push(...groupRules(o, groups, from, [...(o.exceptFrom ?? [])], comment, input.spell));
    if (rules.length === before) closed.push({ opening: o, reason: 'its allowed sources are all of the other address family' });
  }
  return { rules, closed };
}

/** Destinations grouped by the interface they live on (or the interfaces the user named). */
function destinationGroups(o: FirewallOpening, plan: HostPlan, interfaceNames: string[] | undefined): Group[] {
  const groups: Group[] = [];
  const groupOf = (interfaces: string[]) => {
    let g = groups.find((x) => x.interfaces.join(' ') === interfaces.join(' '));
    if (!g) groups.push((g = { interfaces, addresses: [], self: new Set() }));
    return g;
  };
  const fixed = interfaceNames ?? (o.interfaceName !== undefined ? [o.interfaceName] : undefined);
  if (o.to.length === 0) {
    BOTH.forEach((f) => groupOf(fixed ?? []).self.add(f));
    return groups;
  }
  for (const text of o.to) {
    const ip = IpAddress._tryParse(text);
    if (ip && /^(0\.0\.0\.0|::)$/.test(ip.text)) {
      // A bind on every address of a family opens the host itself (pf `self`), on any interface.
      groupOf(fixed ?? []).self.add(ip.family);
      continue;
    }
    const where = fixed ?? (ip ? interfaceOfAddress(plan, ip) : undefined);
    groupOf(where === undefined ? [] : Array.isArray(where) ? where : [where]).addresses.push(text);
  }
  return groups;
}

function groupRules(o: FirewallOpening, groups: Group[], from: string[], except: string[], comment: string, spell: (n: string) => string): PfRuleModel[] {
  const out: PfRuleModel[] = [];
  for (const g of groups) {
    const targets: Array<{ to: string[]; fams: AddressFamily[]; af?: AddressFamily }> = [];
    if (g.addresses.length > 0) targets.push({ to: g.addresses, fams: [...new Set(g.addresses.map(famOf).filter((f): f is AddressFamily => f !== undefined))] });
    if (g.self.size > 0) {
      const fams = [...g.self];
      targets.push({ to: ['self'], fams, af: fams.length === 1 ? fams[0] : undefined });
    }
    for (const t of targets) {
      const keep = (list: string[]) => list.filter((x) => t.fams.includes(famOf(x) as AddressFamily));
      const src = keep(from);
      if (from.length > 0 && src.length === 0) continue; // no source of the destination's family: closed
      const base: PfRuleModel = {
        action: 'pass', direction: 'in', log: false, quick: false, interfaces: g.interfaces.map(spell), af: t.af,
        protocols: [o.protocol], from: src, fromPorts: [], to: t.to, toPorts: o.ports.map((x) => ({ from: x })),
        icmpTypes: [], icmp6Types: [], comment,
      };
      out.push(base);
      const deny = keep(except);
      if (deny.length > 0) out.push(Object.assign({}, base, { action: 'block' as const, from: deny, comment: `${comment} (refused sources)` }));
    }
  }
  return out;
}
