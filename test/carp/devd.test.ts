import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { carpDevdProblems, CarpDevdOptions, devdRegexLiteral, renderCarpDevdConf } from '../../lib/carp/render-devd';
import { ExternalTools } from '../../lib/testing/tools';

// ---------------------------------------------------------------------------------------------
// A small devd.conf parser (the subset devd's token.l/parse.y accept for these files):
// comments (#, //, /* */), "strings" without embedded quotes, numbers, words, { } ;
// ---------------------------------------------------------------------------------------------

interface DevdStatement {
  readonly kind: string;
  readonly priority: number;
  readonly matches: Record<string, string>;
  readonly actions: string[];
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '#' || text.startsWith('//', i)) { while (i < text.length && text[i] !== '\n') i++; continue; }
    if (text.startsWith('/*', i)) { const e = text.indexOf('*/', i + 2); if (e < 0) throw new Error('unterminated comment'); i = e + 2; continue; }
    if (c === '"') {
      const e = text.indexOf('"', i + 1);
      if (e < 0) throw new Error('unterminated string');
      const body = text.slice(i + 1, e);
      if (body === '') throw new Error('empty string (devd\'s lexer needs at least one character)');
      tokens.push(`"${body}`);
      i = e + 1;
      continue;
    }
    if ('{};'.includes(c)) { tokens.push(c); i++; continue; }
    const m = /^[A-Za-z0-9_-]+/.exec(text.slice(i));
    if (!m) throw new Error(`unexpected character ${JSON.stringify(c)} at ${i}`);
    tokens.push(m[0]);
    i += m[0].length;
  }
  return tokens;
}

function parseDevd(text: string): DevdStatement[] {
  const t = tokenize(text);
  const out: DevdStatement[] = [];
  let i = 0;
  const expect_ = (v: string) => { if (t[i] !== v) throw new Error(`expected ${v}, got ${t[i]}`); i++; };
  const str = () => { const s = t[i++]; if (!s?.startsWith('"')) throw new Error(`expected a string, got ${s}`); return s.slice(1); };
  while (i < t.length) {
    const kind = t[i++];
    if (!['notify', 'attach', 'detach', 'nomatch'].includes(kind)) throw new Error(`unknown statement ${kind}`);
    const priority = Number(t[i++]);
    if (!Number.isInteger(priority)) throw new Error('priority must be a number');
    expect_('{');
    const matches: Record<string, string> = {};
    const actions: string[] = [];
    while (t[i] !== '}') {
      const sub = t[i++];
      if (sub === 'match') { const k = str(); matches[k] = str(); } else if (sub === 'action') actions.push(str());
      else throw new Error(`unknown sub-statement ${sub}`);
      expect_(';');
    }
    expect_('}');
    expect_(';');
    out.push({ kind, priority, matches, actions });
  }
  return out;
}

