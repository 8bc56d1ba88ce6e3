import { parseArgs } from 'util';
import { UsageError } from './errors';

/** Options of `synth`, parsed from the command line. */
export interface SynthOptions {
  readonly entry?: string;
  readonly out?: string;
  readonly check: boolean;
  readonly diff: boolean;
  readonly dryRun: boolean;
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
  -o, --out DIR      write into DIR (passed to the app as CDKBSD_OUTDIR; default: dist)
      --check        check the files with the real tools before writing:
                     haproxy -c (haproxy.conf), /bin/sh -n (rc.conf, sh scripts),
                     pfctl -nf (pf.conf; on FreeBSD only). A failed check writes nothing.
      --diff         print a per-host, per-file unified diff against the current output
                     on stdout (secret files: only whether they changed; the summary
                     goes to stderr; the new output is then written, unless --dry-run)
  -n, --dry-run      validate (and --check, --diff) but write nothing
      --no-diagram   skip the topology diagram (same as CDKBSD_NO_DIAGRAM=1)
  -q, --quiet        print errors only
      --json         print a machine-readable summary on stdout
  -h, --help         print this help
  -v, --version      print the version

Exit status:
  0  done (with --diff: nothing changed)
  1  the app is invalid (validation errors, a failed --check, no entry, a bad option)
  2  internal fault (a bug in cdkbsd or in the app; the stack trace is printed)
  3  done, and with --diff: the output changed

Colour only on a terminal; NO_COLOR=1 turns it off, FORCE_COLOR=1 on.
TypeScript entries run with tsx (no type-check: run tsc --noEmit for that).
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
  return {
    entry: parsed.positionals[0],
    out: v.out as string | undefined,
    check: v.check === true,
    diff: v.diff === true,
    dryRun: v['dry-run'] === true,
    quiet: v.quiet === true,
    json: v.json === true,
    diagram: v['no-diagram'] !== true,
    help: v.help === true,
    version: v.version === true,
  };
}
