/**
 * A small program for the fault tests: writes one of two output trees through the real swap
 * (`synth A|B ROOT`), or only repairs what a killed run left (`recover ROOT`), as every `homelab`
 * command does first. Run as a child so that HOMELAB_FAULT can kill it at any step.
 */
import { HomelabOutputError } from '../../lib/core/errors';
import { OutputFile, recoverOutputs, writeOutputs } from '../../lib/synth/output';

/** Two versions of a homelab's outputs: B changes, adds and drops files in every folder. */
export const TREES: Record<'A' | 'B', OutputFile[]> = {
  A: [
    { path: 'dist/00-crds.k8s.yaml', content: 'crds: a\n' },
    { path: 'dist/30-app-old.k8s.yaml', content: 'app: old\n' },
    { path: 'dist/apply.sh', content: '#!/bin/sh\necho a\n', mode: 0o755 },
    { path: 'cdktf.out/manifest.json', content: '{"a":1}\n' },
    { path: 'cdktf.out/stacks/example/cdk.tf.json', content: '{"stack":"a"}\n' },
    { path: 'nixos/flake.nix', content: '{ a = 1; }\n' },
    { path: 'nixos/hosts/olaf.nix', content: '{ olaf = "a"; }\n' },
    { path: 'routers/gw/etc/config/network', content: "config interface 'lan'\n" },
    { path: 'routers/gw/deploy.sh', content: '#!/bin/sh\n# a\n', mode: 0o755 },
  ],
  B: [
    { path: 'dist/00-crds.k8s.yaml', content: 'crds: b\n' },
    { path: 'dist/30-app-new.k8s.yaml', content: 'app: new\n' },
    { path: 'dist/apply.sh', content: '#!/bin/sh\necho b\n', mode: 0o755 },
    { path: 'cdktf.out/manifest.json', content: '{"b":2}\n' },
    { path: 'cdktf.out/stacks/example/cdk.tf.json', content: '{"stack":"b"}\n' },
    { path: 'nixos/flake.nix', content: '{ b = 2; }\n' },
    { path: 'nixos/hosts/olaf.nix', content: '{ olaf = "b"; }\n' },
    { path: 'nixos/hosts/ulf.nix', content: '{ ulf = "b"; }\n' },
    { path: 'routers/gw/etc/config/network', content: "config interface 'iot'\n" },
    { path: 'routers/gw/deploy.sh', content: '#!/bin/sh\n# b\n', mode: 0o755 },
    { path: 'routers/flat-gw/etc/config/network', content: "config interface 'lan'\n" },
  ],
};

if (require.main === module) {
  const [command, a, b] = process.argv.slice(2);
  try {
    if (command === 'synth') writeOutputs(b, {}, (out) => out.write(TREES[a as 'A' | 'B']));
    else if (command === 'recover') recoverOutputs(a);
    else throw new Error(`usage: output-driver synth A|B ROOT | recover ROOT`);
  } catch (e) {
    if (!(e as HomelabOutputError).isHomelabOutputError) throw e;
    const err = e as HomelabOutputError;
    process.stderr.write(`homelab: synth failed; ${err.outcome}\n${err.problems.map((p) => `  ${p.message}\n`).join('')}`);
    process.exitCode = 1;
  }
}
