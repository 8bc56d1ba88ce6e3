import { spawn, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, test } from 'vitest';

const root = path.resolve(__dirname, '../..');
// Run node itself (with tsx's loader), not the tsx wrapper, so that SIGKILL hits the writing process.
const node = process.execPath;
const tsxArgs = ['--require', require.resolve('tsx/cjs', { paths: [root] })];
const appScript = path.join(__dirname, 'fleet-app.ts');

function synth(outdir: string, hosts: number, tag: string) {
  const r = spawnSync(node, [...tsxArgs, appScript, outdir, String(hosts), tag], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`synth failed: ${r.stderr}`);
}

/** Checks that every file listed in the manifest exists with its hash, and returns the tags seen. */
function verify(outdir: string): Set<string> {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const tags = new Set<string>();
  let count = 0;
  for (const h of manifest.hosts) {
    for (const f of h.files) {
      const buf = fs.readFileSync(path.join(outdir, h.hostname, f.path));
      expect(createHash('sha256').update(buf).digest('hex')).toBe(f.sha256);
      if (f.path === '/etc/rc.conf') tags.add(/cdkbsd_tag="([^"]*)"/.exec(buf.toString())![1]);
      count++;
    }
  }
  // No file on disk that the manifest does not list.
  const onDisk = spawnSync('find', [outdir, '-type', 'f'], { encoding: 'utf8' }).stdout.trim().split('\n').length;
  expect(onDisk).toBe(count + 1);
  return tags;
}

describe('atomic output', () => {
  test('a synth killed with SIGKILL while writing a large fleet leaves the previous dist/ intact; the next synth cleans up', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-kill-'));
    const out = path.join(parent, 'dist');
    synth(out, 20, 'old');
    expect(verify(out)).toEqual(new Set(['old']));

    // GIVEN a synth of 1,500 hosts (≈ 180 MB) in progress
    const child = spawn(node, [...tsxArgs, appScript, out, '1500', 'new'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // WHEN its temp folder exists and is being filled, kill it
    const tmpPrefix = '.dist.tmp-';
    const started = Date.now();
    let killedWhileWriting = false;
    while (Date.now() - started < 60_000) {
      const tmp = fs.readdirSync(parent).find((n) => n.startsWith(tmpPrefix));
      if (tmp && fs.existsSync(path.join(parent, tmp)) && fs.readdirSync(path.join(parent, tmp)).length > 50) {
        child.kill('SIGKILL');
        killedWhileWriting = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => child.on('exit', r));
    expect(killedWhileWriting).toBe(true);
    // THEN the previous output is intact, and a stray temp folder is left
    expect(verify(out)).toEqual(new Set(['old']));
    expect(fs.readdirSync(parent).some((n) => n.startsWith(tmpPrefix))).toBe(true);
    // AND the next synth removes it
    synth(out, 5, 'next');
    expect(verify(out)).toEqual(new Set(['next']));
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  }, 120_000);

  test('two synths into the same outdir at once never mix their files', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-race-'));
    const out = path.join(parent, 'dist');
    for (let round = 0; round < 3; round++) {
      const runs = ['a', 'b'].map((tag) => new Promise<number>((resolve) => {
        const c = spawn(node, [...tsxArgs, appScript, out, tag === 'a' ? '60' : '40', `${tag}${round}`], { stdio: 'ignore' });
        c.on('exit', (code) => resolve(code ?? -1));
      }));
      expect(await Promise.all(runs)).toEqual([0, 0]);
      const tags = verify(out);
      expect(tags.size).toBe(1);
      expect(['a', 'b'].map((t) => `${t}${round}`)).toContain([...tags][0]);
      expect(fs.readdirSync(parent)).toEqual(['dist']);
    }
  }, 120_000);
});
