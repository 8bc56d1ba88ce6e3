import * as fs from 'fs';
import * as path from 'path';
import type { Synthesis } from '../core/synthesis';
import { Style } from './format';

/** How a file of the output changes. */
export type ChangeKind = 'added' | 'removed' | 'modified' | 'mode';

/** One changed file of the output folder. */
export interface FileChange {
  /** Path under the output folder (`haproxy01.example.net/etc/rc.conf`, `topology.dot`). */
  readonly output: string;
  /** The host the file belongs to. Undefined for app-level files. */
  readonly hostname?: string;
  readonly kind: ChangeKind;
  /** Whether the file carries a secret (now or before): its content is never shown. */
  readonly secret: boolean;
  readonly oldMode?: number;
  readonly newMode?: number;
  /** The unified diff of the content (undefined for secret files and omitted ones). */
  readonly patch?: string;
  /** Why no patch is shown, when the content changed but `patch` is undefined. */
  readonly hidden?: string;
  /** Lines added and removed (0 for secret files: not counted, so nothing leaks). */
  readonly added: number;
  readonly removed: number;
}

interface OldFile {
  readonly content: string;
  readonly mode: number;
  readonly secret: boolean;
  readonly hostname?: string;
}

interface NewFile {
  readonly content: string;
  readonly mode: number;
  readonly secret: boolean;
  readonly hostname?: string;
}

/** Larger files get no textual diff. */
const MAX_DIFF_BYTES = 512 * 1024;

/** Reads the current output folder: every file but manifest.json, with the old manifest's secret flags. */
function readOld(outdir: string): Map<string, OldFile> {
  const files = new Map<string, OldFile>();
  if (!fs.existsSync(outdir)) return files;
  const secret = new Set<string>();
  const hosts = new Set<string>();
  try {
    const m = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    for (const h of m.hosts ?? []) {
      hosts.add(String(h.hostname));
      for (const f of h.files ?? []) if (f.secret) secret.add(String(f.output ?? `${h.hostname}${f.path}`));
    }
    for (const f of m.files ?? []) if (f.secret) secret.add(String(f.path));
  } catch {
    // No manifest: the writer refuses to replace such a folder unless it is empty.
  }
  const walk = (dir: string, rel: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full, r);
      else if (e.isFile() && r !== 'manifest.json') {
        const first = r.split('/')[0];
        files.set(r, {
          content: fs.readFileSync(full, 'utf8'),
          mode: fs.statSync(full).mode & 0o7777,
          secret: secret.has(r),
          hostname: hosts.has(first) ? first : undefined,
        });
      }
    }
  };
  walk(outdir, '');
  return files;
}

function newFiles(s: Synthesis): Map<string, NewFile> {
  const files = new Map<string, NewFile>();
  for (const h of s.hosts) {
    for (const f of h.files) files.set(`${h.hostname}${f.path}`, { content: f.content, mode: f.mode & 0o7777, secret: f.secret, hostname: h.hostname });
  }
  for (const f of s.rootFiles) files.set(f.path, { content: f.content, mode: f.mode & 0o7777, secret: f.secret });
  return files;
}

function range(start: number, count: number): string {
  const s = count === 0 ? start - 1 : start;
  return count === 1 ? `${s}` : `${s},${count}`;
}

/** A unified diff of one file (GNU diff's format, 3 lines of context). */
function unified(output: string, before: string | undefined, after: string | undefined): { patch: string; added: number; removed: number } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { structuredPatch } = require('diff') as typeof import('diff');
  const p = structuredPatch(output, output, before ?? '', after ?? '', '', '', { context: 3 });
  const out: string[] = [
    before === undefined ? '--- /dev/null' : `--- a/${output}`,
    after === undefined ? '+++ /dev/null' : `+++ b/${output}`,
  ];
  let added = 0;
  let removed = 0;
  for (const h of p.hunks) {
    out.push(`@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@`);
    for (const l of h.lines) {
      if (l.startsWith('+')) added++;
      else if (l.startsWith('-')) removed++;
      out.push(l);
    }
  }
  return { patch: out.join('\n') + '\n', added, removed };
}

