import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { SynthFile, Synthesis } from '../core/synthesis';

/** The outcome of one tool on one file. */
export interface CheckResult {
  /** The command, e.g. `haproxy -c`. */
  readonly tool: string;
  /** The file, as a path under the output folder. */
  readonly output: string;
  /** `ok`, `failed`, or `skipped` (the tool does not exist here). */
  readonly status: 'ok' | 'failed' | 'skipped';
  /** What the tool said (for a secret file, quoted text is redacted). Why it was skipped. */
  readonly message: string;
  /** The tool's warnings (haproxy's `[WARNING]` lines). */
  readonly warnings: string[];
}

/** Which checker a file gets, if any. */
export type CheckerName = 'haproxy' | 'sh' | 'pfctl';

/** The checker for a host file, by its path and content. */
export function checkerFor(file: Pick<SynthFile, 'path' | 'content'>): CheckerName | undefined {
  const base = path.posix.basename(file.path);
  if (/^haproxy.*\.(conf|cfg)$/.test(base)) return 'haproxy';
  if (base === 'pf.conf') return 'pfctl';
  if (file.path === '/etc/rc.conf' || file.path === '/etc/rc.conf.local' || file.path.startsWith('/etc/rc.conf.d/')) return 'sh';
  if (/^#!\s*\/bin\/sh\b/.test(file.content)) return 'sh';
  return undefined;
}

const TOOL_LABEL: Record<CheckerName, string> = { haproxy: 'haproxy -c', sh: '/bin/sh -n', pfctl: 'pfctl -nf' };

function onPath(command: string): boolean {
  const r = spawnSync('/bin/sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '';
}

/** Hides quoted text in a tool's message about a secret file (the tool may quote the offending word). */
export function redactQuoted(text: string): string {
  return text.replace(/'[^'\n]*'|"[^"\n]*"|`[^`\n]*`/g, '«redacted»');
}

/** Progress callback: (done, total, current file). */
export type ProgressFn = (done: number, total: number, what: string) => void;

/**
 * Runs the real tools that exist on this machine on every file of the synthesis that has one:
 * `haproxy -c` (staged with self-signed certificates, see lib/haproxy/haproxy-check.ts), `/bin/sh -n`,
 * and `pfctl -nf` on FreeBSD. Nothing is written to the output folder.
 */
export function runChecks(s: Synthesis, progress?: ProgressFn): CheckResult[] {
  const jobs: { output: string; file: SynthFile; checker: CheckerName }[] = [];
  for (const h of s.hosts) {
    for (const f of h.files) {
      const checker = checkerFor(f);
      if (checker) jobs.push({ output: `${h.hostname}${f.path}`, file: f, checker });
    }
  }
  const have = new Map<CheckerName, string | undefined>(); // undefined = usable, else why not
  const why = (c: CheckerName): string | undefined => {
    if (!have.has(c)) {
      if (c === 'haproxy') have.set(c, onPath('haproxy') ? undefined : 'haproxy is not installed');
      else if (c === 'pfctl') have.set(c, process.platform !== 'freebsd' ? 'pfctl exists on FreeBSD only' : onPath('pfctl') ? undefined : 'pfctl is not on the PATH');
      else have.set(c, fs.existsSync('/bin/sh') ? undefined : '/bin/sh does not exist');
    }
    return have.get(c);
  };
  const results: CheckResult[] = [];
  jobs.forEach((job, i) => {
    progress?.(i, jobs.length, job.output);
    const tool = TOOL_LABEL[job.checker];
    const skip = why(job.checker);
    if (skip !== undefined) {
      results.push({ tool, output: job.output, status: 'skipped', message: skip, warnings: [] });
      return;
    }
    const r = job.checker === 'haproxy' ? checkHaproxy(job.file.content, job.output)
      : job.checker === 'sh' ? checkWithStdin('/bin/sh', ['-n'], job.file.content, job.output)
        : checkWithStdin('pfctl', ['-nf', '-'], job.file.content, job.output);
    const clean = (t: string) => (job.file.secret ? redactQuoted(t) : t);
    results.push({ tool, output: job.output, status: r.ok ? 'ok' : 'failed', message: clean(r.output.trim()), warnings: r.warnings.map(clean) });
  });
  return results;
}

function checkWithStdin(cmd: string, args: string[], content: string, output: string): { ok: boolean; output: string; warnings: string[] } {
  const r = spawnSync(cmd, args, { input: content, encoding: 'utf8', timeout: 30_000 });
  const text = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`;
  // Name the file instead of "stdin"/"-" in the tool's messages.
  return { ok: r.status === 0, output: text.replace(/^(\/bin\/sh|sh|stdin|-): /gm, `${output}: `), warnings: [] };
}

function checkHaproxy(content: string, output: string): { ok: boolean; output: string; warnings: string[] } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { HaproxyCheck } = require('../haproxy/haproxy-check') as typeof import('../haproxy/haproxy-check');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-check-'));
  try {
    const r = HaproxyCheck.check(content, { directory: dir });
    const staged = path.join(dir, 'haproxy.conf');
    const name = (t: string) => t.split(staged).join(output).split(dir).join('<staging>');
    return { ok: r.ok, output: name(r.output), warnings: r.warnings.map(name) };
  } catch (e: any) {
    return { ok: false, output: `could not stage the config for haproxy -c: ${e?.message ?? e}`, warnings: [] };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
