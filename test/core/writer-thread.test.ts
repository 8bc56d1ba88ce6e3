/**
 * App.synth() writes a large synthesis on a second thread while rendering (lib/core/writer.ts
 * OutputSink, lib/core/private/write-thread.ts). The output must be byte for byte, mode for mode
 * what the synchronous writer produces, and a failure must behave as it does on the main thread:
 * the error thrown, the temp folder removed, the previous output untouched.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Construct } from 'constructs';
import { afterEach, describe, expect, test } from 'vitest';
import { App, FreeBsdHost } from '../../lib/index';
import { VERSION } from '../../lib/core/app';
import { FileTarget } from '../../lib/core/host';
import type { AppFile, HostContribution } from '../../lib/core/contribution';
import { writeAtomically } from '../../lib/core/writer';
import { buildFleet } from '../../bench/fleet';

const ENV = 'CDKBSD_WRITE_THREAD_MIN_HOSTS';
const saved = process.env[ENV];
afterEach(() => {
  if (saved === undefined) delete process.env[ENV];
  else process.env[ENV] = saved;
});

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-wthread-'));
}

/** Every file and folder under `dir`: relative path → mode and (for files) content. */
function snapshot(dir: string): Record<string, { mode: number; content?: string }> {
  const out: Record<string, { mode: number; content?: string }> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const mode = fs.statSync(p).mode & 0o7777;
      if (e.isDirectory()) {
        out[path.relative(dir, p) + '/'] = { mode };
        walk(p);
      } else out[path.relative(dir, p)] = { mode, content: fs.readFileSync(p, 'utf8') };
    }
  };
  walk(dir);
  return out;
}

/** An app-level file at `rel` (e.g. where a host folder already is). */
class AppFileAt extends Construct {
  constructor(scope: Construct, id: string, private readonly rel: string) {
    super(scope, id);
  }

  public _appFiles(): AppFile[] {
    return [{ path: this.rel, owner: this, render: () => 'x\n' }];
  }
}

/** A file on `host` whose renderer fails. */
class FailingFile extends Construct {
  constructor(scope: Construct, id: string, private readonly host: FreeBsdHost) {
    super(scope, id);
  }

  public _contribute(): HostContribution[] {
    const render = () => {
      throw new Error('no template');
    };
    return [{ host: this.host, owner: this, files: [{ path: '/etc/broken.conf', mode: 0o644, secret: false, target: FileTarget.HOST, owner: this, render }] }];
  }
}

function fleet(outdir: string, sites: number): App {
  return buildFleet(new App({ outdir }), sites);
}

