import { HomelabValidationError } from '../../lib/core/errors';

/** The messages of the HomelabValidationError `fn` throws; [] when it throws none (other errors pass through). */
export function problemMessages(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof HomelabValidationError) return e.problems.map((p) => p.message);
    throw e;
  }
  return [];
}
