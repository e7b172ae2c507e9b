/** Shared by the validation tests: a writable inventory draft, and the house problem-message check. */
import { Inventory } from '../../lib/model/inventory';
import { validateInventory } from '../../lib/model/rules';

/** A deeply writable copy type, for breaking one field of a valid inventory. */
export type Draft<T> = T extends readonly (infer U)[] ? Draft<U>[] : T extends object ? { -readonly [K in keyof T]: Draft<T[K]> } : T;

/** `[<path>] <Class>.<field>: <what is wrong> (got <value>); <what is allowed>`, lowercase start, no final period. */
export const MESSAGE_FORMAT = /^\[(\S+)\] ([A-Z][A-Za-z0-9]*\.[^:]+): ([a-z0-9][^]*) \(got ([^]*)\); ([^]*[^.])$/;

/** What a problem message must say. */
export interface ExpectedMessage {
  /** Data path, e.g. `inventory.sites[home].hosts[olaf]`. */
  readonly path: string;
  /** `Class.field`, e.g. `Host.ip`. */
  readonly field: string;
  /** The wrong value; the message must contain it JSON-stringified. */
  readonly value: unknown;
  /** Text the "what is allowed" part must contain. */
  readonly allowed: string;
  /** Text the "what is wrong" part must contain (or equal, with `exactWrong`). */
  readonly wrong?: string;
  readonly exactWrong?: boolean;
}

/** Checks a problem message piece by piece against the house format. */
export function expectMessage(msg: string, e: ExpectedMessage): void {
  expect(msg).toMatch(MESSAGE_FORMAT);
  const [, path, field, wrong, got, allowed] = MESSAGE_FORMAT.exec(msg)!;
  expect(path).toBe(e.path);
  expect(field).toBe(e.field);
  expect(got).toBe(JSON.stringify(e.value));
  expect(allowed).toContain(e.allowed);
  if (e.wrong !== undefined) {
    if (e.exactWrong) expect(wrong).toBe(e.wrong);
    else expect(wrong).toContain(e.wrong);
  }
}

/** An inventory validates without a single problem (the messages are shown when it does not). */
export function expectValid(inv: Inventory): void {
  expect(validateInventory(inv).map((p) => p.message)).toEqual([]);
}
