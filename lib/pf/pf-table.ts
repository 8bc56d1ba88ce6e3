import { Construct } from 'constructs';
import { Diagnostics } from '../core/diagnostics';
import { ValidationError } from '../core/errors';
import { AddressFamily, IpPrefix } from '../net/address';

/**
 * Properties of a PF table.
 */
export interface PfTableProps {
  /**
   * The addresses and prefixes in the table (`10.0.0.0/8`, `2001:db8::/32`, `192.0.2.7`), in
   * this order. Must not be empty.
   */
  readonly addresses: string[];
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
}

const TABLE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,30}$/;

/**
 * A PF table (`table <name> { … }`) of a `PfRuleset`: a set of addresses that rules match with
 * `PfAddress.table(table)`. Create it with `ruleset.addTable(id, props)`; the id is the table's
 * name in pf.conf.
 */
export class PfTable extends Construct {
  /** The table name as pf.conf writes it between `<` and `>`. */
  public readonly tableName: string;
  /** Whether the table is `const`. */
  public readonly isConst: boolean;
  /** Whether the table is `persist`. */
  public readonly persist: boolean;
  private readonly prefixes: IpPrefix[] = [];

  /** @internal Use `PfRuleset.addTable`. */
  constructor(scope: Construct, id: string, props: PfTableProps) {
    super(scope, id);
    this.tableName = id;
    this.isConst = props.constant ?? true;
    this.persist = props.persist ?? false;
    if (!TABLE_NAME.test(id)) {
      Diagnostics.error(this, 'Table name is not valid', { value: id, allowed: 'a letter, then letters, digits, _ or -, at most 31 characters (PF_TABLE_NAME_SIZE)' });
    }
    const list = Array.isArray(props.addresses) ? props.addresses : [];
    if (list.length === 0) {
      Diagnostics.error(this, 'Table is empty', { value: `<${id}>`, allowed: 'at least one address or prefix' });
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

  /** The address families present in the table. */
  public get families(): AddressFamily[] {
    return [AddressFamily.IPV4, AddressFamily.IPV6].filter((f) => this.prefixes.some((p) => p.family === f));
  }
}
