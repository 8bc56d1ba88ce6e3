import { FileTarget } from './host';
import { ValidationIssue } from './errors';
import type { PlanSet } from './contribution';

/** @internal One rendered file. */
export interface SynthFile {
  /** Host path (absolute) for host files. Relative path under the outdir for app-level files. */
  readonly path: string;
  readonly content: string;
  readonly mode: number;
  readonly secret: boolean;
  readonly producer: string;
  readonly target: FileTarget;
}

/** @internal The rendered files of one host. */
export interface SynthHost {
  readonly hostname: string;
  readonly release: string;
  readonly vnetJail: boolean;
  readonly managementAddress: string;
  readonly constructPath: string;
  readonly files: SynthFile[];
}

/** @internal Everything a synth produces, in memory, before it is written. */
export interface Synthesis {
  readonly hosts: SynthHost[];
  readonly rootFiles: SynthFile[];
  readonly warnings: ValidationIssue[];
  /** The plans the files were rendered from (absent when read back from a folder). */
  readonly plans?: PlanSet;
  /** Milliseconds spent in each step of the pipeline (for the bench). */
  readonly timings?: SynthTimings;
}

/** @internal Milliseconds per pipeline step. */
export interface SynthTimings {
  readonly validate: number;
  readonly contribute: number;
  readonly plan: number;
  readonly check: number;
  readonly render: number;
}

/**
 * @internal The sizes and sha256 of a synthesis' files, in output order: every host's files in
 * the order of `Synthesis.hosts[i].files`, then `Synthesis.rootFiles`.
 */
export interface FileDigests {
  readonly bytes: number[];
  readonly sha256: string[];
}

/** @internal The manifest.json content (deterministic: no timestamps). */
export function renderManifest(s: Synthesis, version: string, digests: FileDigests): string {
  let next = 0;
  const file = (f: SynthFile, rel: string) => {
    const i = next++;
    return {
      path: rel,
      mode: `0${(f.mode & 0o7777).toString(8)}`,
      bytes: digests.bytes[i],
      sha256: digests.sha256[i],
      producer: f.producer,
      secret: f.secret,
      ...(f.target === FileTarget.JAIL_HOST ? { target: 'jail-host', note: 'install on the VNET jail\'s host, not inside the jail' } : {}),
    };
  };
  const manifest = {
    generator: 'cdkbsd',
    version,
    hosts: s.hosts.map((h) => ({
      hostname: h.hostname,
      release: h.release,
      vnetJail: h.vnetJail,
      managementAddress: h.managementAddress,
      construct: h.constructPath,
      files: h.files.map((f) => ({ ...file(f, f.path), output: `${h.hostname}${f.path}` })),
    })),
    files: s.rootFiles.map((f) => file(f, f.path)),
    warnings: s.warnings.map((w) => ({ path: w.path, message: w.message, ...(w.value !== undefined ? { value: w.value } : {}), ...(w.allowed !== undefined ? { allowed: w.allowed } : {}) })),
  };
  return JSON.stringify(manifest, null, 2) + '\n';
}
