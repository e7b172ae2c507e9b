/**
 * `homelab plan`: the whole bring-up from nothing, across the four outputs,
 * as one written-down sequence (the bootstrap graph in model/bootstrap.ts, in
 * order, with the command and the secrets of each step).
 */
import { ApplyOrder } from '../synth/apply-order';
import { Model } from '../model/derive';
import { resticKeyOutputs } from '../constructs/restic-b2-bucket';
import { secretEnvVar, secretVariableName, sopsSecretPath } from '../core/secrets';
import { shellCommand, shellWord } from '../core/shell';

/** The bring-up order (`homelab plan`) as text. */
export function formatBringUp(model: Model, apply: ApplyOrder): string {
  const lines: string[] = [`homelab ${model.name}: bring-up from nothing`, ''];
  let n = 0;
  const step = (title: string, body: string[]) => {
    lines.push(`${++n}. ${title}`);
    for (const b of body) lines.push(`   ${b}`);
    lines.push('');
  };
  const order = model.bringUp;
  const external = order.filter((x) => x.external);
  step('outside the homelab (exists before anything else)', external.map((x) => {
    if (x.id === 'state' && model.stateBackend.type === 's3') return `- ${x.label}: create the bucket and a key limited to it once, by hand; export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY`;
    return `- ${x.label}`;
  }));
  for (const x of order.filter((o) => !o.external)) {
    if (x.id === 'routers') {
      step(`routers: ${x.label}`, model.routers.map((r) => {
        const secrets = [...new Set([...(r.wifi ?? []).map((w) => w.keySecret), ...(r.mesh ? [r.mesh.privateKeySecret] : [])])];
        return `${secrets.map((s) => `${secretEnvVar(s)}=… `).join('')}${shellWord(`./routers/${r.name}/deploy.sh`)}`;
      }));
    } else if (x.id === 'terraform') {
      const secrets = new Set<string>();
      if (model.dns) secrets.add(model.dns.apiTokenSecret);
      if (model.backup) { secrets.add(model.backup.keyIdSecret); secrets.add(model.backup.keySecret); }
      for (const h of model.hosts) if (h.vm) secrets.add(h.vm.proxmox.apiTokenSecret);
      const what = [
        ...(model.hosts.some((h) => h.vm) ? [`Proxmox VMs ${model.hosts.filter((h) => h.vm).map((h) => h.name).join(', ')}`] : []),
        ...(model.publicRecords.length > 0 ? [`DNS records ${model.publicRecords.map((r) => r.host).join(', ')}`] : []),
        ...(model.backup ? [`B2 bucket ${model.backup.bucket}`] : []),
      ];
      step(`Terraform: ${what.join('; ') || 'no resources'}`, [`${[...secrets].sort().map((s) => `TF_VAR_${secretVariableName(s)}=… `).join('')}${shellCommand(['cdktf', 'deploy', model.name])}`]);
    } else if (x.id === 'hosts') {
      const secrets = new Set<string>();
      for (const h of model.hosts) for (const a of h.adminUsers) if (a.hashedPasswordSecret) secrets.add(a.hashedPasswordSecret);
      if (model.k3sNodes.length > 0 && model.cluster) secrets.add(model.cluster.tokenSecret);
      step(`NixOS hosts: ${model.hosts.map((h) => h.name).join(', ')}`, [
        `sops secrets/secrets.yaml   # ${[...secrets].sort().map((s) => `${s} (${sopsSecretPath(s, s !== model.cluster?.tokenSecret)})`).join(', ')}`,
        'cd nixos && colmena apply',
      ]);
    } else if (x.id === 'cluster') {
      const secrets = apply.stages.flatMap((st) => st.secrets);
      const files = apply.stages.flatMap((st) => st.files);
      // each backed-up app's B2 key: Terraform created it; its outputs go straight into the variables
      const fromTerraform = new Map<string, string>();
      for (const app of model.apps) {
        if (!app.backup) continue;
        const out = resticKeyOutputs(app.name);
        fromTerraform.set(secretEnvVar(app.backup.keyIdSecret), out.keyId);
        fromTerraform.set(secretEnvVar(app.backup.keySecret), out.key);
      }
      const tf = shellCommand(['terraform', `-chdir=cdktf.out/stacks/${model.name}`, 'output', '-raw']);
      step(`cluster: ${apply.stages.length} stage${apply.stages.length === 1 ? '' : 's'}, each applied once, waiting for what the next needs`, [
        ...[...fromTerraform].map(([env, output]) => `export ${env}="$(${tf} ${shellWord(output)})"   # the app's B2 key, from Terraform's state`),
        `${[...new Set(secrets.map((sec) => sec.env).filter((env) => !fromTerraform.has(env)).map((env) => `${env}=… `))].join('')}npx homelab apply   # or: sh dist/apply.sh`,
        ...apply.stages.map((st) => {
          const crds = st.waits.filter((w) => w.resource.startsWith('crd/'));
          const rest = st.waits.filter((w) => !w.resource.startsWith('crd/'));
          const waits = [
            ...(crds.length > 0 ? [`${crds.length} CRDs Established`] : []),
            ...rest.map((w) => (w.condition === 'Admitted' ? 'the webhooks admit the next stage (server-side dry run)' : `${w.resource}${w.namespace ? ` (${w.namespace})` : ''} ${w.condition}`)),
          ];
          return `- ${st.files.join(', ')}${waits.length > 0 ? `; then wait for ${waits.join(', ')}` : ''}`;
        }),
        ...(secrets.length > 0 ? [`Secrets created from those variables when missing: ${secrets.map((sec) => `${sec.namespace}/${sec.name}`).join(', ')}`] : []),
        ...(files.length === 0 ? ['(nothing to apply)'] : []),
      ]);
    }
  }
  lines.push('Everyday, once the cluster is up: npx homelab apply (dist/apply.sh: waits per stage, prunes what the homelab no longer declares; plain kubectl apply -f dist never deletes), cdktf deploy, colmena apply, ./routers/<router>/deploy.sh');
  return `${lines.join('\n')}\n`;
}
