// Oracles that read generated files the way their consumers do, and compare a synthesis with
// hostile input against a baseline: the structure must be the same, and the injected value may
// only appear where the default value was.
import YAML from 'yaml';
import { HaproxyConfView } from '../../lib/testing/parse-haproxy';
import { readShellVars, readSysctlConf } from '../../lib/testing/parse-rc-conf';
import { SynthesizedApp } from '../../lib/index';
import { pfctlLex, statementText } from './pfctl-lexer';

/** Whether `hostile` is `base` with the default value (some or every occurrence) followed by the payload. */
export function substituted(base: string, hostile: string, dflt: string, payload: string): boolean {
  if (hostile === base) return true;
  const all = base.split(dflt).join(dflt + payload);
  if (hostile === all) return true;
  const i = base.indexOf(dflt);
  return i >= 0 && hostile === base.slice(0, i) + dflt + payload + base.slice(i + dflt.length);
}

/** Generated text files never hold control characters other than newline and tab. */
export function controlCharacters(text: string): string[] {
  // eslint-disable-next-line no-control-regex
  return [...new Set(text.match(/[\x00-\x08\x0b-\x1f\x7f]/g) ?? [])].map((c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

type Kind = 'sh' | 'loader' | 'sysctl' | 'haproxy' | 'pf' | 'yaml' | 'plain';

/**
 * Reads loader.conf as FreeBSD's Lua loader does (stand/lua/config.lua): `key="value"` lines,
 * `#` comments, and in values `${NAME}` and `$NAME` are replaced by loader environment
 * variables (processEnvVar), shown here as `<env:NAME>`.
 */
export function readLoaderConf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z0-9_.\-]+)\s*=\s*"([^"]*)"\s*(#.*)?$/.exec(line);
    if (!m) throw new Error(`loader.conf line is not key="value": ${JSON.stringify(line)}`);
    out[m[1]] = m[2].replace(/\$\{([^}]+)\}/g, '<env:$1>').replace(/\$([!-~]+)/g, '<env:$1>');
  }
  return out;
}

export function kindOf(path: string): Kind {
  if (path === '/etc/rc.conf') return 'sh';
  if (path === '/boot/loader.conf') return 'loader';
  if (path === '/etc/sysctl.conf') return 'sysctl';
  if (path.endsWith('haproxy.conf')) return 'haproxy';
  if (path === '/etc/pf.conf') return 'pf';
  if (path.endsWith('.yml') || path.endsWith('.yaml')) return 'yaml';
  return 'plain';
}

/**
 * Compares one file of the hostile synthesis with the baseline's, read as its consumer reads it.
 * Returns the differences that are not the injected value standing where the default was.
 */
