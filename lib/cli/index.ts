/**
 * The command line: `synth` (run an app, write its hosts' files) and `cdkbsd` (`init`, `synth`).
 * bin/synth and bin/cdkbsd are thin launchers into `main`. Internal: not exported from lib/index.ts.
 */
import { runCdkbsd } from './cdkbsd';
import { runSynth } from './synth';

export { runSynth, runCdkbsd };

/** Runs a command and exits with its status once stdout and stderr are flushed. */
export function main(command: string, argv: string[]): void {
  const run = command === 'cdkbsd' ? runCdkbsd : runSynth;
  run(argv).then(exit, (e: any) => {
    process.stderr.write(`internal error: ${e?.stack ?? e}\n`);
    exit(2);
  });
}

function exit(code: number): void {
  process.exitCode = code;
  // Exit even if the app left timers or sockets open, but only once the output is flushed
  // (writes to pipes are asynchronous on some platforms).
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
