/**
 * `instanceof` for our construct classes, in the aws-cdk manner: each class marks its
 * instances with a `Symbol.for` symbol and checks for it in a static `isX()` and its own
 * `Symbol.hasInstance`. Unlike the prototype chain this works across copies of the module
 * (a program loading `build/` next to the CLI loading `lib/`), and it overrides the
 * `Symbol.hasInstance` a subclass of cdk8s `Chart` would otherwise inherit (which answers
 * `Chart.isChart`, so every Chart passed as every Chart subclass). A subclass of ours that has no
 * `Symbol.hasInstance` of its own (one of yours) is answered by its prototype chain, not by our brand.
 */

/** The symbol that marks instances of `className`. */
export function brandSymbol(className: string): symbol {
  return Symbol.for(`homelab-cdk.${className}`);
}

/** Marks `obj` as an instance of the class whose symbol is `brand`. */
export function addBrand(obj: object, brand: symbol): void {
  Object.defineProperty(obj, brand, { value: true, enumerable: false });
}

/** True when `x` carries `brand`. */
export function hasBrand(x: unknown, brand: symbol): boolean {
  return x !== null && typeof x === 'object' && brand in x;
}

/**
 * `x instanceof cls`, for the `Symbol.hasInstance` of `owner` (the class that marks its instances
 * with `brand`): by the brand when `cls` is `owner` itself, so that instances from another copy of
 * this library count; by the prototype chain when `cls` is a subclass without its own (yours), as
 * if `owner` had none.
 */
export function isInstance(cls: Function, owner: Function, brand: symbol, x: unknown): boolean {
  return cls === owner ? hasBrand(x, brand) : Function.prototype[Symbol.hasInstance].call(cls, x);
}