export function compareFile(kind: Kind, base: string, hostile: string, dflt: string, payload: string): string[] {
  if (base === hostile) return [];
  const ok = (b: string, h: string) => substituted(b, h, dflt, payload);
  const out: string[] = [];
  switch (kind) {
    case 'sh':
    case 'loader':
    case 'sysctl': {
      const read = kind === 'sh' ? readShellVars : kind === 'loader' ? readLoaderConf : readSysctlConf;
      let b: Record<string, string>;
      let h: Record<string, string>;
      try {
        b = read(base);
        h = read(hostile);
      } catch (e: any) {
        return [`cannot be read: ${e.message}`];
      }
      const bk = Object.keys(b);
      const hk = Object.keys(h);
      const keyOk = bk.length === hk.length && bk.every((k) => hk.some((x) => ok(k, x)));
      if (!keyOk) out.push(`variables differ: ${JSON.stringify(bk)} vs ${JSON.stringify(hk)}`);
      for (const k of bk) {
        const hkey = hk.find((x) => ok(k, x));
        if (hkey !== undefined && !ok(b[k], h[hkey])) out.push(`${k}: ${JSON.stringify(b[k])} became ${JSON.stringify(h[hkey])}`);
      }
      return out;
    }
    case 'haproxy': {
      let b: HaproxyConfView;
      let h: HaproxyConfView;
      try {
        b = HaproxyConfView.parse(base);
        h = HaproxyConfView.parse(hostile);
      } catch (e: any) {
        return [`haproxy.conf cannot be tokenized: ${e.message}`];
      }
      if (b.sections.length !== h.sections.length) return [`sections ${b.sections.length} became ${h.sections.length}`];
      b.sections.forEach((bs, i) => {
        const hs = h.sections[i];
        const bw = [bs.kind, bs.name ?? '', ...bs.headerArgs];
        const hw = [hs.kind, hs.name ?? '', ...hs.headerArgs];
        if (bw.length !== hw.length || bw.some((w, j) => !ok(w, hw[j]))) out.push(`section ${bw.join(' ')} became ${hw.join(' ')}`);
        if (bs.directives.length !== hs.directives.length) {
          out.push(`section ${bw.join(' ')}: ${bs.directives.length} directives became ${hs.directives.length}`);
          return;
        }
        bs.directives.forEach((bd, j) => {
          const hd = hs.directives[j];
          const a = [bd.keyword, ...bd.args];
          const c = [hd.keyword, ...hd.args];
          if (a.length !== c.length || a.some((w, k) => !ok(w, c[k]))) out.push(`${JSON.stringify(a)} became ${JSON.stringify(c)}`);
        });
      });
      return out;
    }
    case 'pf': {
      const b = pfctlLex(base);
      const h = pfctlLex(hostile);
      if (h.errors.length > b.errors.length) out.push(`pfctl would report: ${h.errors.join('; ')}`);
      if (b.statements.length !== h.statements.length) {
        out.push(`pfctl reads ${h.statements.length} statements instead of ${b.statements.length}`);
        const bt = new Set(b.statements.map(statementText));
        for (const s of b.statements.map(statementText)) if (!h.statements.map(statementText).some((x) => ok(s, x))) out.push(`missing: ${s}`);
        for (const s of h.statements.map(statementText)) if (!bt.has(s) && !b.statements.map(statementText).some((x) => ok(x, s))) out.push(`new: ${s}`);
        return out;
      }
      b.statements.forEach((bs, i) => {
        const hs = h.statements[i];
        if (bs.length !== hs.length || bs.some((t, j) => t.kind !== hs[j].kind || !ok(t.text, hs[j].text))) {
          out.push(`${statementText(bs)} became ${statementText(hs)}`);
        }
      });
      return out;
    }
    case 'yaml': {
      let b: unknown;
      let h: unknown;
      try {
        b = YAML.parse(base);
        h = YAML.parse(hostile);
      } catch (e: any) {
        return [`YAML does not parse: ${e.message}`];
      }
      // Names derived from construct ids may be sanitized (Ansible group names): a string may
      // differ where the baseline holds the default value, if it holds no control character.
      const loose = (x: string, y: string) => ok(x, y) || (x.toLowerCase().includes(dflt.toLowerCase()) && controlCharacters(y).length === 0 && !y.includes('\n'));
      deepCompare(b, h, '$', loose, out);
      return out;
    }
    default: {
      // A plain file: the body (after the header line) with the value substituted.
      const bl = base.split('\n').slice(1).join('\n');
      const hl = hostile.split('\n').slice(1).join('\n');
      if (!ok(bl, hl)) out.push(`content ${JSON.stringify(bl.slice(0, 80))} became ${JSON.stringify(hl.slice(0, 80))}`);
      return out;
    }
  }
}

function deepCompare(b: unknown, h: unknown, where: string, ok: (b: string, h: string) => boolean, out: string[]): void {
  if (typeof b === 'string' && typeof h === 'string') {
    if (!ok(b, h)) out.push(`${where}: ${JSON.stringify(b)} became ${JSON.stringify(h)}`);
    return;
  }
  if (Array.isArray(b) && Array.isArray(h)) {
    if (b.length !== h.length) {
      out.push(`${where}: ${b.length} items became ${h.length}`);
      return;
    }
    b.forEach((x, i) => deepCompare(x, h[i], `${where}[${i}]`, ok, out));
    return;
  }
  if (b && h && typeof b === 'object' && typeof h === 'object') {
    const bk = Object.keys(b as object);
    const hk = Object.keys(h as object);
    if (bk.length !== hk.length) {
      out.push(`${where}: keys ${JSON.stringify(bk)} became ${JSON.stringify(hk)}`);
      return;
    }
    bk.forEach((k, i) => {
      if (!ok(k, hk[i])) out.push(`${where}: key ${JSON.stringify(k)} became ${JSON.stringify(hk[i])}`);
      deepCompare((b as any)[k], (h as any)[hk[i]], `${where}.${k}`, ok, out);
    });
    return;
  }
  if (b !== h) out.push(`${where}: ${JSON.stringify(b)} became ${JSON.stringify(h)}`);
}

/** Every file of a synthesis (host files and app-level files) by a key `host:path` / `path`. */
export function allFiles(s: SynthesizedApp): Map<string, { path: string; content: string }> {
  const m = new Map<string, { path: string; content: string }>();
  for (const h of s.hostnames) for (const f of s.files(h)) m.set(`${h}:${f.path}`, { path: f.path, content: f.content });
  for (const p of s.rootFilePaths) m.set(p, { path: p, content: s.rootFile(p) });
  return m;
}
