/**
 * The one writer of POSIX shell words for commands we print or write
 * (`restore`, `disks discover`, `plan`, `dist/apply.sh`): a value always
 * arrives as one literal argument, whatever it holds.
 */

/** Characters that are never special to a POSIX shell anywhere in a word. */
const PLAIN = /^[A-Za-z0-9_./:=@%+-]+$/;

/**
 * A word for sh: bare when every character is plain (letters, digits and
 * `_./:=@%+-`), else single-quoted with each `'` written as `'\''`. The
 * empty string is `''`.
 */
export function shellWord(word: string): string {
  return PLAIN.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * A command line from its arguments, each a {@link shellWord}. A first word
 * holding `=` is quoted, so it is never read as a variable assignment.
 */
export function shellCommand(argv: readonly string[]): string {
  return argv.map((w, i) => (i === 0 && w.includes('=') ? `'${w.replace(/'/g, `'\\''`)}'` : shellWord(w))).join(' ');
}
