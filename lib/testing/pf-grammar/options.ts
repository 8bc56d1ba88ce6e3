/**
 * parse.y's statements that are not rules: varset (macros), tabledef, option (`set …`), include
 * and loadrule, with the checks of their actions and of pfctl_set_timeout / pfctl_set_limit /
 * pfctl_set_optimization / pfctl_set_debug. Only some options take part in the section order
 * (check_rulestate): reassemble, optimization, loginterface, block-policy, fail-policy,
 * fingerprints, debug, timeout and limit; FreeBSD 14 accepts `set skip` or `set state-policy`
 * after rules.
 *
 * Internal to lib/testing (not exported from lib/index.ts).
 */
import { GOther, GStateOpts } from './ast';
import { stateOptList } from './state-opts';
import { DEBUG_LEVELS, HINTS, LIMITS, MAX_TABLE_NAME, TIMEOUTS, UINT_MAX } from './names';
import { ipspec } from './hosts';
import { PfParser, RuleState } from './parser';

/** `varset`: STRING = (NUMBER | STRING)+, the value joined with spaces. */
export function varset(p: PfParser): GOther {
  const name = p.advance();
  p.expectPunct('=');
  const parts = [p.numberString('a value').text];
  while (p.isNumber() || p.isString()) parts.push(p.advance().text);
  if (/\s/.test(name.text)) p.fail('macro name cannot contain whitespace', name);
  const value = parts.join(' ');
  p.define(name.text, value);
  return { kind: 'macro', line: name.line, data: { name: name.text, value } };
}

/** `tabledef`: table <name> [persist] [const] [counters] [file "path"]… [{ addresses }]…. */
export function tabledef(p: PfParser): GOther {
  const t = p.expectKw('table');
  p.expectPunct('<');
  const name = p.expectString('a table name');
  p.expectPunct('>');
  const flags = { persist: false, const: false, counters: false };
  const files: string[] = [];
  const addresses: string[] = [];
  let initialized = false;
  for (;;) {
    if (p.isString()) {
      const f = p.advance();
      if (f.text !== 'const' && f.text !== 'persist' && f.text !== 'counters') p.fail(`invalid table option '${f.text}'`, f);
      flags[f.text] = true;
    } else if (p.acceptKw('file')) {
      files.push(p.expectString('a file name').text);
      initialized = true;
    } else if (p.acceptPunct('{')) {
      initialized = true;
      p.optnl();
      if (p.acceptPunct('}')) continue;
      const hosts = [...ipspec(p)];
      p.optnl();
      while (!p.isPunct('}')) {
        p.comma();
        hosts.push(...ipspec(p));
        p.optnl();
      }
      const close = p.advance();
      for (const h of hosts) {
        const bad = h.type === 'range' ? 'address ranges are not permitted inside tables'
          : h.type === 'dynif' ? 'dynamic addresses are not permitted inside tables'
            : h.type === 'table' ? 'tables cannot contain tables'
              : h.type === 'noroute' ? '"no-route" is not permitted inside tables'
                : h.type === 'urpf' ? '"urpf-failed" is not permitted inside tables' : undefined;
        if (bad) p.fail(bad, close, h.text);
        addresses.push(`${h.not ? '!' : ''}${h.text}`);
      }
    } else {
      break;
    }
  }
  if (name.text.length > MAX_TABLE_NAME) p.fail(`table name too long, max ${MAX_TABLE_NAME} chars`, name);
  return { kind: 'table', line: t.line, data: { name: name.text, ...flags, files, addresses, initialized } };
}

function yesno(p: PfParser): boolean {
  if (p.acceptKw('no')) return false;
  const t = p.expectString("'yes' or 'no'");
  if (t.text !== 'yes') p.fail(`invalid value '${t.text}', expected 'yes' or 'no'`, t);
  return true;
}

