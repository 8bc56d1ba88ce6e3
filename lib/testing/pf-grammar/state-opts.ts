/**
 * parse.y's state_opt_list (`keep state ( … )` and `set state-defaults …`): max, no-sync,
 * max-src-states, max-src-conn, max-src-conn-rate N/S, overload <table> [flush [global]],
 * max-src-nodes, source-track [rule|global], if-bound / floating, sloppy, pflow and per-rule
 * timeouts, with the checks of pfrule's action ("state option 'max' multiple definitions",
 * "'max-src-conn' must be > 0" …).
 *
 * Internal to lib/testing (not exported from lib/index.ts).
 */
import { GStateOpts } from './ast';
import { MAX_TABLE_NAME, THRESHOLD_MAX, TIMEOUTS, UINT_MAX } from './names';
import { PfParser } from './parser';

/** `state_opt_list`: state_opt_item { [,] state_opt_item }, with the duplicate checks of pfrule. */
export function stateOptList(p: PfParser, o: GStateOpts): void {
  stateOptItem(p, o);
  while (!p.isPunct(')') && p.tok.type !== 'newline' && p.tok.type !== 'eof') {
    p.comma();
    stateOptItem(p, o);
  }
}

function positive(p: PfParser): number {
  const t = p.tok;
  const n = p.expectNumber('a number');
  if (n < 0 || n > UINT_MAX) p.fail('only positive values permitted', t);
  return n;
}

function stateOptItem(p: PfParser, o: GStateOpts): void {
  const t = p.tok;
  const once = (set: boolean, name: string) => {
    if (set) p.fail(`state option '${name}' multiple definitions`, t);
  };
  if (p.acceptKw('max')) {
    once(o.max !== undefined, 'max');
    o.max = positive(p);
    o.words.push(`max ${o.max}`);
  } else if (p.acceptKw('no-sync')) {
    once(o.noSync === true, 'sync');
    o.noSync = true;
    o.words.push('no-sync');
  } else if (p.acceptKw('max-src-states') || p.acceptKw('max-src-conn') || p.acceptKw('max-src-nodes')) {
    const key = t.text === 'max-src-states' ? 'maxSrcStates' : t.text === 'max-src-conn' ? 'maxSrcConn' : 'maxSrcNodes';
    once(o[key] !== undefined, t.text);
    const n = positive(p);
    if (n === 0) p.fail(`'${t.text}' must be > 0`, t);
    o[key] = n;
    o.words.push(`${t.text} ${n}`);
  } else if (p.acceptKw('max-src-conn-rate')) {
    once(o.maxSrcConnRate !== undefined, 'max-src-conn-rate');
    const connections = positive(p);
    p.expectPunct('/');
    const seconds = positive(p);
    if (connections === 0 || seconds === 0) p.fail("'max-src-conn-rate' values must be > 0", t);
    if (connections > THRESHOLD_MAX) p.fail(`'max-src-conn-rate' maximum rate must be < ${THRESHOLD_MAX}`, t);
    o.maxSrcConnRate = { connections, seconds };
    o.words.push(`max-src-conn-rate ${connections}/${seconds}`);
  } else if (p.acceptKw('overload')) {
    if (o.overload) p.fail("multiple 'overload' table definitions", t);
    p.expectPunct('<');
    const name = p.expectString('a table name').text;
    p.expectPunct('>');
    if (name.length > MAX_TABLE_NAME) p.fail(`table name '${name}' too long`, t);
    const flush = p.acceptKw('flush');
    const global = flush && p.acceptKw('global');
    o.overload = { table: name, flush, global };
    o.words.push(`overload <${name}>${flush ? ' flush' : ''}${global ? ' global' : ''}`);
  } else if (p.acceptKw('source-track')) {
    once(o.sourceTrack !== undefined, 'source-track');
    o.sourceTrack = p.acceptKw('global') ? 'global' : p.acceptKw('rule') ? 'rule' : '';
    o.words.push(`source-track${o.sourceTrack ? ` ${o.sourceTrack}` : ''}`);
  } else if (p.acceptKw('if-bound') || p.acceptKw('floating')) {
    if (o.statePolicy !== undefined) p.fail('state locking option: multiple definitions', t);
    o.statePolicy = t.text;
    o.words.push(t.text);
  } else if (p.acceptKw('sloppy')) {
    if (o.sloppy) p.fail('state sloppy option: multiple definitions', t);
    o.sloppy = true;
    o.words.push('sloppy');
  } else if (p.acceptKw('pflow')) {
    if (o.pflow) p.fail('state pflow option: multiple definitions', t);
    o.pflow = true;
    o.words.push('pflow');
  } else if (p.isString()) {
    p.advance();
    const n = positive(p);
    const name = TIMEOUTS.find((x) => x === t.text);
    if (!name) p.fail(`illegal timeout name ${t.text}`, t);
    if (!name.includes('.')) p.fail(`illegal state timeout ${t.text}`, t);
    if (o.timeouts[name] !== undefined) p.fail(`state timeout ${name} multiple definitions`, t);
    o.timeouts[name] = n;
    o.words.push(`${name} ${n}`);
  } else {
    p.syntax('a state option');
  }
}
