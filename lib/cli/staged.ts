/**
 * The staging folder of `synth` (docs/cli.md): the CLI passes it to the app as CDKBSD_OUTDIR,
 * the app's `app.synth()` writes its output there (manifest.json and the files), and the CLI
 * reads it back, checks and diffs it, then swaps it into the real output folder or deletes it.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Severity, ValidationIssue } from '../core/errors';
import type { SynthFile, SynthHost, Synthesis } from '../core/synthesis';
import { pidAlive } from '../core/private/pid';

/** Names of staging folders start with this (the repository's and the scaffold's .gitignore skip them). */
export const STAGING_PREFIX = '.cdkbsd-staging-';

/** The staging folder for `outdir`: a sibling (the same file system, so the swap is a rename). */
export function stagingPath(outdir: string, pid: number = process.pid): string {
  return path.join(path.dirname(outdir), `${STAGING_PREFIX}${path.basename(outdir)}-${pid}`);
}

/**
 * Removes what a killed `synth` into `outdir` left next to it: its staging folder and the
 * writer's temporary folders of that staging folder (`..cdkbsd-staging-…tmp-…`).
 */
export function removeDeadStagings(outdir: string): void {
  const parent = path.dirname(outdir);
  const prefix = `${STAGING_PREFIX}${path.basename(outdir)}-`;
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return;
  }
  for (const n of names) {
    const bare = n.startsWith(`.${prefix}`) ? n.slice(1) : n;
    if (!bare.startsWith(prefix)) continue;
    const m = /^(\d+)(?:\.|$)/.exec(bare.slice(prefix.length));
    if (!m || pidAlive(Number(m[1]))) continue;
    fs.rmSync(path.join(parent, n), { recursive: true, force: true });
  }
}

/**
 * Counts the synths into the staging folder while the app runs. The writer renames a complete
 * folder into place (one rename event on its name) and, when it replaces one, first moves the
 * old one away (another): more than one event means more than one synth (several Apps, or
 * `app.synth()` called twice), whose outputs would silently replace each other.
 * Where the platform cannot watch, `synths()` says 1 whenever the folder exists.
 */
export class SynthCounter {
  private events = 0;
  private readonly watcher?: fs.FSWatcher;

  constructor(private readonly staging: string) {
    const name = path.basename(staging);
    try {
      this.watcher = fs.watch(path.dirname(staging), { persistent: false }, (_type, file) => {
        if (file === name) this.events++;
      });
      this.watcher.on('error', () => this.close());
    } catch {
      this.watcher = undefined;
    }
  }

  /** How many synths arrived (events are read after two turns of the event loop). */
  public async synths(): Promise<number> {
    const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
    await turn();
    await turn();
    const there = fs.existsSync(path.join(this.staging, 'manifest.json'));
    if (!there) return 0;
    return Math.max(1, Math.ceil((this.events + 1) / 2));
  }

  public close(): void {
    this.watcher?.close();
  }
}

/** Thrown when the staged folder is not what its manifest says (a fault of cdkbsd, not the app's). */
export class StagingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StagingError';
  }
}

/**
 * Reads a synthesis back from the folder `app.synth()` wrote: manifest.json (hosts, files with
 * path, mode, sha256, producer, secret flag, target, the warnings) and every file it lists,
 * each checked against its size and sha256.
 */
export function readStaged(dir: string): Synthesis {
  let m: any;
  try {
    m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  } catch (e: any) {
    throw new StagingError(`cannot read the staged manifest.json: ${e?.message ?? e}`);
  }
  if (m?.generator !== 'cdkbsd' || !Array.isArray(m.hosts) || !Array.isArray(m.files)) {
    throw new StagingError('the staged manifest.json is not a cdkbsd manifest (generator, hosts, files)');
  }
  const file = (rel: string, f: any): SynthFile => {
    const buf = fs.readFileSync(path.join(dir, rel));
    if (buf.length !== f.bytes || createHash('sha256').update(buf).digest('hex') !== f.sha256) {
      throw new StagingError(`the staged file ${rel} does not match its entry in manifest.json`);
    }
    return {
      path: String(f.path),
      content: buf.toString('utf8'),
      mode: parseInt(String(f.mode), 8),
      secret: f.secret === true,
      producer: String(f.producer ?? ''),
      target: (f.target === 'jail-host' ? 'jail-host' : 'host') as SynthFile['target'],
    };
  };
  const hosts: SynthHost[] = m.hosts.map((h: any) => ({
    hostname: String(h.hostname),
    release: String(h.release ?? ''),
    vnetJail: h.vnetJail === true,
    managementAddress: String(h.managementAddress ?? ''),
    constructPath: String(h.construct ?? ''),
    files: (h.files ?? []).map((f: any) => file(String(f.output ?? `${h.hostname}${f.path}`), f)),
  }));
  const warnings: ValidationIssue[] = (m.warnings ?? []).map((w: any) => ({
    path: String(w.path ?? ''),
    message: String(w.message ?? ''),
    ...(w.value !== undefined ? { value: String(w.value) } : {}),
    ...(w.allowed !== undefined ? { allowed: String(w.allowed) } : {}),
    ...(w.source !== undefined ? { source: String(w.source) } : {}),
    severity: Severity.WARNING,
  }));
  return { hosts, rootFiles: m.files.map((f: any) => file(String(f.path), f)), warnings };
}
