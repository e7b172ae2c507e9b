/**
 * One program, two apps: the cdktf stack makes the B2 side (bucket, lifecycle rule, a key
 * limited to the app's prefix, sensitive outputs) and hands the repository to the cdk8s
 * side, where a ResticBackedApp runs Wiki.js on PostgreSQL with nightly consistent
 * backups, a weekly `restic check` and the restore-before-first-start guard.
 *
 * `npx cdk8s synth` and `cdktf synth` both run it; each writes its own output.
 * After `cdktf deploy`: put `terraform output -raw restic_wiki_b2_key_id` and
 * `restic_wiki_b2_key` into the Secrets wiki-b2-key-id and wiki-b2-key (key `value`).
 */
import { App, Chart } from 'cdk8s';
import { App as TfApp, TerraformStack, TerraformVariable } from 'cdktf';
import { CertIssuer, providers, RestrictedPodSecurityResolver, ResticB2Bucket, ResticBackedApp } from 'homelab-cdk';

// Terraform: the bucket and the app's repository in it
const tf = new TfApp({ stackTraces: false });
const stack = new TerraformStack(tf, 'backups');
const b2Key = (name: string) => new TerraformVariable(stack, name, { type: 'string', sensitive: true }).stringValue;
new providers.B2Provider(stack, 'b2', { applicationKeyId: b2Key('b2_key_id'), applicationKey: b2Key('b2_key') });
const bucket = new ResticB2Bucket(stack, 'Backups', { bucketName: 'example-wiki-backups', region: 'eu-central-003', keepDeletedDays: 30 });
const repository = bucket.addRepository('wiki', { passwordSecretName: 'wiki-restic-password' });

// Kubernetes: the app, its database, its backups
const k8s = new App({ resolvers: [new RestrictedPodSecurityResolver()] });
new ResticBackedApp(k8s, 'wiki', {
  image: 'ghcr.io/requarks/wiki:2.5.303',
  port: 3000,
  env: { DB_TYPE: 'postgres', DB_SSL: 'false' },
  database: { engine: 'postgresql', passwordSecret: 'wiki-db-password', sizeGiB: 5 },
  ingress: { host: 'wiki.example.org', issuer: CertIssuer.clusterIssuer('letsencrypt') },
  repository,
  backupSchedule: '30 2 * * *',
  backupRetention: { keepDaily: 14, keepWeekly: 8, keepMonthly: 12 },
  pingUrlSecret: 'wiki-backup-ping-url',
});
// a chart of your own next to it
new Chart(k8s, 'extras', { namespace: 'wiki' });

k8s.synth();
tf.synth();
