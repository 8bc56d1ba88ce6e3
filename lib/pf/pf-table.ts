import { Construct } from 'constructs';
import { Diagnostics } from '../core/diagnostics';
import { ValidationError } from '../core/errors';
import { AddressFamily, IpPrefix } from '../net/address';
import { checkInit, constructId } from '../core/private/check-props';

/**
 * Properties of a PF table.
 */
export interface PfTableProps {
  /**
   * The addresses and prefixes in the table (`10.0.0.0/8`, `2001:db8::/32`, `192.0.2.7`), in
   * this order. May be empty only for a `persist` table (filled at run time, e.g. an overload
   * table: `table <bruteforce> persist`) or one read from a `file`.
   * @default - none
   */
  readonly addresses?: string[];
  /**
   * Whether the table is `const`: its content cannot change at run time (`pfctl -t … -T add`).
   * @default true
   */
  readonly constant?: boolean;
  /**
   * Whether the table is `persist`: kept even when no rule refers to it.
   * @default false
   */
  readonly persist?: boolean;
  /**
   * Whether pf counts packets and bytes per address (`counters`, shown by `pfctl -t … -T show -v`).
   * @default false
   */
  readonly counters?: boolean;
  /**
   * An absolute path on the host with more addresses, one a line (`file "/etc/pf.blocklist"`).
   * Pfctl reads it at load time, so it must exist on the host then.
   * @default - no file
   */
  readonly file?: string;
}

const TABLE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,30}$/;

/**
 * A PF table (`table <name> { … }`) of a `PfRuleset`: a set of addresses that rules match with
 * `PfAddress.table(table)`. Create it with `ruleset.addTable(id, props)`. The id is the table's
 * name in pf.conf.
 *
 * @example
 * const bruteforce = fw.addTable('bruteforce', { persist: true, constant: false });
 * fw.addRule('BlockBruteforce', { action: PfAction.BLOCK, quick: true, from: [PfAddress.table(bruteforce)] });
 */
export class PfTable extends Construct {
  /** The table name as pf.conf writes it between `<` and `>`. */
  public readonly tableName: string;
  /** Whether the table is `const`. */
  public readonly isConst: boolean;
  /** Whether the table is `persist`. */
  public readonly persist: boolean;
  /** Whether the table keeps `counters`. */
  public readonly counters: boolean;
  /** The file the table is also read from, if any. */
  public readonly file?: string;
  private readonly prefixes: IpPrefix[] = [];

  /** @internal Use `PfRuleset.addTable`. */
  constructor(scope: Construct, id: string, props: PfTableProps) {
    super(scope, constructId(scope, id));
    checkInit(this, 'cdkbsd.PfTable', props);
    this.tableName = id;
    this.isConst = props.constant ?? true;
    this.persist = props.persist ?? false;
    this.counters = props.counters ?? false;
    const err = (m: string, value: string, allowed: string) => Diagnostics.error(this, m, { value, allowed });
    if (!TABLE_NAME.test(id)) {
      err('Table name is not valid', id, 'a letter, then letters, digits, _ or -, at most 31 characters (PF_TABLE_NAME_SIZE)');
    }
    for (const [what, v] of [['constant', props.constant], ['persist', props.persist], ['counters', props.counters]] as const) {
      if (v !== undefined && typeof v !== 'boolean') err(`Table ${what} must be true or false`, String(v), 'true or false');
    }
    if (props.file !== undefined) {
      // eslint-disable-next-line no-control-regex
      if (typeof props.file !== 'string' || !props.file.startsWith('/') || /["\\\x00-\x1f\x7f]/.test(props.file) || props.file.split('/').includes('..')) {
        err('Table file must be an absolute path without quotes, backslashes, control characters or ..', String(props.file), 'e.g. /etc/pf.blocklist');
      } else {
        this.file = props.file;
      }
    }
    if (props.addresses !== undefined && !Array.isArray(props.addresses)) {
      err('Table addresses must be a list', String(props.addresses), "a list such as ['10.0.0.0/8']");
    }
    const list = Array.isArray(props.addresses) ? props.addresses : [];
    if (list.length === 0 && props.file === undefined) {
      if (!this.persist) {
        err('Table is empty', `<${id}>`, 'at least one address or prefix, a file, or persist: true for a table filled at run time (e.g. an overload table)');
      } else if (this.isConst) {
        err('Table is empty and constant: it can never hold an address', `<${id}> persist const`, 'constant: false for a table filled at run time, or addresses');
      }
    }
    for (const text of list) {
      const r = IpPrefix._check(text);
      if (r instanceof ValidationError) {
        Diagnostics.fromValueError(this, r, 'Table address');
        continue;
      }
      if (this.prefixes.some((p) => p.toString() === r.toString())) {
        Diagnostics.error(this, 'Table address is listed twice', { value: String(text), allowed: 'each address once' });
        continue;
      }
      this.prefixes.push(r);
    }
  }

  /** The table's prefixes, canonical, in the order given (single addresses without a length). */
  public get addresses(): string[] {
    return this.prefixes.map((p) => (p.prefixLength === (p.family === AddressFamily.IPV4 ? 32 : 128) ? p.networkAddress : p.toString()));
  }

  /** @internal The table line's flags in pf.conf order. */
  public get _flags(): string[] {
    return [...(this.persist ? ['persist'] : []), ...(this.isConst ? ['const'] : []), ...(this.counters ? ['counters'] : [])];
  }

  /** The address families present in the table's addresses (a file's are not known). */
  public get families(): AddressFamily[] {
    return [AddressFamily.IPV4, AddressFamily.IPV6].filter((f) => this.prefixes.some((p) => p.family === f));
  }
}
