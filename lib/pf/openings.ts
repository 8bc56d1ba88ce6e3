import { IConstruct } from 'constructs';
import { FreeBsdHost, ITargetHosts } from '../core/host';
import { compareStrings as cmp } from '../core/private/compare';

/**
 * How services tell the firewall what they need open, without the firewall knowing every service
 * type: a service construct (HAProxy, a stats page, peers) registers an opening for the hosts it
 * runs on, and every `PfRuleset` on those hosts derives a pass rule from it, with the service's
 * construct path in the rule's comment.
 *
 * Internal (not exported from lib/index.ts): services call `registerPfOpening` from their
 * constructor; values are read lazily at synth, so binds added later are included.
 */
export interface PfOpening {
  /** The construct that needs the opening (named in the rule's comment). */
  readonly owner: IConstruct;
  /** Where it runs: the opening applies to these hosts' rulesets. */
  readonly target: ITargetHosts;
  /** Transport protocol. */
  readonly protocol: 'tcp' | 'udp';
  /** Destination addresses (canonical text); empty: any destination. Read at synth. */
  readonly addresses: () => string[];
  /** Destination ports (1–65535). Read at synth. */
  readonly ports: () => number[];
  /** Sources allowed (canonical prefixes); empty: any source. Read at synth. */
  readonly sources?: () => string[];
  /** What it is, for the comment (`HAProxy frontend https`). */
  readonly description: string;
}

const registry = new WeakMap<IConstruct, PfOpening[]>();

/** Registers an opening; the same owner registering the same description again replaces it. */
export function registerPfOpening(opening: PfOpening): void {
  const root = opening.owner.node.root;
  const list = registry.get(root) ?? [];
  const i = list.findIndex((o) => o.owner === opening.owner && o.description === opening.description);
  if (i >= 0) list[i] = opening;
  else list.push(opening);
  registry.set(root, list);
}

/** The openings that apply to `host`, sorted by owner path then description (deterministic). */
export function pfOpeningsFor(host: FreeBsdHost): PfOpening[] {
  const list = registry.get(host.node.root) ?? [];
  return list
    .filter((o) => o.target.targetHosts.includes(host))
    .sort((a, b) => cmp(a.owner.node.path, b.owner.node.path) || cmp(a.description, b.description));
}

