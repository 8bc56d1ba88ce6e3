// Issue 7: the generated playbook of every example passes ansible-playbook --syntax-check and
// ansible-lint (production profile, offline, no rule skipped).
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, describe, expect, test } from 'vitest';
import { App } from '../../lib/index';
import { ExternalTools } from '../../lib/testing/tools';
import { buildReferenceApp } from '../../examples/ha-reverse-proxy/main';
import { buildSingleHostApp } from '../../examples/single-host/main';
import { removeTempDirs, run, tempDir } from './fixtures';

afterAll(removeTempDirs);

const skip = ExternalTools.shouldSkip('ansible-playbook', 'syntax-check the examples\' playbooks')
  || ExternalTools.shouldSkip('ansible-lint', 'lint the examples\' playbooks');

const EXAMPLES: Array<[string, (app: App) => App]> = [
  ['ha-reverse-proxy (the main example)', buildReferenceApp],
  ['single-host', buildSingleHostApp],
];

describe.skipIf(skip)('the examples\' dist/deploy with the real tools', () => {
  test.each(EXAMPLES)('%s: syntax-check and ansible-lint pass', (_name, build) => {
    const outdir = path.join(tempDir('cdkbsd-deploy-example-'), 'dist');
    build(new App({ outdir })).synth();
    const cwd = path.join(outdir, 'deploy');
    expect(fs.readdirSync(cwd).sort()).toEqual(['inventory.yml', 'site.yml']);
    const syntax = run('ansible-playbook', ['--syntax-check', '-i', 'inventory.yml', 'site.yml'], cwd);
    expect(syntax.status, syntax.stdout + syntax.stderr).toBe(0);
    const lint = run('ansible-lint', ['--offline', '--profile', 'production', '--nocolor', 'site.yml'], cwd);
    expect(lint.status, lint.stdout + lint.stderr).toBe(0);
  });
});
