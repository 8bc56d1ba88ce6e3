/** @internal The shapes of prop-schema.json, as check-props.ts compiles them. */

export type TypeRef = string | { readonly array: TypeRef } | { readonly map: TypeRef } | { readonly union: TypeRef[] };

export interface Param {
  readonly n: string;
  readonly t: TypeRef;
  readonly o?: 1;
  readonly v?: 1;
}

export interface RawType {
  readonly k: 'struct' | 'enum' | 'class' | 'interface';
  readonly name: string;
  readonly file?: string;
  readonly props?: { readonly n: string; readonly t: TypeRef; readonly o?: 1 }[];
  readonly members?: Record<string, string | number> | string[];
  readonly implementedBy?: string[];
  readonly factories?: string[];
  readonly base?: string;
  readonly init?: Param[];
  readonly methods?: Record<string, { readonly s?: 1; readonly p: Param[] }>;
}

export interface Struct {
  readonly kind: 'struct';
  readonly name: string;
  readonly file?: string;
  readonly props: Map<string, StructProp>;
  readonly keys: string[];
  readonly required: string[];
  /** The required props, for the check of a plain object's missing keys (no Map iteration). */
  readonly requiredProps: StructProp[];
  /** Every prop, in declaration order. */
  readonly propList: StructProp[];
}

/** One prop of a struct, with what the checker would otherwise recompute for every value. */
export interface StructProp {
  readonly name: string;
  readonly t: TypeRef;
  readonly optional: boolean;
  /** The name may hold a secret (SENSITIVE): a string under it is never shown. */
  readonly sensitive: boolean;
}

export interface EnumType {
  readonly kind: 'enum';
  readonly name: string;
  readonly values: Set<unknown>;
  /** member name → value */
  readonly members: Map<string, unknown>;
  readonly allowed: string;
}

export interface ClassType {
  readonly kind: 'class';
  readonly name: string;
  readonly members: string[];
  readonly allowed: string;
  readonly init?: Param[];
  readonly methods: Record<string, { readonly s?: 1; readonly p: Param[] }>;
}

export interface InterfaceType {
  readonly kind: 'interface';
  readonly name: string;
  readonly members: string[];
  readonly implementers: string[];
  readonly allowed: string;
}

export type Compiled = Struct | EnumType | ClassType | InterfaceType;
