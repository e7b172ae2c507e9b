/**
 * Writes a cdktf App's stacks into a directory in the layout `cdktf deploy`
 * expects (`manifest.json`, `stacks/<name>/cdk.tf.json`), wherever the App was
 * told to write: the output is staged and swapped by the caller. Literal
 * strings are escaped for Terraform's templates here, once (`escape.ts`).
 */
import { Manifest, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import * as fs from 'fs';
import { escapeTerraformTemplates } from '../terraform/escape';
import { constructProblems, HomelabProblem } from '../core/errors';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const CDKTF_VERSION: string = require('cdktf/package.json').version;

/** Runs every construct's validations once. */
export function validateTerraformApp(app: IConstruct): HomelabProblem[] {
  return constructProblems(app);
}

/** Synthesizes every stack below `app` (a cdktf App, or a Homelab) into `outdir` (created if missing). */
export function synthTerraform(app: IConstruct, outdir: string): void {
  fs.mkdirSync(outdir, { recursive: true });
  const manifest = new Manifest(CDKTF_VERSION, outdir, false);
  const stacks = app.node.findAll().filter(TerraformStack.isStack);
  stacks.forEach((s) => escapeTerraformTemplates(s));
  // cdktf's preparing pass resolves every element once more only to find references across
  // stacks (and give the stack its default backend). With one stack there is none to find: the
  // backend is all it would do, and the pass would cost as much as the synth itself.
  if (stacks.length === 1) stacks[0].ensureBackendExists();
  else stacks.forEach((s) => s.prepareStack());
  stacks.forEach((s) => s.synthesizer.synthesize({ outdir, skipValidation: true, manifest }));
  manifest.writeToFile();
}
