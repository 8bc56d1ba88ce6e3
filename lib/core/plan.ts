import { IConstruct } from 'constructs';
import { AliasLine, FirewallOpening, HostContribution, KeySetting, PlanSet, PlannedFile, SynthContext } from './contribution';
import type { IReporter } from './diagnostics';
import { FileTarget, FreeBsdHost, HOST_PATH_ALLOWED, hostPathProblem } from './host';
import type { InterfaceFacts } from './interface';
import type { RouteFacts } from './routes';
import { compareStrings } from './private/compare';
import { KEY_RULES, KeyValueFormat, valueProblem } from './rc-conf';

/** @internal A key of a host's key/value file, with the construct that set it. */
export interface PlannedKey extends KeySetting {
  readonly owner: IConstruct;
}

/** @internal What the plan knows of the host itself (plain values). */
export interface HostFacts {
  readonly hostname: string;
  readonly release: string;
  readonly vnetJail: boolean;
  readonly managementAddress: string;
  readonly constructPath: string;
  readonly interfaces: InterfaceFacts[];
  readonly hasIpv6: boolean;
  /** Static routes (rc.d/routing), in the order added. */
  readonly routes: RouteFacts[];
}

/**
 * @internal Everything one host receives, merged from every contribution: the only input of
 * the renderers.
 */
export interface HostPlan extends HostFacts {
  /** rc.conf keys, one entry per key (the first owner when several agree). */
  readonly rcConf: PlannedKey[];
  readonly sysctlConf: PlannedKey[];
  readonly loaderConf: PlannedKey[];
  /** Contributed alias lines per interface name, sorted. */
  readonly aliases: ReadonlyMap<string, AliasLine[]>;
  /** Files, sorted by path (key/value files are added by the renderer step). */
  readonly files: PlannedFile[];
  /** Firewall openings, sorted by owner path then purpose. */
  readonly openings: FirewallOpening[];
  /** rc.d services, sorted, unique. */
  readonly services: string[];
  /** Packages to install, sorted, unique. */
  readonly packages: string[];
  /** Commands the deploy runs, in contribution order. */
  readonly commands: { readonly beforeServices: string[]; readonly afterServices: string[] };
}

/** @internal A new context for one synth over `constructs`. */
export function synthContext(constructs: readonly IConstruct[]): SynthContext {
  const indexes = new Map<string, unknown>();
  return {
    constructs,
    index: <T>(name: string, compute: () => T): T => {
      if (!indexes.has(name)) indexes.set(name, compute());
      return indexes.get(name) as T;
    },
  };
}

/** @internal A reporter bound to one construct (issues carry its path). */
export type ReporterFor = (scope: IConstruct) => IReporter;

/**
 * @internal Step 3 of the pipeline: merges the contributions into one plan per host. A key set
 * to two values, a file added twice, or a bad key or value is reported with both owners.
 */
export function buildPlans(ctx: SynthContext, hosts: FreeBsdHost[], contributions: HostContribution[], reporterFor: ReporterFor): PlanSet {
  const byHost = new Map<FreeBsdHost, HostContribution[]>();
  for (const h of hosts) byHost.set(h, []);
  for (const c of contributions) byHost.get(c.host)?.push(c);
  const plans = new Map<FreeBsdHost, HostPlan>();
  const seenHostnames = new Map<string, FreeBsdHost>();
  for (const host of hosts) {
    const key = String(host.hostname).toLowerCase();
    const prev = seenHostnames.get(key);
    if (prev) reporterFor(host).error(`Hostname is also used by ${prev.node.path}`, { value: host.hostname, allowed: 'a hostname per host' });
    else seenHostnames.set(key, host);
    plans.set(host, planHost(host, byHost.get(host)!, reporterFor));
  }
  // (hosts come in tree order: the later of two hosts with one hostname reports.)
  const list = [...plans.values()].sort((a, b) => compareStrings(a.hostname, b.hostname));
  return { constructs: ctx.constructs, index: ctx.index, plans: list, planOf: (h) => plans.get(h) };
}

