/**
 * Typed UCI trees (L1): what we render ({@link UciPackage}) and what a UCI
 * loader would see after reading a file ({@link UciParsedPackage}).
 *
 * @see https://openwrt.org/docs/guide-user/base-system/uci
 * @module
 */

/**
 * The value of one UCI option.
 *
 * - `string` is written as is (single-quoted).
 * - `number` is written as a decimal string; NaN, Infinity and numbers that
 *   JavaScript prints in exponent form (`1e+21`) are rejected.
 * - `boolean` is written as `'1'` / `'0'`.
 * - An array becomes one `list` line per item, in order; an empty array
 *   writes nothing.
 */
export type UciOptionValue = string | number | boolean | readonly (string | number)[];

/**
 * One option of a section: its name and value.
 *
 * Options are pairs in an array rather than keys of a record because a record
 * moves integer-like keys (`'1'`) to the front, and UCI output must keep the
 * model's order.
 */
export type UciOption = readonly [name: string, value: UciOptionValue];

/**
 * One `config` section of a UCI package.
 *
 * @example
 * const lan: UciSection = {
 *   type: 'interface',
 *   name: 'lan',
 *   options: [['proto', 'static'], ['ipaddr', ['192.168.1.1/24']]],
 * };
 */
export interface UciSection {
  /**
   * The section type, e.g. `interface`, `rule`, `zone`. Must match `[A-Za-z0-9_]+`.
   */
  readonly type: string;

  /**
   * The section name. Must match `[A-Za-z0-9_]+` and be unique in the package
   * (UCI merges sections that share a name).
   *
   * @default - an anonymous section (`config <type>`), addressed by UCI as `@<type>[<index>]`
   */
  readonly name?: string;

  /**
   * The options in output order. Option names must match `[A-Za-z0-9_]+` and
   * appear once per section.
   */
  readonly options: readonly UciOption[];
}

/**
 * One UCI package: the contents of `/etc/config/<name>`.
 * Sections keep the given order, because firewall rule order matters.
 */
export interface UciPackage {
  /** The package name, e.g. `network`. Must match `[A-Za-z0-9_]+`. */
  readonly name: string;

  /** The sections in output order. */
  readonly sections: readonly UciSection[];
}

/**
 * An option as a UCI loader stores it: a single `option` value, or the items
 * of a `list`.
 */
export interface UciParsedOption {
  readonly name: string;
  readonly kind: 'option' | 'list';
  /** Exactly one value for `option`; one or more items for `list`. */
  readonly values: readonly string[];
}

/** A section as a UCI loader stores it. */
export interface UciParsedSection {
  readonly type: string;
  /** `undefined` for an anonymous section (always present as a key). */
  readonly name: string | undefined;
  readonly options: readonly UciParsedOption[];
}

/** A package as a UCI loader stores it. */
export interface UciParsedPackage {
  readonly name: string;
  readonly sections: readonly UciParsedSection[];
}
