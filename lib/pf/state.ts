import { optionProblems } from '../core/private/check-props';
import { Duration } from '../net/duration';
import { PfTable } from './pf-table';
import { PfTimeouts, timeoutWords } from './timeouts';
import { PfOverloadFlush, PfSourceTrack, PfStatePolicy } from './types';
import type { ValueProblem } from './values';

/**
 * A rate of new connections from one source (`max-src-conn-rate N/S`).
 */
export interface PfConnectionRate {
  /** How many connections a source may open within `per` (1–4294967). */
  readonly connections: number;
  /** The period, in whole seconds (at least one second). */
  readonly per: Duration;
}

/**
 * Where sources that break a rule's connection limits go (`overload <table> [flush [global]]`).
 */
export interface PfOverload {
  /**
   * The table the offending source is added to: a table of the same ruleset, not `constant`
   * (pf adds to it at run time) and usually `persist`. Block it with a rule of your own
   * (`from: [PfAddress.table(table)]`).
   */
  readonly table: PfTable;
  /**
   * Which of the source's states are killed when it is added.
   * @default PfOverloadFlush.NONE
   */
  readonly flush?: PfOverloadFlush;
}

/**
 * Options of a rule's state, as FreeBSD 14's pf.conf(5) names them.
 */
export interface PfStateOptions {
  /**
   * Do not synchronise these states with pfsync (`no-sync`), as CARP and pfsync's own traffic
   * need.
   * @default false
   */
  readonly noSync?: boolean;
  /**
   * The most states this rule may create (`max N`).
   * @default - no limit
   */
  readonly maxStates?: number;
  /**
   * Loose TCP window tracking (`sloppy`), for asymmetric paths. Not with modulate or synproxy.
   * @default false
   */
  readonly sloppy?: boolean;
  /**
   * Bind states to the interface they were created on (`if-bound`). Prefer `statePolicy`.
   * @default false
   */
  readonly ifBound?: boolean;
  /**
   * Where the rule's states match (`if-bound` or `floating`).
   * @default - the ruleset's `statePolicy` (pf's default: floating)
   */
  readonly statePolicy?: PfStatePolicy;
  /**
   * How the source limits count states (`source-track rule|global`).
   * @default - `source-track rule` when maxSrcNodes is set; otherwise none
   */
  readonly sourceTrack?: PfSourceTrack;
  /**
   * The most sources that may have states of this rule at once (`max-src-nodes N`).
   * @default - no limit
   */
  readonly maxSrcNodes?: number;
  /**
   * The most states one source may have (`max-src-states N`).
   * @default - no limit
   */
  readonly maxSrcStates?: number;
  /**
   * The most established TCP connections one source may have (`max-src-conn N`).
   * @default - no limit
   */
  readonly maxSrcConn?: number;
  /**
   * The most new connections one source may open in a period (`max-src-conn-rate N/S`).
   * @default - no limit
   */
  readonly maxSrcConnRate?: PfConnectionRate;
  /**
   * Where a source that breaks maxSrcConn or maxSrcConnRate goes (`overload <table>`). Needs one
   * of them.
   * @default - no overload table
   */
  readonly overload?: PfOverload;
  /**
   * Timeouts of this rule's states (`tcp.established 600` …). Not `frag` nor `interval`.
   * @default - the ruleset's timeouts
   */
  readonly timeouts?: PfTimeouts;
}

/** @internal */
export enum StateKind { KEEP = 'keep', MODULATE = 'modulate', SYNPROXY = 'synproxy', NONE = 'no' }

const UINT_MAX = 4294967295;
/** PF_THRESHOLD_MAX: 0xffffffff / PF_THRESHOLD_MULT (1000). */
const THRESHOLD_MAX = 4294967;

/**
 * How a rule tracks state.
 */
export class PfState {
  /** `keep state`: track connections (pf's default for pass rules). */
  public static keep(options: PfStateOptions = {}): PfState {
    return new PfState(StateKind.KEEP, options);
  }

  /** `modulate state`: keep state and randomise TCP initial sequence numbers. */
  public static modulate(options: PfStateOptions = {}): PfState {
    return new PfState(StateKind.MODULATE, options);
  }

  /** `synproxy state`: complete the TCP handshake in pf before passing it on. */
  public static synproxy(options: PfStateOptions = {}): PfState {
    return new PfState(StateKind.SYNPROXY, options);
  }

  /** `no state`: stateless. */
  public static none(): PfState {
    return new PfState(StateKind.NONE, {});
  }

  /** @internal */
  public readonly _kind: StateKind;
  /** @internal */
  public readonly _options: PfStateOptions;
  /** @internal Every problem of the options (reported by the rule using the state, with its path). */
  public readonly _problems: ValueProblem[] = [];
  private readonly words: string[] = [];

  private constructor(kind: StateKind, options: PfStateOptions) {
    this._kind = kind;
    this._options = options && typeof options === 'object' ? options : {};
    if (options !== undefined && (options === null || typeof options !== 'object')) {
      this._problems.push({ message: 'State options must be an object of PfStateOptions', value: String(options), allowed: 'e.g. { maxSrcConn: 10 }' });
    }
    this.build();
    this._problems.unshift(...optionProblems('cdkbsd.PfStateOptions', options, this._problems));
  }

  /** @internal The first problem, if any. */
  public get _problem(): ValueProblem | undefined {
    return this._problems[0];
  }

  /** @internal The overload table, if any (the rule checks it belongs to its ruleset). */
  public get _overloadTable(): PfTable | undefined {
    const t = this._options.overload?.table;
    return t instanceof PfTable ? t : undefined;
  }