/** devd's variable expansion in an action (devd.cc config::expand_one), raw (older devd) or shell-quoted as $'…' (devd 14). */
function devdExpand(action: string, vars: Record<string, string>, quote: boolean): string {
  let out = '';
  for (let i = 0; i < action.length;) {
    if (action[i] !== '$') { out += action[i++]; continue; }
    const n = action[i + 1];
    if (n === '$') { out += '$'; i += 2; continue; }
    if (n === '(' || !/[A-Za-z_*-]/.test(n ?? '')) { out += '$'; i += 1; continue; }
    let j = i + 1;
    let name = '';
    do { name += action[j++]; } while (j < action.length && /[A-Za-z0-9_-]/.test(action[j]));
    const v = vars[name] ?? '';
    out += quote ? `$'${v.replace(/['\\]/g, (c) => `\\${c}`)}'` : v;
    i = j;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-devd-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const bin = path.join(tmp, 'bin');
fs.mkdirSync(bin);
const argvLog = path.join(tmp, 'argv.log');
// Stubs print one line per argument, so word splitting is visible exactly.
for (const name of ['logger', 'hook']) {
  fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n{ echo "${name} $#"; for a in "$@"; do printf '%s\\n' "$a"; done; } >> "${argvLog}"\n`, { mode: 0o755 });
}

/** Runs an action as devd would (expanded, then `sh -c`); returns each command's argv. */
function runAction(action: string, vars: Record<string, string>, quote: boolean): string[][] {
  fs.rmSync(argvLog, { force: true });
  const cmd = devdExpand(action.replace(/\/opt\/hooks\/carp-hook/g, `${bin}/hook`), vars, quote);
  // FreeBSD's sh understands $'…'; Debian's dash does not, bash --posix does.
  const shell = quote ? ['bash', '--norc', '--noprofile', '--posix', '-c', cmd] : ['/bin/sh', '-c', cmd];
  const r = spawnSync(shell[0], shell.slice(1), { env: { PATH: `${bin}:/usr/bin:/bin`, HOME: tmp }, encoding: 'utf8', cwd: tmp });
  expect(r.stderr).toBe('');
  const lines = fs.existsSync(argvLog) ? fs.readFileSync(argvLog, 'utf8').split('\n') : [];
  const calls: string[][] = [];
  for (let i = 0; i < lines.length;) {
    const m = /^(\w+) (\d+)$/.exec(lines[i]);
    if (!m) break;
    const n = Number(m[2]);
    calls.push([m[1], ...lines.slice(i + 1, i + 1 + n)]);
    i += 1 + n;
  }
  return calls;
}

const base: CarpDevdOptions = { producerPath: 'App/Cluster/Hooks', interfaces: ['vnet0'] };

describe('structure', () => {
  test('one notify rule per interface at priority 100, matching system CARP, vhid@ifname and MASTER|BACKUP', () => {
    const text = renderCarpDevdConf({ ...base, interfaces: ['vnet0', 'vtnet0.100'] });
    expect(text.split('\n')[0]).toBe('# Generated by cdkbsd from App/Cluster/Hooks. Do not edit: the next synth overwrites it.');
    expect(parseDevd(text)).toEqual([
      {
        kind: 'notify', priority: 100,
        matches: { system: 'CARP', subsystem: '[0-9]+@vnet0', type: '(MASTER|BACKUP)' },
        actions: ['logger -p daemon.notice -t carp $subsystem changed to $type'],
      },
      {
        kind: 'notify', priority: 100,
        matches: { system: 'CARP', subsystem: '[0-9]+@vtnet0[.]100', type: '(MASTER|BACKUP)' },
        actions: ['logger -p daemon.notice -t carp $subsystem changed to $type'],
      },
    ]);
  });

  test('states and priority can be chosen; a command runs after the log line', () => {
    const text = renderCarpDevdConf({ ...base, states: ['INIT', 'MASTER'], priority: 5, command: { path: '/opt/hooks/carp-hook', args: ['--notify', 'ops@example.net'] } });
    const [rule] = parseDevd(text);
    expect(rule.priority).toBe(5);
    expect(rule.matches.type).toBe('(MASTER|INIT)');
    expect(rule.actions).toEqual(['logger -p daemon.notice -t carp $subsystem changed to $type; /opt/hooks/carp-hook --notify ops@example.net $subsystem $type']);
    expect(parseDevd(renderCarpDevdConf({ ...base, states: ['MASTER'] }))[0].matches.type).toBe('MASTER');
  });

  test('rendering is deterministic', () => {
    expect(renderCarpDevdConf({ ...base, interfaces: ['a0', 'b0'] })).toBe(renderCarpDevdConf({ ...base, interfaces: ['a0', 'b0'] }));
  });
});

describe('regex semantics (devd anchors ^…$, extended, case-insensitive: grep -E -i -x)', () => {
  const skip = ExternalTools.shouldSkip('grep', 'check the devd regexes with POSIX ERE');
  const matches = (re: string, samples: string[]) => {
    const r = spawnSync('grep', ['-E', '-i', '-x', '-e', re], { input: samples.join('\n') + '\n', encoding: 'utf8' });
    return r.stdout.split('\n').filter((l) => l !== '');
  };

  test.skipIf(skip)('the subsystem regex matches exactly <vhid>@<ifname>', () => {
    const [vnet0, vlan] = parseDevd(renderCarpDevdConf({ ...base, interfaces: ['vnet0', 'vtnet0.100'] }));
    expect(matches(vnet0.matches.subsystem, ['1@vnet0', '255@vnet0', '1@VNET0', '1@vnet01', '1@vnet0.100', '@vnet0', 'x1@vnet0', '1@vnet0 ', '1@vnet', '1@xvnet0'])).toEqual(['1@vnet0', '255@vnet0', '1@VNET0']);
    expect(matches(vlan.matches.subsystem, ['3@vtnet0.100', '3@vtnet0x100', '3@vtnet0', '3@vtnet0.1000', '3@vtnet0.100.1'])).toEqual(['3@vtnet0.100']);
  });

  test.skipIf(skip)('the type regex matches MASTER and BACKUP only', () => {
    const [rule] = parseDevd(renderCarpDevdConf(base));
    expect(matches(rule.matches.type, ['MASTER', 'BACKUP', 'master', 'INIT', 'MASTERX', 'XBACKUP', ''])).toEqual(['MASTER', 'BACKUP', 'master']);
    expect(matches(rule.matches.system, ['CARP', 'IFNET', 'CARPX'])).toEqual(['CARP']);
  });

  test('devdRegexLiteral keeps letters, digits and _ and brackets the dot', () => {
    expect(devdRegexLiteral('vlan_0.10')).toBe('vlan_0[.]10');
    expect(() => devdRegexLiteral('a|b')).toThrow();
  });
});

describe('actions run as devd runs them', () => {
  const vars = { system: 'CARP', subsystem: '1@vnet0', type: 'MASTER' };
  const action = parseDevd(renderCarpDevdConf({ ...base, command: { path: '/opt/hooks/carp-hook', args: ['a,b', 'x=1'] } }))[0].actions[0];

  test.each([
    ['older devd (values inserted raw)', false],
    ['devd 14 (values shell-quoted as $\'…\')', true],
  ])('%s: the log line and the command get exactly the expected arguments', (_name, quote) => {
    if (quote && ExternalTools.shouldSkip('bash', 'run sh with $\'…\' quoting as FreeBSD sh does')) return;
    expect(runAction(action, vars, quote)).toEqual([
      ['logger', '-p', 'daemon.notice', '-t', 'carp', '1@vnet0', 'changed', 'to', 'MASTER'],
      ['hook', 'a,b', 'x=1', '1@vnet0', 'MASTER'],
    ]);
  });

  test('any command argument is either rejected or reaches the command intact (property)', () => {
    // any ASCII (mostly rejected), and words from the allowed set (rendered and executed)
    const word = fc.oneof(fc.string({ minLength: 1, maxLength: 8, unit: 'binary-ascii' }), fc.stringMatching(/^[A-Za-z0-9._+@%,:=\/-]{1,8}$/));
    let executed = 0;
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 3 }), (args) => {
        const opts: CarpDevdOptions = { ...base, command: { path: '/opt/hooks/carp-hook', args } };
        if (carpDevdProblems(opts).length > 0) {
          expect(() => renderCarpDevdConf(opts)).toThrow(/invalid CARP devd options/);
          return;
        }
        const text = renderCarpDevdConf(opts);
        const [rule] = parseDevd(text); // still parses: nothing broke out of the devd string
        const calls = runAction(rule.actions[0], vars, false);
        expect(calls[1]).toEqual(['hook', ...args, '1@vnet0', 'MASTER']);
        executed++;
      }),
      { numRuns: 150 },
    );
    expect(executed).toBeGreaterThan(20);
  });
});

describe('validation', () => {
  test('hostile or malformed values are reported with field, value and what is allowed', () => {
    const problems = carpDevdProblems({
      interfaces: ['vnet0', 'VNET0', 'vnet0|.*', 'averyveryverylongname0'],
      states: ['MASTER', 'UP' as any],
      priority: -1,
      command: { path: 'relative/hook', args: ['ok', '$(reboot)', 'a"b', 'two words', '`id`', 'x;y'] },
    });
    expect(problems.map((p) => [p.field, p.value])).toEqual([
      ['interfaces', 'VNET0'],
      ['interfaces', 'vnet0|.*'],
      ['interfaces', 'averyveryverylongname0'],
      ['states', 'UP'],
      ['priority', '-1'],
      ['command.path', 'relative/hook'],
      ['command.args', '$(reboot)'],
      ['command.args', 'a"b'],
      ['command.args', 'two words'],
      ['command.args', '`id`'],
      ['command.args', 'x;y'],
    ]);
    expect(carpDevdProblems({ interfaces: [] })[0]).toMatchObject({ field: 'interfaces', message: 'at least one interface is needed' });
  });

  test('the renderer refuses invalid options', () => {
    expect(() => renderCarpDevdConf({ ...base, command: { path: '/opt/hook', args: ['$type;reboot'] } })).toThrow(/would be interpreted/);
    expect(() => renderCarpDevdConf({ ...base, interfaces: ['em0"; action "reboot'] })).toThrow(/invalid interface name/);
  });
});
