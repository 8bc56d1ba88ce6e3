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

/** `--check` found a broken file: the failures are already in the results; nothing was written. */
export class CheckFailedError extends Error {
  constructor(public readonly failures: number) {
    super(`${failures} check${failures === 1 ? '' : 's'} failed; nothing was written`);
    this.name = 'CheckFailedError';
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

export const noApp = (entry: string) =>
  new CliError(
    `${entry} ran but created no App.`,
    'The entry should build the tree under `new App()` (from cdkbsd) and call `app.synth()`.',
  );

export const esmNotSupported = (entry: string) =>
  new CliError(`${entry} is an ES module entry (.mjs/.mts); synth runs CommonJS and TypeScript entries (.ts, .cts, .js, .cjs).`,
    'Rename it to .ts: tsx compiles its import statements.');
