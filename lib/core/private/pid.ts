// No imports: the CLI loads this before `constructs` may be installed (`cdkbsd init`).

/** @internal Whether process `pid` runs (a synth that left a folder may still be writing it). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: any) {
    return e?.code === 'EPERM';
  }
}
