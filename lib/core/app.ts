import * as path from 'path';
import { Construct } from 'constructs';
import { ValidationIssue } from './errors';
import { FreeBsdHost } from './host';
import { synthesize } from './pipeline';
import { compareStrings } from './private/compare';
import { FileDigests, Synthesis, SynthTimings } from './synthesis';
import { OutputSink } from './writer';
import { checkInit } from './private/check-props';

/**
 * Properties of the App.
 */
export interface AppProps {
  /**
   * Where `synth()` writes. Relative paths resolve from the working directory.
   * @default - the environment variable CDKBSD_OUTDIR, else `dist`
   */
  readonly outdir?: string;
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
 *
 * `synth()` runs the pipeline (validate, contribute, plan, cross-check, render; see
 * docs/architecture.md) and writes the result atomically into `outdir`, with `manifest.json`.
 * `npx synth` passes the folder by the environment variable CDKBSD_OUTDIR (docs/cli.md).
 *
 * @example
 * const app = new App();
 * const host = new FreeBsdHost(app, 'Web', { hostname: 'web.example.net' });
 * host.addInterface('vtnet0', { ipv4: '192.0.2.10/24' });
 * app.synth(); // dist/web.example.net/etc/rc.conf …
 */
export class App extends Construct {
  /** Whether `x` is an App (works across copies of this library). */
  public static isApp(x: unknown): x is App {
    return typeof x === 'object' && x !== null && (x as any)[APP_SYMBOL] === true;
  }

  /** @internal Summary of a synthesis, with the sizes the writer returned. */
  public static _summary(s: Synthesis, outdir: string, digests: FileDigests): SynthSummary {
    let bytes = 0;
    for (const n of digests.bytes) bytes += n;
    return { outdir: path.resolve(outdir), hosts: s.hosts.length, files: digests.bytes.length, bytes, warnings: s.warnings };
  }

  /** The output folder. */
  public readonly outdir: string;

  constructor(props: AppProps = {}) {
    super(undefined as any, '');
    checkInit(this, 'cdkbsd.App', props);
    Object.defineProperty(this, APP_SYMBOL, { value: true });
    this.outdir = props.outdir ?? process.env.CDKBSD_OUTDIR ?? 'dist';
  }

  /** Every host of the app, sorted by hostname. */
  public get hosts(): FreeBsdHost[] {
    return this.node.findAll().filter(FreeBsdHost.isFreeBsdHost).sort((a, b) => compareStrings(a.hostname, b.hostname));
  }

  /**
   * Validates the whole tree and returns the warnings.
   * @throws ValidationError listing every error, sorted by construct path
   */
  public validate(): ValidationIssue[] {
    return synthesize(this).warnings;
  }

  /**
   * Validates, renders and writes every file to `outdir` atomically, with `manifest.json`.
   * Nothing is written when validation fails.
   * @throws ValidationError listing every error, sorted by construct path
   */
  public synth(): SynthSummary {
    return this._synthTimed().summary;
  }

  /**
   * @internal What `synth()` does, with the milliseconds of each step for the bench: the
   * pipeline's steps, then `write`, from the end of rendering to the output swapped in. For a
   * large app the files are written on a second thread while the next hosts render (writer.ts
   * `OutputSink`); then `write` is only what was left to wait for, and `writeThread` is the
   * thread's own time spent writing.
   */
  public _synthTimed(version: string = VERSION): { summary: SynthSummary; timings: SynthTimings & { write: number; writeThread: number; threaded: boolean } } {
    const sink = new OutputSink(this.outdir, version);
    let s: Synthesis;
    try {
      s = synthesize(this, (h, i, n) => sink.host(h, i, n));
    } catch (e) {
      sink.abort();
      throw e;
    }
    const t0 = performance.now();
    const digests = sink.finish(s);
    const write = performance.now() - t0;
    return {
      summary: App._summary(s, this.outdir, digests),
      timings: { ...s.timings!, write, writeThread: sink.threadBusyMs, threaded: sink.threaded },
    };
  }

  /** @internal Validates and renders everything in memory. */
  public _synthesize(): Synthesis {
    return synthesize(this);
  }
}
