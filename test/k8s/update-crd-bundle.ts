/**
 * Regenerates `schemas/crds/platform.stripped.json` from the upstream CRD files in
 * `schemas/crds/` (run after adding or updating one):
 *
 *   npx tsx test/k8s/update-crd-bundle.ts
 *
 * `crds.test.ts` fails while the bundle and the YAML files disagree.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as jsyaml from 'js-yaml';
import { CRD_BUNDLE_FILE, renderCrdBundle } from '../../lib/k8s/crds';

export const ROOT = path.resolve(__dirname, '..', '..');
export const UPSTREAM_CRD_DIR = path.join(ROOT, 'schemas', 'crds');

/** Every CRD in the upstream YAML files, parsed as kubectl would (js-yaml, like go-yaml). */
export function readUpstreamCrds(): any[] {
  return fs.readdirSync(UPSTREAM_CRD_DIR)
    .filter((n) => /\.ya?ml$/.test(n))
    .sort()
    .flatMap((n) => jsyaml.loadAll(fs.readFileSync(path.join(UPSTREAM_CRD_DIR, n), 'utf8')) as any[])
    .filter((d) => d && d.kind === 'CustomResourceDefinition');
}

/** What the bundle file must hold. */
export function expectedCrdBundle(): string {
  return renderCrdBundle(readUpstreamCrds());
}

if (require.main === module) {
  fs.writeFileSync(path.join(ROOT, CRD_BUNDLE_FILE), expectedCrdBundle());
  console.log(`wrote ${CRD_BUNDLE_FILE}`);
}