/**
 * What writing `s` would change in `outdir`: every added, removed and modified file (content or
 * mode), sorted by output path. Manifest.json is left out (it follows the files).
 * Secret files never get a textual diff.
 */
export function computeChanges(s: Synthesis, outdir: string): FileChange[] {
  const before = readOld(outdir);
  const after = newFiles(s);
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changes: FileChange[] = [];
  for (const output of names) {
    const o = before.get(output);
    const n = after.get(output);
    const secret = (o?.secret ?? false) || (n?.secret ?? false);
    const hostname = n?.hostname ?? o?.hostname;
    const contentChanged = o === undefined || n === undefined || o.content !== n.content;
    const kind: ChangeKind = o === undefined ? 'added' : n === undefined ? 'removed' : contentChanged ? 'modified' : 'mode';
    if (!contentChanged && o!.mode === n!.mode) continue;
    const base = { output, hostname, kind, secret, oldMode: o?.mode, newMode: n?.mode };
    if (!contentChanged) {
      changes.push({ ...base, added: 0, removed: 0 });
    } else if (secret) {
      changes.push({ ...base, hidden: 'secret', added: 0, removed: 0 });
    } else if (output.endsWith('.svg') || Math.max(o?.content.length ?? 0, n?.content.length ?? 0) > MAX_DIFF_BYTES) {
      changes.push({ ...base, hidden: output.endsWith('.svg') ? 'svg' : 'large', added: 0, removed: 0 });
    } else {
      changes.push({ ...base, ...unified(output, o?.content, n?.content) });
    }
  }
  return changes;
}

const octal = (m: number | undefined) => (m === undefined ? '' : `0${m.toString(8)}`);

/**
 * The changes as text: per host, per file, unified diffs (GNU format, `a/` and `b/` prefixes, so
 * `patch -p1` applies them in the output folder). Every other line starts with `# `: host
 * headers, mode changes, and secret files, which only say that they changed.
 */
export function renderChanges(changes: FileChange[], style: Style): string {
  const out: string[] = [];
  let group: string | undefined | null = null;
  const ordered = [...changes].sort((a, b) => {
    // Host files first, grouped by host; app-level files last.
    const ga = a.hostname === undefined ? 1 : 0;
    const gb = b.hostname === undefined ? 1 : 0;
    return ga - gb || (a.output < b.output ? -1 : a.output > b.output ? 1 : 0);
  });
  for (const c of ordered) {
    if (c.hostname !== group) {
      group = c.hostname;
      out.push(style.bold(c.hostname === undefined ? '# app files' : `# host ${c.hostname}`));
    }
    if (c.oldMode !== undefined && c.newMode !== undefined && c.oldMode !== c.newMode) {
      out.push(style.yellow(`# mode ${octal(c.oldMode)} → ${octal(c.newMode)}: ${c.output}`));
    }
    if (c.patch !== undefined) {
      for (const l of c.patch.replace(/\n$/, '').split('\n')) {
        if (l.startsWith('--- ') || l.startsWith('+++ ')) out.push(style.bold(l));
        else if (l.startsWith('@@')) out.push(style.cyan(l));
        else if (l.startsWith('+')) out.push(style.green(l));
        else if (l.startsWith('-')) out.push(style.red(l));
        else out.push(l);
      }
    } else if (c.hidden !== undefined) {
      const what = c.hidden === 'secret' ? 'secret content' : c.hidden === 'svg' ? 'SVG' : 'large file';
      const verb = c.kind === 'added' ? 'added' : c.kind === 'removed' ? 'removed' : 'changed';
      out.push(style.yellow(`# ${what} ${verb}: ${c.output} (diff not shown)`));
    }
  }
  return out.length === 0 ? '' : out.join('\n') + '\n';
}

/** `2 added, 1 modified, 0 removed`-style counts. */
export function countChanges(changes: FileChange[]): { added: number; modified: number; removed: number } {
  return {
    added: changes.filter((c) => c.kind === 'added').length,
    modified: changes.filter((c) => c.kind === 'modified' || c.kind === 'mode').length,
    removed: changes.filter((c) => c.kind === 'removed').length,
  };
}
