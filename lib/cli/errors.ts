/**
 * A problem of the user's making that the CLI reports in one or two lines, without a stack
 * trace, and exits 1: no entry, a bad option, a folder that is not ours.
 */
export class CliError extends Error {
  /** What to do about it (printed under the message). */
  public readonly hint?: string;

  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'CliError';
    this.hint = hint;
  }
}

/** A mistake on the command line: printed with a pointer to --help. */
export class UsageError extends CliError {
  constructor(message: string, command = 'synth') {
    super(message, `Run \`${command} --help\` for usage.`);
    this.name = 'UsageError';
  }
}

/** `--check` found a broken file: the failures are already in the results. Nothing was written. */
export class CheckFailedError extends Error {
  constructor(public readonly failures: number) {
    super(`${failures} check${failures === 1 ? '' : 's'} failed; nothing was written`);
    this.name = 'CheckFailedError';
  }
}

/** `--typecheck` found type errors: the compiler's output is printed. The app did not run. */
export class TypecheckFailedError extends Error {
  constructor(public readonly result: { readonly compiler: string; readonly output: string }) {
    super(`the project has type errors (${result.compiler} --noEmit)`);
    this.name = 'TypecheckFailedError';
  }
}

export const noEntry = (cwd: string) =>
  new CliError(
    `No app to run in ${cwd}: no entry was given, no cdkbsd.json names one, and there is no main.ts.`,
    'Give the entry (`npx synth path/to/main.ts`), or set "app" in cdkbsd.json, or run `npx cdkbsd init` in an empty folder.',
  );

export const entryNotFound = (entry: string, from: string) =>
  new CliError(`The entry ${entry} (${from}) does not exist.`);

export const badConfig = (file: string, problem: string) =>
  new CliError(`${file}: ${problem}`, 'cdkbsd.json looks like {"app": "main.ts"}.');

export const tsxMissing = (entry: string) =>
  new CliError(
    `Cannot run ${entry}: tsx, which runs TypeScript entries, is not installed.`,
    'Install it next to your app: `npm install --save-dev tsx`.',
  );

export const noSynth = (entry: string) =>
  new CliError(
    `${entry} ran but never called app.synth(): nothing arrived in the folder synth passes to it as CDKBSD_OUTDIR.`,
    'Build the tree under `new App()` (from cdkbsd) and end the entry with `app.synth()`. '
    + 'An App given its own `outdir` writes there by itself, past --check, --diff and --dry-run: leave `outdir` out and choose the folder with `synth --out DIR`.',
  );

export const severalSynths = (entry: string, synths: number) =>
  new CliError(
    `${entry} synthesized ${synths} times into the one folder synth passes to it as CDKBSD_OUTDIR (several Apps, or app.synth() called more than once): each would replace the one before.`,
    'synth handles one App per entry: give each App its own entry and run `synth --out DIR` for each, '
    + 'or call app.synth() once. (An App given its own `outdir` writes there by itself, past synth.)',
  );

export const esmNotSupported = (entry: string) =>
  new CliError(`${entry} is an ES module entry (.mjs/.mts); synth runs CommonJS and TypeScript entries (.ts, .cts, .js, .cjs).`,
    'Rename it to .ts: tsx compiles its import statements.');
