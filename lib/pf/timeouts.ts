import { Duration } from '../net/duration';
import type { ValueProblem } from './values';

/**
 * Timeouts of pf's states: per rule (`PfStateOptions.timeouts`, written in the rule's state
 * options) or for the whole ruleset (`PfRulesetProps.timeouts`, written as `set timeout { … }`).
 * Durations are written in whole seconds. Names follow FreeBSD 14's pf.conf(5) (`tcp.established`
 * is `tcpEstablished`).
 */
export interface PfTimeouts {
  /**
   * `tcp.first`: the state after the first packet.
   * @default - pf's default (120 s)
   */
  readonly tcpFirst?: Duration;
  /**
   * `tcp.opening`: before the destination has answered.
   * @default - pf's default (30 s)
   */
  readonly tcpOpening?: Duration;
  /**
   * `tcp.established`: a fully established connection.
   * @default - pf's default (24 h)
   */
  readonly tcpEstablished?: Duration;
  /**
   * `tcp.closing`: after the first FIN.
   * @default - pf's default (15 min)
   */
  readonly tcpClosing?: Duration;
  /**
   * `tcp.finwait`: after both FINs.
   * @default - pf's default (45 s)
   */
  readonly tcpFinwait?: Duration;
  /**
   * `tcp.closed`: after an RST.
   * @default - pf's default (90 s)
   */
  readonly tcpClosed?: Duration;
  /**
   * `tcp.tsdiff`: the largest allowed TCP timestamp difference.
   * @default - pf's default (30 s)
   */
  readonly tcpTsdiff?: Duration;
  /**
   * `udp.first`: after the first packet.
   * @default - pf's default (60 s)
   */
  readonly udpFirst?: Duration;
  /**
   * `udp.single`: when only the source has sent more than one packet.
   * @default - pf's default (30 s)
   */
  readonly udpSingle?: Duration;
  /**
   * `udp.multiple`: when both sides have sent packets.
   * @default - pf's default (60 s)
   */
  readonly udpMultiple?: Duration;
  /**
   * `icmp.first`: after the first packet.
   * @default - pf's default (20 s)
   */
  readonly icmpFirst?: Duration;
  /**
   * `icmp.error`: after an ICMP error came back.
   * @default - pf's default (10 s)
   */
  readonly icmpError?: Duration;
  /**
   * `other.first`: other protocols, after the first packet.
   * @default - pf's default (60 s)
   */
  readonly otherFirst?: Duration;
  /**
   * `other.single`: other protocols, one side sent more than one packet.
   * @default - pf's default (30 s)
   */
  readonly otherSingle?: Duration;
  /**
   * `other.multiple`: other protocols, both sides sent packets.
   * @default - pf's default (60 s)
   */
  readonly otherMultiple?: Duration;
  /**
   * `src.track`: how long a source-tracking entry lives after its last state.
   * @default - pf's default (0 s)
   */
  readonly srcTrack?: Duration;
  /**
   * `adaptive.start`: the number of states from which timeouts shrink (a count, not a time).
   * @default - pf's default (60 % of the state limit)
   */
  readonly adaptiveStart?: number;
  /**
   * `adaptive.end`: the number of states at which timeouts reach zero (a count, not a time).
   * @default - pf's default (120 % of the state limit)
   */
  readonly adaptiveEnd?: number;
  /**
   * `frag`: how long a fragment waits for the rest (ruleset-wide only, `set timeout`).
   * @default - pf's default
   */
  readonly frag?: Duration;
  /**
   * `interval`: how often expired states are purged (ruleset-wide only, `set timeout`).
   * @default - pf's default (10 s)
   */
  readonly interval?: Duration;
}

/** [prop, pf name, whether a count, whether ruleset-wide only] in pf.conf(5)'s order. */
const TIMEOUTS: ReadonlyArray<readonly [keyof PfTimeouts, string, boolean, boolean]> = [
  ['tcpFirst', 'tcp.first', false, false],
  ['tcpOpening', 'tcp.opening', false, false],
  ['tcpEstablished', 'tcp.established', false, false],
  ['tcpClosing', 'tcp.closing', false, false],
  ['tcpFinwait', 'tcp.finwait', false, false],
  ['tcpClosed', 'tcp.closed', false, false],
  ['tcpTsdiff', 'tcp.tsdiff', false, false],
  ['udpFirst', 'udp.first', false, false],
  ['udpSingle', 'udp.single', false, false],
  ['udpMultiple', 'udp.multiple', false, false],
  ['icmpFirst', 'icmp.first', false, false],
  ['icmpError', 'icmp.error', false, false],
  ['otherFirst', 'other.first', false, false],
  ['otherSingle', 'other.single', false, false],
  ['otherMultiple', 'other.multiple', false, false],
  ['srcTrack', 'src.track', false, false],
  ['adaptiveStart', 'adaptive.start', true, false],
  ['adaptiveEnd', 'adaptive.end', true, false],
  ['frag', 'frag', false, true],
  ['interval', 'interval', false, true],
];

const UINT_MAX = 4294967295;

/**
 * @internal The timeouts as pf.conf words (`tcp.established 600`), in pf.conf(5)'s order, and
 * their problems. `perRule`: in a rule's state options, where `frag` and `interval` are refused.
 */
export function timeoutWords(t: PfTimeouts | undefined, perRule: boolean): { words: string[]; problems: ValueProblem[] } {
  const words: string[] = [];
  const problems: ValueProblem[] = [];
  if (t === undefined) return { words, problems };
  if (t === null || typeof t !== 'object') {
    problems.push({ message: 'timeouts must be an object of PfTimeouts', value: String(t), allowed: 'e.g. { tcpEstablished: Duration.hours(1) }' });
    return { words, problems };
  }
  // (an unknown key is reported by the check of props against their declared shape)
  for (const [prop, name, count, global] of TIMEOUTS) {
    const v = (t as Record<string, unknown>)[prop];
    if (v === undefined) continue;
    if (global && perRule) {
      problems.push({ message: `Timeout ${prop} (${name}) applies to the whole ruleset, not to one rule's states`, value: prop, allowed: 'PfRulesetProps.timeouts for frag and interval' });
      continue;
    }
    if (count) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > UINT_MAX) {
        problems.push({ message: `Timeout ${prop} (${name}) is a number of states`, value: String(v), allowed: 'an integer 0–4294967295' });
        continue;
      }
      words.push(`${name} ${v}`);
      continue;
    }
    if (!(v instanceof Duration)) {
      problems.push({ message: `Timeout ${prop} (${name}) must be a Duration`, value: String(v), allowed: 'Duration.seconds(n), Duration.minutes(n) …' });
      continue;
    }
    const ms = v.toMilliseconds();
    if (ms % 1000 !== 0 || ms / 1000 > UINT_MAX) {
      problems.push({ message: `Timeout ${prop} (${name}) must be whole seconds`, value: v.toString(), allowed: 'whole seconds, 0–4294967295' });
      continue;
    }
    words.push(`${name} ${ms / 1000}`);
  }
  return { words, problems };
}
