// The bad-input catalogue (cases in catalogue-cases.ts): each named case must fail `app.synth()`
// with a ValidationError carrying the exact message at the exact construct path, and must leave
// the output folder — which holds the previous valid output — byte for byte as it was, with no
// temporary folder left next to it.
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Errors } from '../../lib/index';
import { CASES } from './catalogue-cases';
import { buildFull, describeError, snapshot, tempDir } from './fixtures';

let parent: string;
let outdir: string;

function writeValid(): void {
  buildFull({ outdir }).app.synth();
}

beforeAll(() => {
  parent = tempDir('cdkbsd-catalogue-');
  outdir = path.join(parent, 'dist');
  writeValid();
});

afterAll(() => fs.rmSync(parent, { recursive: true, force: true }));

describe('bad-input catalogue: exact message, construct path, nothing written', () => {
  test('the catalogue has at least 50 named cases with unique names', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(50);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  for (const c of CASES) {
    // Cases with c.bug found a bug in lib/ (see /work/notes/robustness-bugs.md).
    test(`${c.bug ? `${c.bug}: ` : ''}${c.name}`, () => {
      const before = snapshot(outdir);
      let thrown: unknown;
      try {
        const f = buildFull({ outdir, inject: (s, d) => (c.inject && s in c.inject ? c.inject[s] : d) });
        c.mutate?.(f);
        f.app.synth();
      } catch (e) {
        thrown = e;
      }
      const after = snapshot(outdir);
      if (after !== before) writeValid(); // a case that got through wrote: restore for the next ones
      expect(thrown, 'synth must fail').toBeDefined();
      expect(Errors.isValidationError(thrown), `a ValidationError, not ${describeError(thrown)}`).toBe(true);
      const issues = Errors.issuesOf(thrown);
      expect(issues.every((i) => i.path !== '' && i.message !== '')).toBe(true);
      const match = issues.filter((i) => i.path === c.path && (typeof c.message === 'string' ? i.message === c.message : c.message.test(i.message)));
      expect(match, `expected [${c.path}] ${c.message}; got:\n${issues.map((i) => `[${i.path}] ${i.message}`).join('\n')}`).toHaveLength(1);
      expect(after).toBe(before);
    });
  }
});
