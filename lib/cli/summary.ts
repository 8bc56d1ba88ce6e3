/** What `synth` prints about a synthesis: the summary, warnings, check problems, the --json report. */
import type { ValidationIssue } from '../core/errors';
import type { Synthesis } from '../core/synthesis';
import type { SynthOptions } from './args';
import type { CheckResult } from './check';
import type { FileChange } from './diff';
import type { ResolvedEntry } from './entry';
import { displayPath, formatBytes, formatSeconds, plural, shortList, Style } from './format';
import type { Io } from './synth';
import type { TypecheckResult } from './typecheck';
import { packageVersion } from './version';

/** Exit status of `synth` (see the usage text). */
export enum ExitCode {
  OK = 0,
  INVALID = 1,
  INTERNAL = 2,
  CHANGED = 3,
}

/** Hosts beyond which the summary stops listing them one by one, and a progress line is shown. */
export const MANY_HOSTS = 20;

/** What the CLI did with the synthesized app. */
export interface AppResult {
  readonly outdir: string;
  readonly synthesis: Synthesis;
  written: boolean;
  checks?: CheckResult[];
  changes?: FileChange[];
}

/** Files and bytes of a synthesis (manifest.json excluded). */
export function countFiles(s: Synthesis): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const f of [...s.hosts.flatMap((h) => h.files), ...s.rootFiles]) {
    files++;
    bytes += Buffer.byteLength(f.content, 'utf8');
  }
  return { files, bytes };
}

/**
 * One finding: `[path] message`, then the offending value, what is allowed and where the
 * construct was created, on their own indented lines (`pad` is the width of the label before it).
 */
export function issueLines(i: ValidationIssue, st: Style, pad: number): string {
  const where = i.path !== '' ? `[${i.path}] ` : i.source ? `[${i.source}] ` : '';
  const lines = [`${st.bold(where)}${i.message}`];
  const gap = ' '.repeat(pad);
  if (i.value !== undefined) lines.push(`${gap}${st.dim('got:')}     ${JSON.stringify(i.value)}`);
  if (i.allowed !== undefined) lines.push(`${gap}${st.dim('allowed:')} ${i.allowed}`);
  if (i.path !== '' && i.source !== undefined) lines.push(`${gap}${st.dim('at:')}      ${i.source}`);
  return lines.join('\n');
}

export function printWarnings(warnings: ValidationIssue[], io: Io, st: Style): void {
  for (const w of warnings) io.stderr.write(`${st.yellow('warning:')} ${issueLines(w, st, 9)}\n`);
}

export function printCheckProblems(checks: CheckResult[], io: Io, st: Style, quiet: boolean): void {
  for (const c of checks) {
    if (c.status === 'failed') {
      io.stderr.write(`${st.red('check failed:')} ${c.tool} ${c.output}\n${indent(c.message)}\n`);
    } else if (c.status === 'ok' && c.warnings.length > 0 && !quiet) {
      io.stderr.write(`${st.yellow('check warning:')} ${c.tool} ${c.output}\n${indent(c.warnings.join('\n'))}\n`);
    }
  }
}

function indent(text: string): string {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => `  ${l}`).join('\n');
}

function checkLine(checks: CheckResult[]): string {
  const by = (status: CheckResult['status']) => {
    const m = new Map<string, number>();
    for (const c of checks) if (c.status === status) m.set(c.tool, (m.get(c.tool) ?? 0) + 1);
    return [...m].map(([tool, n]) => `${tool} ${n}`).join(', ');
  };
  const n = (status: CheckResult['status']) => checks.filter((c) => c.status === status).length;
  const parts: string[] = [];
  if (n('ok') > 0) parts.push(`${n('ok')} passed (${by('ok')})`);
  if (n('failed') > 0) parts.push(`${n('failed')} failed (${by('failed')})`);
  if (n('skipped') > 0) {
    const why = [...new Set(checks.filter((c) => c.status === 'skipped').map((c) => `${c.tool}: ${c.message}`))];
    parts.push(`${n('skipped')} skipped (${why.join('; ')})`);
  }
  return parts.length === 0 ? 'no file to check' : parts.join(', ');
}

