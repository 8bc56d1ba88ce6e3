import { IConstruct } from 'constructs';
import { AppFile, HostContribution, IContributor, PlanSet } from './contribution';
import { Diagnostics, IReporter, IssueDetails, sourceOf } from './diagnostics';
import { Severity, ValidationError, ValidationIssue } from './errors';
import { FileTarget, FreeBsdHost } from './host';
import { buildPlans, HostPlan, keyValueFiles, synthContext } from './plan';
import { compareStrings } from './private/compare';
import { generatedHeader } from './private/header';
import { renderKeyValues } from './rc-conf';
import { SynthFile, SynthHost, SynthTimings, Synthesis } from './synthesis';

/**
 * The synthesis pipeline, top to bottom, in one pass over the tree (docs/architecture.md):
 *
 *   1. validate    every construct's `node.validate()` (props checked at construction, tree-wide checks)
 *   2. contribute  every construct's `_contribute()`: plain data for the hosts it serves
 *   3. plan        the contributions merged into one plan per host (conflicts name both owners)
 *   4. check       every construct's `_checkPlans()` over the finished plans
 *   5. render      pure renderers from each plan's files; app-level files from `_appFiles()`
 *
 * All errors of steps 1–4 are thrown together, sorted by construct path; step 6, writing, is
 * the caller's (`App.synth` writes atomically; `Testing.synth` keeps the result in memory).
 * `onHost` receives each host as soon as it is rendered (`App.synth` starts writing it).
 *
 * @internal
 */
export function synthesize(root: IConstruct, onHost?: HostRendered): Synthesis {
  const { issues, plans, contributors, timings } = check(root);
  const errors = issues.filter((i) => i.severity === Severity.ERROR);
  if (errors.length > 0) throw new ValidationError(errors);
  const warnings = issues.filter((i) => i.severity === Severity.WARNING);

  // 5. Render.
  const t0 = performance.now();
  const synthHosts: SynthHost[] = plans.plans.map((p, i, all) => {
    const h = renderHost(p);
    onHost?.(h, i, all.length);
    return h;
  });
  const appFiles: AppFile[] = [];
  for (const c of contributors) if (typeof c._appFiles === 'function') appFiles.push(...c._appFiles(plans));
  const rootFiles: SynthFile[] = appFiles
    .map((f) => ({
      path: f.path,
      content: renderWithPath(f.owner, f.path, f.render),
      mode: f.mode ?? 0o644,
      secret: false,
      producer: f.owner.node.path,
      target: FileTarget.HOST,
    }))
    .sort((a, b) => compareStrings(a.path, b.path));
  return { hosts: synthHosts, rootFiles, warnings, plans, timings: Object.assign({}, timings, { render: performance.now() - t0 }) };
}

/** @internal Called with each rendered host, `index` of `total`, in `Synthesis.hosts` order. */
export type HostRendered = (host: SynthHost, index: number, total: number) => void;

/**
 * @internal Steps 1–4 without throwing: every finding (errors and warnings) sorted by construct
 * path, for tools and tests that list them.
 */
export function validateTree(root: IConstruct): ValidationIssue[] {
  return check(root).issues;
}

