import { Construct, IConstruct } from 'constructs';
import { Diagnostics } from './diagnostics';
import { Severity, ValidationError, ValidationIssue } from './errors';
import { FileTarget, FreeBsdHost } from './host';
import { allConstructs, runPrepare, withinSynth } from './lifecycle';
import { compareStrings } from './private/compare';
import { generatedHeader } from './private/header';
import { SynthFile, SynthHost, Synthesis } from './synthesis';
import { writeAtomically } from './writer';

/**
 * Properties of the App.
 */
export interface AppProps {
  /**
   * Where `synth()` writes. Relative paths resolve from the working directory.
   * @default - the environment variable CDKBSD_OUTDIR, else `dist`
   */
  readonly outdir?: string;
  /**
   * Whether to draw the topology diagram (`topology.dot`, `topology.svg`) at synth.
   * @default - true, unless the environment variable CDKBSD_NO_DIAGRAM is 1
   */
  readonly diagram?: boolean;
}

/**
 * What a synth produced.
 */
export interface SynthSummary {
  /** The absolute output folder. */
  readonly outdir: string;
  /** Number of hosts. */
  readonly hosts: number;
  /** Number of files written (manifest excluded). */
  readonly files: number;
  /** Bytes written (manifest excluded). */
  readonly bytes: number;
  /** Warnings found by validation. */
  readonly warnings: ValidationIssue[];
}

/** @internal An app-level file (under the outdir, not a host's). */
export interface RootFileSpec {
  readonly path: string;
  readonly owner: IConstruct;
  readonly render: () => string;
  readonly mode?: number;
}

/** @internal Something that adds app-level files at synth (the diagram, the deploy playbook). */
export type RootFileProvider = (app: App) => RootFileSpec[];

const providers: RootFileProvider[] = [];

/** @internal Registers an app-level file provider (called by modules at load time). */
export function registerRootFileProvider(p: RootFileProvider): void {
  if (!providers.includes(p)) providers.push(p);
}

/** @internal The hook `npx synth` installs to take over writing (diff, summary). */
export const SYNTH_HOOK = Symbol.for('cdkbsd.synth-hook');

const APP_SYMBOL = Symbol.for('cdkbsd.App');

/** The library version written into the manifest. @internal */
export const VERSION: string = (() => {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../../package.json').version;
  } catch {
    return '0.0.0';
  }
})();

/**
 * The root of a cdkbsd app: holds hosts, clusters and services, and synthesizes every host's files.
 */
export class App extends Construct {
  /** Whether `x` is an App (works across copies of this library). */
  public static isApp(x: unknown): x is App {
    return typeof x === 'object' && x !== null && (x as any)[APP_SYMBOL] === true;
  }

  /** The output folder. */
  public readonly outdir: string;
  /** Whether the topology diagram is drawn. */
  public readonly diagram: boolean;
  private readonly rootFiles: RootFileSpec[] = [];

  constructor(props: AppProps = {}) {
    super(undefined as any, '');
    Object.defineProperty(this, APP_SYMBOL, { value: true });
    this.outdir = props.outdir ?? process.env.CDKBSD_OUTDIR ?? 'dist';
    this.diagram = props.diagram ?? process.env.CDKBSD_NO_DIAGRAM !== '1';
    const registry = (globalThis as any)[Symbol.for('cdkbsd.apps')] as App[] | undefined;
    if (registry) registry.push(this);
  }

  /** @internal Adds an app-level file (relative path under the outdir). */
  public _addRootFile(spec: RootFileSpec): void {
    const i = this.rootFiles.findIndex((f) => f.path === spec.path && f.owner === spec.owner);
    if (i >= 0) this.rootFiles[i] = spec;
    else this.rootFiles.push(spec);
  }

  /** Every host of the app, sorted by hostname. */
  public get hosts(): FreeBsdHost[] {
    return allConstructs(this).filter(FreeBsdHost.isFreeBsdHost).sort((a, b) => compareStrings(a.hostname, b.hostname));
  }

  /**
   * Validates the whole tree and returns the warnings.
   * @throws ValidationError listing every error, sorted by construct path
   */
  public validate(): ValidationIssue[] {
    return withinSynth(() => this.validateNow());
  }

  private validateNow(): ValidationIssue[] {
    runPrepare(this);
    const issues = Diagnostics.collect(this);
    this.validateHostnames(issues);
    const errors = issues.filter((i) => i.severity === Severity.ERROR);
    if (errors.length > 0) throw new ValidationError(errors);
    return issues.filter((i) => i.severity === Severity.WARNING);
  }

  /**
   * Validates, renders and writes every file to `outdir` atomically, with `manifest.json`.
   * Nothing is written when validation fails.
   * @throws ValidationError listing every error, sorted by construct path
   */
  public synth(): SynthSummary {
    const s = this._synthesize();
    const hook = (globalThis as any)[SYNTH_HOOK];
    if (typeof hook === 'function') {
      return hook(this, s);
    }
    writeAtomically(s, this.outdir, VERSION);
    return App._summary(s, this.outdir);
  }

  /** @internal Summary of a synthesis. */
  public static _summary(s: Synthesis, outdir: string): SynthSummary {
    let files = 0;
    let bytes = 0;
    for (const f of [...s.hosts.flatMap((h) => h.files), ...s.rootFiles]) {
      files++;
      bytes += Buffer.byteLength(f.content, 'utf8');
    }
    return { outdir: require('path').resolve(outdir), hosts: s.hosts.length, files, bytes, warnings: s.warnings };
  }

  /** @internal Validates and renders everything in memory. */
  public _synthesize(): Synthesis {
    return withinSynth(() => this.synthesizeNow());
  }

  private synthesizeNow(): Synthesis {
    const warnings = this.validate();
    const hosts: SynthHost[] = this.hosts.map((h) => ({
      hostname: h.hostname,
      release: h.release,
      vnetJail: h.vnetJail,
      managementAddress: h.managementAddress,
      constructPath: h.node.path,
      files: h._fileSpecs().map((f) => {
        const content = renderWithPath(f.owner, f.path, f.render);
        return {
          path: f.path,
          content: withHeader(f.owner, content),
          mode: f.mode,
          secret: f.secret,
          producer: f.owner.node.path,
          target: f.target,
        };
      }),
    }));
    const specs = [...this.rootFiles];
    for (const p of providers) specs.push(...p(this));
    const rootFiles: SynthFile[] = specs
      .map((f) => ({
        path: f.path,
        content: renderWithPath(f.owner, f.path, f.render),
        mode: f.mode ?? 0o644,
        secret: false,
        producer: f.owner.node.path,
        target: FileTarget.HOST,
      }))
      .sort((a, b) => compareStrings(a.path, b.path));
    return { hosts, rootFiles, warnings };
  }

  private validateHostnames(issues: ValidationIssue[]): void {
    const seen = new Map<string, string>();
    for (const h of allConstructs(this).filter(FreeBsdHost.isFreeBsdHost)) {
      const key = String(h.hostname).toLowerCase();
      const prev = seen.get(key);
      if (prev) {
        issues.push({ path: h.node.path, message: `Hostname is also used by ${prev}`, value: h.hostname, allowed: 'a hostname per host', severity: Severity.ERROR });
      } else {
        seen.set(key, h.node.path);
      }
    }
    issues.sort((a, b) => compareStrings(a.path, b.path));
  }
}

/** Renders one file; a failure names the construct and the file (one choke point). */
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