export function summaryText(r: AppResult, entry: ResolvedEntry, io: Io, st: Style, ms: number, opts: SynthOptions, typecheck?: TypecheckResult): string {
  const s = r.synthesis;
  const { files, bytes } = countFiles(s);
  const where = displayPath(r.outdir, io.cwd);
  const lines: string[] = [];
  const app = displayPath(entry.file, io.cwd);
  const head = r.written
    ? `${st.green('✔')} Synthesized ${app} into ${st.bold(where + '/')} in ${formatSeconds(ms)}`
    : opts.dryRun
      ? `${st.green('✔')} Validated ${app} in ${formatSeconds(ms)} (dry run: ${where}/ untouched)`
      : `${st.green('✔')} Validated ${app} in ${formatSeconds(ms)} (--diff: ${where}/ untouched; --diff --write writes)`;
  lines.push(head);
  if (typecheck) lines.push(`  Type-checked with ${typecheck.compiler} (${displayPath(typecheck.tsconfig, io.cwd)})`);
  lines.push(`  ${plural(s.hosts.length, 'host')}, ${plural(files, 'file')}, ${formatBytes(bytes)}${r.written ? ' (and manifest.json)' : ''}`);
  if (s.hosts.length <= MANY_HOSTS) {
    const w = Math.max(...s.hosts.map((h) => h.hostname.length), 0);
    for (const h of s.hosts) {
      const hb = h.files.reduce((a, f) => a + Buffer.byteLength(f.content, 'utf8'), 0);
      lines.push(`  ${h.hostname.padEnd(w)}  ${plural(h.files.length, 'file').padStart(8)}  ${formatBytes(hb).padStart(8)}${h.vnetJail ? '  VNET jail' : ''}`);
    }
  } else {
    lines.push(`  (each host and file is listed in ${where}/manifest.json)`);
  }
  const jailFiles = new Map<string, string[]>();
  for (const h of s.hosts) {
    for (const f of h.files) if (String(f.target) === 'jail-host') jailFiles.set(f.path, [...(jailFiles.get(f.path) ?? []), h.hostname]);
  }
  if (jailFiles.size > 0) {
    lines.push(`  For the VNET jails, install on the jail's host, not inside the jail:`);
    const w = Math.max(...[...jailFiles.keys()].map((p) => p.length));
    for (const [p, hosts] of [...jailFiles].sort()) lines.push(`    ${p.padEnd(w)}  ${st.dim(shortList(hosts))}`);
  }
  if (s.rootFiles.length > 0) lines.push(`  App files: ${s.rootFiles.map((f) => f.path).join(', ')}`);
  if (r.checks) lines.push(`  Checks: ${checkLine(r.checks)}`);
  if (r.changes) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { countChanges } = require('./diff') as typeof import('./diff');
    const c = countChanges(r.changes);
    lines.push(r.changes.length === 0
      ? `  Changes: none (${where}/ already held this output)`
      : `  Changes: ${plural(r.changes.length, 'file')} (${c.added} added, ${c.modified} modified, ${c.removed} removed)`);
  }
  if (s.warnings.length > 0) lines.push(`  ${st.yellow(plural(s.warnings.length, 'warning'))} (above)`);
  return lines.join('\n') + '\n';
}

export function jsonReport(entry: ResolvedEntry | undefined, results: AppResult[], code: number, started: number, errors: any[], typecheck?: TypecheckResult): unknown {
  return {
    ok: errors.length === 0,
    exitCode: code,
    version: packageVersion(),
    entry: entry?.file ?? null,
    durationMs: Date.now() - started,
    typecheck: typecheck ? { compiler: typecheck.compiler, tsconfig: typecheck.tsconfig, ok: typecheck.ok } : null,
    apps: results.map((r) => {
      const s = r.synthesis;
      return {
        outdir: r.outdir,
        written: r.written,
        ...countFiles(s),
        hosts: s.hosts.map((h) => ({
          hostname: h.hostname,
          construct: h.constructPath,
          vnetJail: h.vnetJail,
          files: h.files.map((f) => ({
            path: f.path,
            bytes: Buffer.byteLength(f.content, 'utf8'),
            mode: `0${(f.mode & 0o7777).toString(8)}`,
            secret: f.secret,
            producer: f.producer,
            target: String(f.target),
          })),
        })),
        appFiles: s.rootFiles.map((f) => f.path),
        warnings: s.warnings.map((w) => ({ path: w.path, message: w.message, value: w.value, allowed: w.allowed, location: w.source })),
        checks: r.checks ?? null,
        changed: r.changes ? r.changes.length > 0 : null,
        changes: r.changes
          ? r.changes.map((c) => ({
            output: c.output,
            hostname: c.hostname ?? null,
            kind: c.kind,
            secret: c.secret,
            oldMode: c.oldMode === undefined ? null : `0${c.oldMode.toString(8)}`,
            newMode: c.newMode === undefined ? null : `0${c.newMode.toString(8)}`,
            added: c.added,
            removed: c.removed,
            diff: c.patch ?? null,
            hidden: c.hidden ?? null,
          }))
          : null,
      };
    }),
    errors,
  };
}