/** `option`: set …. */
export function option(p: PfParser): GOther {
  const t = p.expectKw('set');
  const s = p.settings;
  const k = p.tok;
  const data: Record<string, unknown> = { name: k.text };
  const order = () => p.checkRulestate(RuleState.OPTION, t);
  if (p.acceptKw('reassemble')) {
    const enabled = yesno(p);
    const noDf = p.acceptKw('no-df');
    order();
    s.reassemble = { enabled, noDf };
  } else if (p.acceptKw('optimization')) {
    const v = p.expectString('an optimization');
    order();
    if (!HINTS.includes(v.text.toLowerCase())) p.fail(`unknown optimization ${v.text}`, v);
    s.optimization = v.text;
  } else if (p.acceptKw('ruleset-optimization')) {
    const v = p.tok;
    const o = p.strings('none, basic or profile');
    if (!['none', 'basic', 'profile'].includes(o)) p.fail(`unknown ruleset-optimization ${o}`, v);
    s.rulesetOptimization = o;
  } else if (p.acceptKw('timeout')) {
    const spec = () => {
      const n = p.tok;
      const isInterval = p.acceptKw('interval');
      if (!isInterval) p.expectString('a timeout name');
      const v = p.tok;
      const secs = p.expectNumber('a number of seconds');
      order();
      if (secs < 0 || secs > UINT_MAX) p.fail('only positive values permitted', v);
      const name = TIMEOUTS.find((x) => x === n.text.toLowerCase());
      if (!name) p.fail(`unknown timeout ${n.text}`, n);
      s.timeouts[name] = secs;
    };
    listOrOne(p, spec);
  } else if (p.acceptKw('limit')) {
    const spec = () => {
      const n = p.expectString('a limit name');
      const v = p.tok;
      const num = p.expectNumber('a number');
      order();
      if (num < 0 || num > UINT_MAX) p.fail('only positive values permitted', v);
      if (!LIMITS.includes(n.text)) p.fail(`unable to set limit ${n.text} ${num}`, n);
      s.limits[n.text] = num;
    };
    listOrOne(p, spec);
  } else if (p.acceptKw('loginterface')) {
    const v = p.isKw('all') ? p.advance() : p.expectString('an interface or none');
    order();
    s.loginterface = v.text;
  } else if (p.acceptKw('hostid')) {
    const v = p.tok;
    const n = p.number('a host id');
    if (n === 0 || n > UINT_MAX) p.fail('hostid must be non-zero', v);
    s.hostid = n;
  } else if (p.acceptKw('block-policy') || p.acceptKw('fail-policy')) {
    if (!p.isKw('drop', 'return')) p.syntax("'drop' or 'return'");
    const v = p.advance().text;
    order();
    if (k.text === 'block-policy') s.blockPolicy = v;
    else s.failPolicy = v;
  } else if (p.acceptKw('require-order')) {
    const on = yesno(p);
    p.setRequireOrder(on);
    s.requireOrder = on;
  } else if (p.acceptKw('fingerprints')) {
    const v = p.expectString('a file name');
    order();
    s.fingerprints = v.text;
  } else if (p.acceptKw('state-policy')) {
    if (!p.isKw('if-bound', 'floating')) p.syntax("'if-bound' or 'floating'");
    s.statePolicy = p.advance().text;
  } else if (p.acceptKw('debug')) {
    const v = p.expectString('none, urgent, misc or loud');
    order();
    if (!DEBUG_LEVELS.includes(v.text)) p.fail(`error setting debuglevel ${v.text}`, v);
    s.debug = v.text;
  } else if (p.acceptKw('skip')) {
    const ifs = p.interfaces();
    const neg = ifs.find((i) => i.not);
    if (neg) p.fail('skip on ! <interface> is not supported', k);
    s.skip.push(...ifs.map((i) => i.name).filter((n) => n !== 'none' || ifs.length > 1));
  } else if (p.acceptKw('state-defaults')) {
    const o: GStateOpts = { timeouts: {}, words: [] };
    stateOptList(p, o);
    if (s.stateDefaults) p.fail('cannot redefine state-defaults', k);
    s.stateDefaults = o;
  } else if (p.acceptKw('keepcounters')) {
    s.keepCounters = true;
  } else if (p.acceptKw('syncookies')) {
    const v = p.expectString('never, adaptive or always');
    if (!['never', 'adaptive', 'always'].includes(v.text)) p.fail('illegal value for syncookies', v);
    s.syncookies = { mode: v.text };
    if (p.acceptPunct('(')) {
      const one = () => {
        const w = p.expectString("'start' or 'end'");
        const pc = p.expectString('a percentage (25%)');
        const m = /^([0-9]*\.?[0-9]+)%$/.exec(pc.text);
        if (!m) p.syntax();
        const val = Number(m[1]);
        if (val <= 0 || val > 100) p.fail('illegal percentage value', pc);
        if (w.text === 'start') s.syncookies!.start = val;
        else if (w.text === 'end') s.syncookies!.end = val;
        else p.fail('illegal syncookie option', w);
      };
      one();
      while (!p.isPunct(')')) {
        p.comma();
        one();
      }
      p.advance();
    }
  } else {
    p.syntax('an option (block-policy, skip, limit, timeout, state-policy …)');
  }
  return { kind: 'option', line: t.line, data };
}

/** `x` or `{ optnl x optnl { , x optnl } }` (timeout_list, limit_list: the comma is optional). */
function listOrOne(p: PfParser, spec: () => void): void {
  if (!p.acceptPunct('{')) {
    spec();
    return;
  }
  p.optnl();
  spec();
  p.optnl();
  while (!p.isPunct('}')) {
    p.comma();
    spec();
    p.optnl();
  }
  p.advance();
}

/** `include "file"` (not followed here: the checker has no file system). */
export function include(p: PfParser): GOther {
  const t = p.expectKw('include');
  const f = p.expectString('a file name');
  return { kind: 'include', line: t.line, data: { file: f.text } };
}

/** `load anchor name from "file"`. */
export function loadRule(p: PfParser): GOther {
  const t = p.expectKw('load');
  p.expectKw('anchor');
  const name = p.strings('an anchor name');
  p.expectKw('from');
  const file = p.strings('a file name');
  return { kind: 'load', line: t.line, data: { anchor: name, file } };
}
