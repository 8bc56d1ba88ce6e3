import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { CliError, UsageError } from './errors';
import { colourWanted, displayPath, styleFor } from './format';
import type { Io } from './synth';
import { packageVersion } from './version';

export const CDKBSD_USAGE = `Usage: cdkbsd <command> [options]

Commands:
  init [dir]         scaffold a new cdkbsd project in dir (default: the current folder),
                     which must be empty (a .git folder is allowed)
  synth [options]    the same as \`synth\` (see \`synth --help\`)

Options of init:
      --name NAME    the package name (default: the folder's name)

  -h, --help         print this help
  -v, --version      print the version
`;

/** The files `init` writes: template file (under templates/) → path in the new project. */
const TEMPLATE_FILES: Array<[string, string, number]> = [
  ['package.json.tmpl', 'package.json', 0o644],
  ['cdkbsd.json.tmpl', 'cdkbsd.json', 0o644],
  ['tsconfig.json.tmpl', 'tsconfig.json', 0o644],
  ['main.ts.tmpl', 'main.ts', 0o644],
  ['main.test.ts.tmpl', 'main.test.ts', 0o644],
  ['README.md.tmpl', 'README.md', 0o644],
  ['gitignore.tmpl', '.gitignore', 0o644],
];

/** Entries an "empty" folder may already hold. */
const ALLOWED_EXISTING = new Set(['.git']);

/** The folder the templates ship in (plain files, not .ts, so that npm packs them). */
export function templateDir(): string {
  return path.join(__dirname, 'templates');
}

/** A valid npm package name made from a folder name. */
export function packageNameFor(folder: string): string {
  const n = folder.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '').replace(/-+$/, '').slice(0, 214);
  return n === '' ? 'cdkbsd-app' : n;
}

/** Fills `{{key}}` placeholders. An unknown key is a bug in the template. */
export function fillTemplate(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => {
    if (!(k in values)) throw new Error(`template placeholder {{${k}}} has no value`);
    return values[k];
  });
}

/**
 * Writes a new project into `dir` (created when missing): package.json, cdkbsd.json, tsconfig.json,
 * main.ts (two hosts with CARP, HAProxy and PF), main.test.ts, README.md, .gitignore.
 * Returns the files written, relative to `dir`.
 * @throws CliError when `dir` is not empty
 */
export function initProject(dir: string, name?: string): string[] {
  if (fs.existsSync(dir)) {
    if (!fs.statSync(dir).isDirectory()) throw new CliError(`${dir} exists and is not a folder.`);
    const present = fs.readdirSync(dir).filter((e) => !ALLOWED_EXISTING.has(e));
    if (present.length > 0) {
      const shown = present.slice(0, 5).join(', ') + (present.length > 5 ? ', …' : '');
      throw new CliError(`${dir} is not empty (${shown}); init writes only into an empty folder.`,
        'Create a new folder, or run `npx cdkbsd init my-infra` to create one.');
    }
  }
  const values = {
    name: packageNameFor(name ?? path.basename(path.resolve(dir))),
    cdkbsdVersion: `^${packageVersion()}`,
    version: packageVersion(),
  };
  if (name !== undefined && packageNameFor(name) !== name) {
    throw new UsageError(`--name ${JSON.stringify(name)} is not a valid npm package name (try ${packageNameFor(name)})`, 'cdkbsd');
  }
  const rendered = TEMPLATE_FILES.map(([tmpl, target, mode]) => {
    const text = fs.readFileSync(path.join(templateDir(), tmpl), 'utf8');
    return { target, mode, content: fillTemplate(text, values) };
  });
  fs.mkdirSync(dir, { recursive: true });
  for (const f of rendered) fs.writeFileSync(path.join(dir, f.target), f.content, { mode: f.mode, flag: 'wx' });
  return rendered.map((f) => f.target);
}

function defaultIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
}

/** `cdkbsd <command>`: init, synth, --help, --version. Returns the exit status. */
export async function runCdkbsd(argv: string[], io: Io = defaultIo()): Promise<number> {
  const st = styleFor(colourWanted(io.stderr, io.env));
  const [command, ...rest] = argv;
  if (command === 'synth') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('./synth') as typeof import('./synth')).runSynth(rest, io);
  }
  try {
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      io.stdout.write(CDKBSD_USAGE);
      return command === undefined ? 1 : 0;
    }
    if (command === '-v' || command === '--version') {
      io.stdout.write(`${packageVersion()}\n`);
      return 0;
    }
    if (command !== 'init') throw new UsageError(`Unknown command ${JSON.stringify(command)}`, 'cdkbsd');
    let parsed;
    try {
      parsed = parseArgs({ args: rest, allowPositionals: true, strict: true, options: { name: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
    } catch (e: any) {
      throw new UsageError(String(e?.message ?? e), 'cdkbsd');
    }
    if (parsed.values.help) {
      io.stdout.write(CDKBSD_USAGE);
      return 0;
    }
    if (parsed.positionals.length > 1) throw new UsageError('init takes one folder at most', 'cdkbsd');
    const dir = path.resolve(io.cwd, parsed.positionals[0] ?? '.');
    const files = initProject(dir, parsed.values.name as string | undefined);
    const out = styleFor(colourWanted(io.stdout, io.env));
    const rel = displayPath(dir, io.cwd);
    io.stdout.write([
      `${out.green('✔')} Created a cdkbsd project in ${out.bold(rel)}: ${files.join(', ')}`,
      '',
      'Next:',
      ...(rel === '.' ? [] : [`  cd ${rel}`]),
      `  npm install /path/to/cdkbsd-${packageVersion()}.tgz   # while cdkbsd is not on npm: \`npm pack\` in a cdkbsd checkout (README.md)`,
      '  npm test              # unit tests of the topology (vitest)',
      '  npm run typecheck     # tsc --noEmit',
      '  npx synth             # writes dist/: one folder per host',
      '',
    ].join('\n'));
    return 0;
  } catch (e: any) {
    if (e instanceof CliError) {
      io.stderr.write(`${st.red('error:')} ${e.message}\n${e.hint ? `${e.hint}\n` : ''}`);
      return 1;
    }
    io.stderr.write(`${st.red('internal error:')} ${e?.stack ?? e}\n`);
    return 2;
  }
}
