/**
 * The reference homelab's four outputs, byte for byte: every file's sha256 against the
 * record in test/golden/reference-tree.json. Refactors of the constructs must keep them.
 * When an intended change alters an output, re-record with
 * `HOMELAB_RECORD_GOLDEN=1 npx jest test/reference-bytes.test.ts` and review the diff.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Homelab } from '../lib';
import { inventory } from '../apps/inventory';
import { treeHash } from './helpers/tree';

const GOLDEN = path.join(__dirname, 'golden', 'reference-tree.json');
const ROOT = path.join(__dirname, '..');

test('the reference homelab synthesizes to the recorded bytes (all four outputs)', () => {
  // GIVEN the reference program (apps/main.ts) with its storage lock
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-ref-'));
  try {
    // WHEN it is synthesized
    new Homelab({ inventory, storageLockFile: path.join(ROOT, 'storage.lock.json') }).synth({ outdir: out });
    const tree = treeHash(out);
    if (process.env.HOMELAB_RECORD_GOLDEN === '1') fs.writeFileSync(GOLDEN, `${JSON.stringify(tree, null, 2)}\n`);
    // THEN every file has the recorded hash, and no file is missing or new
    const recorded = JSON.parse(fs.readFileSync(GOLDEN, 'utf8'));
    for (const dir of ['dist/', 'cdktf.out/', 'nixos/', 'routers/']) expect(Object.keys(tree).some((f) => f.startsWith(dir))).toBe(true);
    expect(tree).toEqual(recorded);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