function planHost(host: FreeBsdHost, contributions: HostContribution[], reporterFor: ReporterFor): HostPlan {
  const facts = host._facts();
  const aliases = new Map<string, Array<AliasLine & { owner: IConstruct }>>();
  for (const c of contributions) {
    for (const a of c.aliases ?? []) aliases.set(a.interfaceName, [...(aliases.get(a.interfaceName) ?? []), Object.assign({}, a, { owner: a.owner ?? c.owner })]);
  }
  for (const list of aliases.values()) list.sort((a, b) => compareSortKeys(a.sortKey, b.sortKey));

  // Interface lines are derived here, once every alias is known, so that rc.d's numbering
  // (ifconfig_<if>_alias0, 1, …) has no gap.
  const rcInput: Array<{ owner: IConstruct; k: KeySetting }> = [];
  for (const iface of host.interfaces) {
    const own = aliases.get(iface.name) ?? [];
    for (const k of iface._rcKeys(own)) rcInput.push(k);
  }
  // The user's own settings first, so that a conflict names them first.
  const kv = (format: KeyValueFormat, pick: (c: HostContribution) => KeySetting[] | undefined, extra: Array<{ owner: IConstruct; k: KeySetting }> = []) => {
    const all = [...extra, ...contributions.flatMap((c) => (pick(c) ?? []).map((k) => ({ owner: c.owner, k })))];
    return mergeKeys(format, [...all.filter((x) => x.k.explicit), ...all.filter((x) => !x.k.explicit)], reporterFor(host));
  };

  const added = contributions.flatMap((c) => c.files ?? []);
  checkFiles(added, host.node.path, reporterFor(host));
  const files = [...added].sort((a, b) => compareStrings(a.path, b.path));
  // Object.assign, not `{ ...facts, … }`: properties after a leading spread are slow on Node 20.
  return Object.assign({}, facts, {
    rcConf: kv(KeyValueFormat.RC_CONF, (c) => c.rcConf, rcInput),
    sysctlConf: kv(KeyValueFormat.SYSCTL_CONF, (c) => c.sysctlConf),
    loaderConf: kv(KeyValueFormat.LOADER_CONF, (c) => c.loaderConf),
    aliases,
    files,
    openings: sortedOpenings(contributions.flatMap((c) => c.openings ?? [])),
    services: [...new Set(contributions.flatMap((c) => c.services ?? []))].sort(compareStrings),
    packages: [...new Set(contributions.flatMap((c) => c.packages ?? []))].sort(compareStrings),
    commands: {
      beforeServices: contributions.flatMap((c) => c.commands?.beforeServices ?? []),
      afterServices: contributions.flatMap((c) => c.commands?.afterServices ?? []),
    },
  });
}

/** Openings by owner path, then purpose (each path computed once: `node.path` walks the scopes). */
function sortedOpenings(list: FirewallOpening[]): FirewallOpening[] {
  const keyed = list.map((o) => ({ o, path: o.owner.node.path }));
  keyed.sort((a, b) => compareStrings(a.path, b.path) || compareStrings(a.o.purpose, b.o.purpose));
  return keyed.map((x) => x.o);
}

