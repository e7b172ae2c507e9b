/**
 * `homelab plan`: the whole bring-up from nothing, across the four outputs,
 * as one written-down sequence (the bootstrap graph in model/bootstrap.ts, in
 * order, with the command and the secrets of each step).
 */
import { bringUpOrder } from './model/bootstrap';
import { Model } from './model/derive';
import { secretEnvName } from './emitters/uci/router';
import { secretVariableName } from './emitters/terraform/stack';
import { sopsSecretPath } from './emitters/nix/sops';

/** One stage file of `dist/` and the Kubernetes objects in it. */
export interface PlanStage {
  readonly file: string;
  readonly objects: readonly any[];
}

/** A Kubernetes Secret the user creates before the cluster stages (never emitted). */
export interface RequiredSecret {
  readonly namespace: string;
  readonly name: string;
}

/**
 * The Secrets the emitted objects reference: `secretKeyRef`s in their
 * namespace, and cert-manager ClusterIssuer token refs in cert-manager's
 * namespace (its "cluster resource namespace").
 */
export function requiredSecrets(stages: readonly PlanStage[]): RequiredSecret[] {
  const found = new Map<string, RequiredSecret>();
  const add = (namespace: string, name: string) => found.set(`${namespace}/${name}`, { namespace, name });
  const walk = (v: unknown, ns: string, clusterIssuer: boolean) => {
    if (Array.isArray(v)) { for (const x of v) walk(x, ns, clusterIssuer); return; }
    if (typeof v !== 'object' || v === null) return;
    for (const [k, x] of Object.entries(v)) {
      if (k === 'secretKeyRef' && typeof (x as any)?.name === 'string') add(ns, (x as any).name);
      else if (k === 'apiTokenSecretRef' && typeof (x as any)?.name === 'string') add(clusterIssuer ? 'cert-manager' : ns, (x as any).name);
      else walk(x, ns, clusterIssuer);
    }
  };
  for (const s of stages) for (const o of s.objects) walk(o, o?.metadata?.namespace ?? 'default', o?.kind === 'ClusterIssuer');
  return [...found.values()].sort((a, b) => (`${a.namespace}/${a.name}` < `${b.namespace}/${b.name}` ? -1 : 1));
}

/** The bring-up plan as text. */
export function formatPlan(model: Model, stages: readonly PlanStage[]): string {
  const inv = model.inventory;
  const lines: string[] = [`homelab ${model.name}: bring-up from nothing`, ''];
  let n = 0;
  const step = (title: string, body: string[]) => {
    lines.push(`${++n}. ${title}`);
    for (const b of body) lines.push(`   ${b}`);
    lines.push('');
  };
  const order = bringUpOrder(inv);
  const external = order.filter((x) => x.external);
  step('outside the homelab (exists before anything else)', external.map((x) => {
    if (x.id === 'state' && inv.stateBackend?.type === 's3') return `- ${x.label}: create the bucket and a key limited to it once, by hand; export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY`;
    return `- ${x.label}`;
  }));
  for (const x of order.filter((o) => !o.external)) {
    if (x.id === 'routers') {
      step(`routers: ${x.label}`, model.routers.map((r) => {
        const secrets = [...new Set([...(r.wifi ?? []).map((w) => w.keySecret), ...(r.mesh ? [r.mesh.privateKeySecret] : [])])];
        return `${secrets.map((s) => `${secretEnvName(s)}=… `).join('')}./routers/${r.name}/deploy.sh`;
      }));
    } else if (x.id === 'terraform') {
      const secrets = new Set<string>();
      if (inv.dns) secrets.add(inv.dns.apiTokenSecret);
      if (inv.backup) { secrets.add(inv.backup.keyIdSecret); secrets.add(inv.backup.keySecret); }
      for (const h of model.hosts) if (h.vm) secrets.add(h.vm.proxmox.apiTokenSecret);
      const what = [
        ...(model.hosts.some((h) => h.vm) ? [`Proxmox VMs ${model.hosts.filter((h) => h.vm).map((h) => h.name).join(', ')}`] : []),
        ...(model.publicRecords.length > 0 ? [`DNS records ${model.publicRecords.map((r) => r.host).join(', ')}`] : []),
        ...(inv.backup ? [`B2 bucket ${inv.backup.bucket}`] : []),
      ];
      step(`Terraform: ${what.join('; ') || 'no resources'}`, [`${[...secrets].sort().map((s) => `TF_VAR_${secretVariableName(s)}=… `).join('')}cdktf deploy ${model.name}`]);
    } else if (x.id === 'hosts') {
      const secrets = new Set<string>();
      for (const h of model.hosts) for (const a of h.adminUsers) if (a.hashedPasswordSecret) secrets.add(a.hashedPasswordSecret);
      if (model.k3sNodes.length > 0 && inv.cluster) secrets.add(inv.cluster.tokenSecret);
      step(`NixOS hosts: ${model.hosts.map((h) => h.name).join(', ')}`, [
        `sops nixos/secrets/secrets.yaml   # ${[...secrets].sort().map((s) => `${s} (${sopsSecretPath(s, s !== inv.cluster?.tokenSecret)})`).join(', ')}`,
        'cd nixos && colmena apply',
      ]);
    } else if (x.id === 'cluster') {
      const secrets = requiredSecrets(stages);
      step(`cluster: ${stages.length} stages, each applied once, waiting for what the next needs`, [
        ...secrets.map((s) => `kubectl create namespace ${s.namespace} --dry-run=client -o yaml | kubectl apply -f - && kubectl -n ${s.namespace} create secret generic ${s.name} --from-literal=value=…`),
        `sh dist/apply.sh   # or: npx homelab apply — ${stages.map((s) => s.file).join(', ')}`,
      ]);
    }
  }
  lines.push('Everyday, once the cluster is up: kubectl apply -f dist (idempotent), cdktf deploy, colmena apply, ./routers/<router>/deploy.sh');
  return `${lines.join('\n')}\n`;
}