  /** @internal State options in pf.conf order. */
  public _optionWords(): string[] {
    return [...this.words];
  }

  private build(): void {
    const o = this._options;
    const w = this.words;
    const bad = (message: string, value: string, allowed: string) => this._problems.push({ message, value, allowed });
    const count = (name: keyof PfStateOptions, word: string) => {
      const v = o[name];
      if (v === undefined) return false;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > UINT_MAX) {
        bad(`${name} must be a positive integer`, String(v), 'an integer 1–4294967295');
        return false;
      }
      w.push(`${word} ${v}`);
      return true;
    };
    count('maxStates', 'max');
    if (o.noSync) w.push('no-sync');
    if (o.sloppy) {
      w.push('sloppy');
      if (this._kind === StateKind.MODULATE || this._kind === StateKind.SYNPROXY) {
        bad('sloppy state tracking cannot be used with modulate or synproxy state', `${this._kind} state`, 'PfState.keep({ sloppy: true })');
      }
    }
    const policy = o.statePolicy ?? (o.ifBound ? PfStatePolicy.IF_BOUND : undefined);
    if (o.statePolicy !== undefined && !Object.values(PfStatePolicy).includes(o.statePolicy)) {
      bad('statePolicy is not valid', String(o.statePolicy), 'PfStatePolicy.IF_BOUND or PfStatePolicy.FLOATING');
    } else if (o.ifBound && o.statePolicy === PfStatePolicy.FLOATING) {
      bad('ifBound and statePolicy FLOATING contradict each other', 'ifBound: true, statePolicy: floating', 'one of them');
    } else if (policy !== undefined) {
      w.push(policy);
    }
    if (o.sourceTrack !== undefined && !Object.values(PfSourceTrack).includes(o.sourceTrack)) {
      bad('sourceTrack is not valid', String(o.sourceTrack), 'PfSourceTrack.RULE or PfSourceTrack.GLOBAL');
    }
    const track = o.sourceTrack ?? (o.maxSrcNodes !== undefined ? PfSourceTrack.RULE : undefined);
    if (track !== undefined && Object.values(PfSourceTrack).includes(track)) w.push(`source-track ${track}`);
    const nodes = count('maxSrcNodes', 'max-src-nodes');
    count('maxSrcStates', 'max-src-states');
    const conn = count('maxSrcConn', 'max-src-conn');
    const rate = this.rate();
    if (track === PfSourceTrack.GLOBAL) {
      for (const [set, name] of [[nodes, 'maxSrcNodes'], [conn, 'maxSrcConn'], [rate, 'maxSrcConnRate']] as const) {
        if (set) bad(`${name} counts per rule and cannot be used with source-track global`, `${name} with sourceTrack: GLOBAL`, 'sourceTrack: PfSourceTrack.RULE, or leave sourceTrack out');
      }
    }
    this.overload(conn || rate);
    const t = timeoutWords(o.timeouts, true);
    w.push(...t.words);
    this._problems.push(...t.problems);
    if (this._kind === StateKind.NONE && w.length > 0) bad('no state takes no state options', w.join(', '), 'PfState.keep(options)');
  }

  private rate(): boolean {
    const r = this._options.maxSrcConnRate;
    if (r === undefined) return false;
    const n = r && typeof r === 'object' ? r.connections : undefined;
    const per = r && typeof r === 'object' ? r.per : undefined;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > THRESHOLD_MAX) {
      this._problems.push({ message: 'maxSrcConnRate.connections must be a positive integer pf can count', value: String(n), allowed: `an integer 1–${THRESHOLD_MAX}` });
      return false;
    }
    if (!(per instanceof Duration) || per.toMilliseconds() % 1000 !== 0 || per.toMilliseconds() < 1000 || per.toSeconds() > UINT_MAX) {
      this._problems.push({ message: 'maxSrcConnRate.per must be whole seconds, at least one', value: String(per), allowed: 'Duration.seconds(n) with n ≥ 1' });
      return false;
    }
    this.words.push(`max-src-conn-rate ${n}/${per.toSeconds()}`);
    return true;
  }

  private overload(hasLimit: boolean): void {
    const ov = this._options.overload;
    if (ov === undefined) return;
    const table = ov && typeof ov === 'object' ? ov.table : undefined;
    if (!(table instanceof PfTable)) {
      this._problems.push({ message: 'overload.table must be a table of the ruleset', value: String(table), allowed: 'ruleset.addTable(id, { persist: true, constant: false })' });
      return;
    }
    const flush = ov.flush ?? PfOverloadFlush.NONE;
    if (!Object.values(PfOverloadFlush).includes(flush)) {
      this._problems.push({ message: 'overload.flush is not valid', value: String(flush), allowed: 'PfOverloadFlush.NONE, RULE or GLOBAL' });
      return;
    }
    if (!hasLimit) {
      this._problems.push({ message: 'overload needs maxSrcConn or maxSrcConnRate: without a limit no source is ever added', value: `overload <${table.tableName}>`, allowed: 'maxSrcConn and/or maxSrcConnRate with overload' });
    }
    if (table.isConst) {
      this._problems.push({ message: `overload table <${table.tableName}> is constant: pf cannot add the offending sources to it`, value: `<${table.tableName}> const`, allowed: 'a table with constant: false (and persist: true)' });
    }
    const f = flush === PfOverloadFlush.RULE ? ' flush' : flush === PfOverloadFlush.GLOBAL ? ' flush global' : '';
    this.words.push(`overload <${table.tableName}>${f}`);
  }
}