function compareSortKeys(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const FILE_NAMES: Record<KeyValueFormat, string> = {
  [KeyValueFormat.RC_CONF]: 'rcConf',
  [KeyValueFormat.SYSCTL_CONF]: 'sysctlConf',
  [KeyValueFormat.LOADER_CONF]: 'loaderConf',
};

/** Merges keys: bad keys and values are errors. One key with two values is a conflict naming both owners. */
function mergeKeys(format: KeyValueFormat, input: Array<{ owner: IConstruct; k: KeySetting }>, report: IReporter): PlannedKey[] {
  const rule = KEY_RULES[format];
  const byKey = new Map<string, PlannedKey>();
  for (const { owner, k } of input) {
    if (typeof k.key !== 'string' || !rule.re.test(k.key)) {
      report.error(`${format} key is not valid (set by ${owner.node.path})`, { value: String(k.key), allowed: rule.allowed });
      continue;
    }
    if (typeof k.value !== 'string') {
      report.error(`${format} value of ${k.key} must be a string (set by ${owner.node.path})`, { value: String(k.value), allowed: 'a string' });
      continue;
    }
    // Secret values are checked by their owner (which never shows them); everything else here.
    if (!k.secret) {
      const p = valueProblem(format, k.value);
      if (p) {
        report.error(`${format} value of ${k.key}: ${p.message} (set by ${owner.node.path})`, { value: k.value, allowed: p.allowed });
        continue;
      }
    }
    const prev = byKey.get(k.key);
    if (!prev) {
      byKey.set(k.key, Object.assign({}, k, { owner })); // not `{ ...k, owner }`: slow on Node 20
      continue;
    }
    if (prev.value === k.value) continue;
    const shown = prev.secret || k.secret ? '<redacted>' : `${JSON.stringify(prev.value)} vs ${JSON.stringify(k.value)}`;
    // One construct can clash with itself: a value derived from its props vs an explicit set().
    const who = (x: { owner: IConstruct; explicit?: boolean }) =>
      prev.owner === owner ? `${x.owner.node.path} (${x.explicit ? `${FILE_NAMES[format]}.set` : 'derived from its props'})` : x.owner.node.path;
    report.error(`${format} key ${k.key} is set to different values by ${who(prev)} and ${who({ owner, explicit: k.explicit })}`, { value: shown, allowed: 'one value per key' });
  }
  return [...byKey.values()];
}

const GENERATED = ['/etc/rc.conf', '/etc/sysctl.conf', '/boot/loader.conf'];

/** Paths are plain and absolute, each file has one producer, no file lies inside another. */
function checkFiles(files: PlannedFile[], hostPath: string, report: IReporter): void {
  const byPath = new Map<string, PlannedFile>();
  for (const f of files) {
    const p = hostPathProblem(f.path);
    if (p) report.error(`File ${p} (added by ${f.owner.node.path})`, { value: String(f.path), allowed: HOST_PATH_ALLOWED });
    if (GENERATED.includes(f.path)) {
      report.error(`File ${f.path} is generated from the host's ${f.path.split('/').pop()} settings; set keys instead (added by ${f.owner.node.path})`, { value: f.path, allowed: 'host.rcConf.set / sysctlConf.set / loaderConf.set' });
    }
    const prev = byPath.get(f.path);
    if (prev) report.error(`File ${f.path} is added by both ${prev.owner.node.path} and ${f.owner.node.path}`, { value: f.path, allowed: 'one producer per file' });
    else byPath.set(f.path, f);
    if (!Number.isInteger(f.mode) || f.mode < 0 || f.mode > 0o7777) {
      report.error(`File mode of ${f.path} is not valid`, { value: String(f.mode), allowed: 'an octal mode 0 to 0o7777, e.g. 0o644' });
    } else if (f.secret && (f.mode & 0o077) !== 0) {
      report.error(`File ${f.path} carries a secret but its mode lets group or others read it`, { value: `0${f.mode.toString(8)}`, allowed: 'a mode without group/other bits, e.g. 0o600 (the default for secrets)' });
    }
  }
  for (const f of files) {
    const parts = String(f.path).split('/');
    for (let i = 2; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      const owner = byPath.get(dir)?.owner.node.path ?? (GENERATED.includes(dir) ? hostPath : undefined);
      if (owner !== undefined) {
        report.error(`File ${f.path} (added by ${f.owner.node.path}) lies inside ${dir}, which is a file added by ${owner}`, { value: f.path, allowed: 'paths where no file is the folder of another' });
      }
    }
  }
}

/** @internal A key/value file of a host: where it goes and what it holds. */
export interface KeyValueFile {
  readonly format: KeyValueFormat;
  readonly path: string;
  readonly keys: PlannedKey[];
  /** Whether a value carries a secret: the file is then 0600. */
  readonly secret: boolean;
  readonly mode: number;
  readonly target: FileTarget;
}

/**
 * @internal The key/value files a host's plan gives (rc.conf, sysctl.conf, loader.conf; the
 * latter for the jail's host on a VNET jail), each only when it has keys: the renderer and the
 * deploy read this one list.
 */
export function keyValueFiles(plan: HostPlan): KeyValueFile[] {
  const files: Array<[KeyValueFormat, string, PlannedKey[]]> = [
    [KeyValueFormat.RC_CONF, '/etc/rc.conf', plan.rcConf],
    [KeyValueFormat.SYSCTL_CONF, '/etc/sysctl.conf', plan.sysctlConf],
    [KeyValueFormat.LOADER_CONF, '/boot/loader.conf', plan.loaderConf],
  ];
  return files.filter(([, , keys]) => keys.length > 0).map(([format, path, keys]) => {
    const secret = keys.some((k) => k.secret === true);
    const target = format === KeyValueFormat.LOADER_CONF && plan.vnetJail ? FileTarget.JAIL_HOST : FileTarget.HOST;
    return { format, path, keys, secret, mode: secret ? 0o600 : 0o644, target };
  });
}