/** Steps 1–4: validate, contribute, plan, cross-check. */
function check(root: IConstruct): { issues: ValidationIssue[]; plans: PlanSet; contributors: IContributor[]; timings: Omit<SynthTimings, 'render'> } {
  let t = performance.now();
  const lap = () => {
    const now = performance.now();
    const d = now - t;
    t = now;
    return d;
  };
  const all = root.node.findAll();
  const ctx = synthContext(all);
  const issues: ValidationIssue[] = Diagnostics.collect(all);
  const reporterFor = (scope: IConstruct): IReporter => {
    const add = (severity: Severity) => (message: string, d?: IssueDetails) =>
      issues.push({ path: scope.node.path, message, value: d?.value, allowed: d?.allowed, severity, source: sourceOf(scope) });
    return { error: add(Severity.ERROR), warning: add(Severity.WARNING) };
  };
  const invalid = () => issues.some((i) => i.severity === Severity.ERROR);
  const validate = lap();

  // 2. Contribute. A construct with bad props still contributes what it can; should it fail on a
  // value that validation already reported, that failure is a follow-on and is dropped.
  const contributors = all as IContributor[];
  const contributions: HostContribution[] = [];
  for (const c of contributors) {
    if (typeof c._contribute !== 'function') continue;
    guarded(c, invalid, () => contributions.push(...c._contribute!(ctx)));
  }

  const contribute = lap();

  // 3. Plan (hosts in tree order: of two hosts with one hostname, the later reports).
  const plans = buildPlans(ctx, all.filter(FreeBsdHost.isFreeBsdHost), contributions, reporterFor);
  const plan = lap();

  // 4. Cross-check.
  for (const c of contributors) {
    if (typeof c._checkPlans !== 'function') continue;
    guarded(c, invalid, () => c._checkPlans!(plans, reporterFor(c)));
  }
  return { issues: sortIssues(issues), plans, contributors, timings: { validate, contribute, plan, check: lap() } };
}

/**
 * @internal The plans of a tree without rendering (steps 1–4), for tools that inspect them.
 * @throws ValidationError as `synthesize` does
 */
export function planOf(root: IConstruct): PlanSet {
  const { issues, plans } = check(root);
  const errors = issues.filter((i) => i.severity === Severity.ERROR);
  if (errors.length > 0) throw new ValidationError(errors);
  return plans;
}

function guarded(c: IConstruct, invalid: () => boolean, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) throw e;
    if (invalid()) return; // follow-on of a problem already reported
    const err = new Error(`Internal error in construct at path '${c.node.path}': ${(e as any)?.message ?? e}`);
    (err as any).cause = e;
    throw err;
  }
}

/** Sorted by path. Stable within one path (the order the checks reported them). */
function sortIssues(issues: ValidationIssue[]): ValidationIssue[] {
  return issues
    .map((issue, index) => ({ issue, index }))
    .sort((a, b) => (a.issue.path < b.issue.path ? -1 : a.issue.path > b.issue.path ? 1 : a.index - b.index))
    .map((x) => x.issue);
}

/** Renders every file of one host from its plan, sorted by path. */
function renderHost(plan: HostPlan): SynthHost {
  const files: SynthFile[] = [];
  for (const kv of keyValueFiles(plan)) {
    let body = renderKeyValues(kv.format, kv.keys);
    if (kv.target === FileTarget.JAIL_HOST) {
      body = `# VNET jail ${plan.hostname}: a jail cannot load kernel modules; install these lines on the jail's host.\n${body}`;
    }
    files.push({ path: kv.path, content: `${generatedHeader(plan.constructPath)}\n${body}`, mode: kv.mode, secret: kv.secret, producer: plan.constructPath, target: kv.target });
  }
  for (const f of plan.files) {
    const content = renderWithPath(f.owner, f.path, () => f.render(plan));
    files.push({ path: f.path, content: withHeader(f.owner, content), mode: f.mode, secret: f.secret, producer: f.owner.node.path, target: f.target });
  }
  files.sort((a, b) => compareStrings(a.path, b.path));
  return {
    hostname: plan.hostname,
    release: plan.release,
    vnetJail: plan.vnetJail,
    managementAddress: plan.managementAddress,
    constructPath: plan.constructPath,
    files,
  };
}

/** Renders one file. A failure names the construct and the file (one choke point). */
function renderWithPath(owner: IConstruct, file: string, render: () => string): string {
  try {
    const out = render();
    if (typeof out !== 'string') throw new Error('renderer returned no text');
    return out;
  } catch (e: any) {
    if (e instanceof ValidationError) throw e;
    const err = new Error(`Failed rendering ${file} of construct at path '${owner.node.path}': ${e?.message ?? e}`);
    (err as any).cause = e;
    throw err;
  }
}

/** Prepends the generated-file header unless the renderer already wrote one (or a shebang). */
function withHeader(owner: IConstruct, content: string): string {
  if (content.startsWith('#!') || content.startsWith('# Generated by cdkbsd')) return content;
  return `${generatedHeader(owner.node.path)}\n${content}`;
}