describe('the writer thread', () => {
  test('a 60-site fleet written on the thread is byte-, mode- and manifest-identical to the synchronous writer; same summary', () => {
    const parent = tmpdir();
    process.env[ENV] = '1';
    const threaded = fleet(path.join(parent, 'threaded'), 60)._synthTimed();
    process.env[ENV] = '1000000000';
    const plain = fleet(path.join(parent, 'plain'), 60)._synthTimed();
    expect(threaded.timings.threaded).toBe(true);
    expect(plain.timings.threaded).toBe(false);
    const a = snapshot(path.join(parent, 'threaded'));
    expect(Object.keys(a)).toHaveLength(840 + 1 + 960); // files, manifest.json, folders
    expect(a).toEqual(snapshot(path.join(parent, 'plain')));
    expect({ ...threaded.summary, outdir: '' }).toEqual({ ...plain.summary, outdir: '' });
    expect(threaded.summary.files).toBe(840);
    expect(fs.readdirSync(parent).sort()).toEqual(['plain', 'threaded']);
  });

  test('app-level files go through the thread too; the manifest is what renderManifest writes in memory', () => {
    const parent = tmpdir();
    process.env[ENV] = '1';
    const app = fleet(path.join(parent, 'a'), 2);
    new AppFileAt(app, 'Extra', 'extra/notes.txt');
    const { summary, timings } = app._synthTimed();
    expect(timings.threaded).toBe(true);
    const ref = fleet(path.join(parent, 'b'), 2);
    new AppFileAt(ref, 'Extra', 'extra/notes.txt');
    writeAtomically(ref._synthesize(), path.join(parent, 'b'), VERSION);
    expect(snapshot(path.join(parent, 'a'))).toEqual(snapshot(path.join(parent, 'b')));
    expect(summary.files).toBe(4 * 7 + 1);
    expect(fs.readFileSync(path.join(parent, 'a', 'extra/notes.txt'), 'utf8')).toBe('x\n');
  });

  test('a write that fails on the thread (a file where a folder is) throws the fs error; the old output stays, no temp folder', () => {
    const parent = tmpdir();
    const out = path.join(parent, 'dist');
    process.env[ENV] = '1';
    fleet(out, 2).synth();
    const before = snapshot(out);
    const app = fleet(out, 3);
    new AppFileAt(app, 'Clash', 'lb1.site0000.example.net/etc');
    expect(() => app.synth()).toThrow(/^EISDIR: illegal operation on a directory, open '.*\.dist\.tmp-\d+-\w+\/lb1\.site0000\.example\.net\/etc'$/);
    try {
      app.synth();
    } catch (e: any) {
      expect(e.code).toBe('EISDIR');
    }
    expect(snapshot(out)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  });

  test('a renderer failing after the thread started writing: the render error, the old output stays, no temp folder', () => {
    const parent = tmpdir();
    const out = path.join(parent, 'dist');
    process.env[ENV] = '1';
    fleet(out, 1).synth();
    const before = snapshot(out);
    const app = fleet(out, 10);
    const last = app.hosts[app.hosts.length - 1];
    new FailingFile(app, 'Broken', last);
    expect(() => app.synth()).toThrow(`Failed rendering /etc/broken.conf of construct at path 'Broken': no template`);
    expect(snapshot(out)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  });

  test('a full disk while the thread writes (a 256 KiB tmpfs, as root): ENOSPC, the old output stays, no temp folder', () => {
    const unshare = spawnSync('unshare', ['--mount', 'true']);
    if (process.getuid?.() !== 0 || unshare.status !== 0) {
      console.warn('skipped: needs root and unshare --mount');
      return;
    }
    const root = path.resolve(__dirname, '../..');
    const dir = tmpdir();
    const script = path.join(dir, 'full.ts');
    fs.writeFileSync(script, `
      const { App } = require(${JSON.stringify(path.join(root, 'lib/index'))}); // as bench/fleet.ts imports it
      const { buildFleet } = require(${JSON.stringify(path.join(root, 'bench/fleet'))});
      const fs = require('fs');
      const out = process.argv[2] + '/dist';
      buildFleet(new App({ outdir: out }), 1).synth();
      const before = fs.readFileSync(out + '/manifest.json', 'utf8');
      try {
        buildFleet(new App({ outdir: out }), 60).synth();
        console.log('no error');
      } catch (e) {
        console.log(JSON.stringify({ code: e.code, message: e.message, same: fs.readFileSync(out + '/manifest.json', 'utf8') === before, left: fs.readdirSync(process.argv[2]) }));
      }
    `);
    const mnt = path.join(dir, 'mnt');
    fs.mkdirSync(mnt);
    const tsx = require.resolve('tsx/cjs', { paths: [root] });
    const r = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c',
      `mount -t tmpfs -o size=256k tmpfs "$1" && exec "$2" --require "$3" "$4" "$1"`, 'sh', mnt, process.execPath, tsx, script],
    { encoding: 'utf8', env: { ...process.env, [ENV]: '1' } });
    expect(r.stderr).toBe('');
    const got = JSON.parse(r.stdout.trim());
    expect(got.code).toBe('ENOSPC');
    expect(got.message).toMatch(/^ENOSPC: no space left on device/);
    expect(got.same).toBe(true);
    expect(got.left).toEqual(['dist']);
  });
});
