import { parseArgs } from 'util';
import { UsageError } from './errors';

/** Options of `synth`, parsed from the command line. */
export interface SynthOptions {
  readonly entry?: string;
  readonly out?: string;
  readonly check: boolean;
  readonly diff: boolean;
  /** With --diff: write after showing the changes (--diff alone writes nothing). */
  readonly write: boolean;
  readonly dryRun: boolean;
  /** Run the project's `tsc --noEmit` before the app. */
  readonly typecheck: boolean;
  readonly quiet: boolean;
  readonly json: boolean;
  readonly diagram: boolean;
  readonly help: boolean;
  readonly version: boolean;
}


export const SYNTH_USAGE = `Usage: synth [options] [entry]

Runs a cdkbsd app and writes every host's files, atomically, into one folder per host.

  entry              the app's entry file (default: "app" of cdkbsd.json, else main.ts)

Options:
  -o, --out DIR      write into DIR (default: $CDKBSD_OUTDIR, else dist)
      --check        check the files with the real tools before writing:
                     haproxy -c (haproxy.conf), /bin/sh -n (rc.conf, sh scripts),
                     pfctl -nf (pf.conf; on FreeBSD only). A failed check writes nothing.
      --diff         print a per-host, per-file unified diff against the current output
                     on stdout (secret files: only whether they changed; the summary
                     goes to stderr) and write nothing
      --write        with --diff: print the diff, then write the new output
  -n, --dry-run      validate (and --check, --diff) but write nothing
      --typecheck    type-check the project first (its own tsc --noEmit, with the
                     nearest tsconfig.json); a type error stops before the app runs
      --no-diagram   skip the topology diagram (same as CDKBSD_NO_DIAGRAM=1)
  -q, --quiet        print errors only
      --json         print a machine-readable summary on stdout
  -h, --help         print this help
  -v, --version      print the version

Exit status:
  0  done (with --diff: nothing changed)
  1  the app is invalid: validation errors, a failed --check or --typecheck, an error
     thrown by the app's code (shown at its line), no entry, a bad option
  2  internal fault of synth itself (the stack trace is printed)
  3  done, and with --diff: the output changed (or would change)

The app runs in this process with CDKBSD_OUTDIR set to a staging folder next to the output
folder and CDKBSD_CLI=1; synth checks what app.synth() wrote there, then swaps it in
(docs/cli.md). Colour only on a terminal; NO_COLOR=1 turns it off, FORCE_COLOR=1 on.
TypeScript entries run with tsx, which does not check types: add --typecheck for that.
`;

/** Parses the arguments of `synth` (without node and the script). */
export function parseSynthArgs(argv: string[]): SynthOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        'out': { type: 'string', short: 'o' },
        'check': { type: 'boolean' },
        'diff': { type: 'boolean' },
        'write': { type: 'boolean' },
        'typecheck': { type: 'boolean' },
        'dry-run': { type: 'boolean', short: 'n' },
        'quiet': { type: 'boolean', short: 'q' },
        'json': { type: 'boolean' },
        'no-diagram': { type: 'boolean' },
        'help': { type: 'boolean', short: 'h' },
        'version': { type: 'boolean', short: 'v' },
      },
    });
  } catch (e: any) {
    throw new UsageError(String(e?.message ?? e).replace(/\. To specify a positional.*$/s, '.'));
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  if (parsed.positionals.length > 1) {
    throw new UsageError(`One entry at most; got ${parsed.positionals.length}: ${parsed.positionals.join(' ')}`);
  }
  if (v.out !== undefined && String(v.out).trim() === '') throw new UsageError('--out needs a folder');
  if (v.write === true && v.diff !== true) throw new UsageError('--write goes with --diff (without --diff, synth writes anyway)');
  if (v.write === true && v['dry-run'] === true) throw new UsageError('--write and --dry-run contradict each other');
  return {
    entry: parsed.positionals[0],
    out: v.out as string | undefined,
    check: v.check === true,
    diff: v.diff === true,
    write: v.write === true,
    dryRun: v['dry-run'] === true,
    typecheck: v.typecheck === true,
    quiet: v.quiet === true,
    json: v.json === true,
    diagram: v['no-diagram'] !== true,
    help: v.help === true,
    version: v.version === true,
  };
}
