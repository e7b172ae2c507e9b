import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { inventory } from '../../apps/inventory';
import { Homelab } from '../../lib/homelab/homelab';
import { ApplyOrder, k8sApplyCommand } from '../../lib/synth/apply-order';
import { K8sStage } from '../../lib/synth/stages';
import { checkPodSecurityRestricted, loadManifests, validateManifest } from '../helpers/k8s-validate';
import { hasTool } from '../helpers/tools';
import { ApiServerModel, ReplayWait } from './api-server-model';

const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `homelab-${name}-`));

let out: string;
let dist: string;
let lab: Homelab;
let plan: ApplyOrder;
/** The objects of each dist/ file, in file order. */
let byFile: Record<string, any[]>;

const readObjects = (file: string) => YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'), { version: '1.1' }).map((d) => d.toJS()).filter((o) => o);

beforeAll(() => {
  out = tmp('apply');
  dist = path.join(out, 'dist');
  lab = new Homelab({ inventory });
  lab.synth({ outdir: out });
  plan = lab.applyOrder();
  byFile = Object.fromEntries(fs.readdirSync(dist).filter((f) => f.endsWith('.yaml')).map((f) => [f, readObjects(path.join(dist, f))]));
});

afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

/** Replays a plan (data) against the API server model; returns the refusals. */
function replay(p: ApplyOrder, objectsOf: (file: string) => any[] = (f) => byFile[f]): string[] {
  const api = new ApiServerModel();
  for (const s of p.stages) {
    api.applyStage(s.stage, s.files.flatMap(objectsOf));
    for (const w of s.waits) api.wait(w);
  }
  return api.refused;
}

/** A copy of the plan with `change` applied to a deep clone. */
function altered(change: (p: { stages: any[] }) => void): ApplyOrder {
  const p = JSON.parse(JSON.stringify(plan));
  change(p);
  return p;
}

describe('the apply order', () => {
  test('stages are flat files in lexical order, each in exactly one stage', () => {
    // GIVEN the reference homelab WHEN synthesized THEN
    expect(plan.stages.map((s) => [s.stage, s.files])).toEqual([
      [K8sStage.CRDS, ['00-crds.k8s.yaml']],
      [K8sStage.PLATFORM, ['10-platform.k8s.yaml']],
      [K8sStage.PLATFORM_CONFIG, ['20-platform-config.k8s.yaml', '20-storage.k8s.yaml']],
      [K8sStage.NAMESPACES, ['25-namespaces.k8s.yaml']],
      [K8sStage.APPS, ['30-app-files.k8s.yaml', '30-app-gitea.k8s.yaml', '30-app-homepage.k8s.yaml', '30-app-whoami.k8s.yaml']],
    ]);
    const files = plan.stages.flatMap((s) => s.files);
    expect(files).toEqual([...files].sort());
    expect(new Set(files).size).toBe(files.length);
    // dist/ is flat and holds exactly these, plus apply.sh and synth's list of its files
    expect(fs.readdirSync(dist, { withFileTypes: true }).filter((e) => !e.isFile())).toEqual([]);
    expect(fs.readdirSync(dist).sort()).toEqual([...files, 'apply.sh', '.homelab-owned'].sort()); // kubectl apply -f dist reads .yaml/.yml/.json only
  });

  test('waits for what the next stage needs: CRDs Established; Helm installs, webhooks and controllers; the webhooks admitting stage 20', () => {
    const [crds, platform, ...rest] = plan.stages;
    expect(crds.waits.map((w) => `${w.resource} ${w.condition}`)).toEqual(byFile['00-crds.k8s.yaml'].map((c) => `crd/${c.metadata.name} Established`));
    expect(platform.waits.map((w) => `${w.namespace}/${w.resource} ${w.condition}${w.appearsLater ? ' (appears later)' : ''}`)).toEqual([
      'kube-system/job/helm-install-traefik Complete (appears later)',
      'kube-system/job/helm-install-cert-manager Complete (appears later)',
      'kube-system/job/helm-install-metallb Complete (appears later)',
      'kube-system/job/helm-install-oauth2-proxy Complete (appears later)',
      'kube-system/job/helm-install-cstor Complete (appears later)',
      'traefik/deployment/traefik Available (appears later)',
      'cert-manager/deployment/cert-manager-webhook Available (appears later)',
      'cert-manager/deployment/cert-manager-cainjector Available (appears later)',
      'cert-manager/deployment/cert-manager Available (appears later)',
      'metallb-system/deployment/metallb-controller Available (appears later)',
      'oauth2-proxy/deployment/oauth2-proxy Available (appears later)',
      'openebs/deployment/openebs-cstor-admission-server Available (appears later)',
      'openebs/deployment/openebs-cstor-cspc-operator Available (appears later)',
      'openebs/deployment/openebs-cstor-cvc-operator Available (appears later)',
      'undefined/dry-run Admitted',
    ]);
    expect(platform.waits[platform.waits.length - 1].files).toEqual(['20-platform-config.k8s.yaml', '20-storage.k8s.yaml']);
    expect(rest.flatMap((s) => s.waits)).toEqual([]);
  });

  test('each Secret is ensured right after the stage that creates its namespace', () => {
    expect(plan.stages.map((s) => [s.stage, s.secrets.map((x) => `${x.namespace}/${x.name}:${x.key}:${x.env}`)])).toEqual([
      [K8sStage.CRDS, []],
      [K8sStage.PLATFORM, [
        'cert-manager/cloudflare-api-token:value:HOMELAB_SECRET_CLOUDFLARE_API_TOKEN',
        'oauth2-proxy/oauth-client-id:value:HOMELAB_SECRET_OAUTH_CLIENT_ID',
        'oauth2-proxy/oauth-client-secret:value:HOMELAB_SECRET_OAUTH_CLIENT_SECRET',
        'oauth2-proxy/oauth-cookie-secret:value:HOMELAB_SECRET_OAUTH_COOKIE_SECRET',
      ]],
      [K8sStage.PLATFORM_CONFIG, []],
      [K8sStage.NAMESPACES, [
        'files/files-b2-key:value:HOMELAB_SECRET_FILES_B2_KEY',
        'files/files-b2-key-id:value:HOMELAB_SECRET_FILES_B2_KEY_ID',
        'files/files-restic-password:value:HOMELAB_SECRET_FILES_RESTIC_PASSWORD',
        'gitea/gitea-b2-key:value:HOMELAB_SECRET_GITEA_B2_KEY',
        'gitea/gitea-b2-key-id:value:HOMELAB_SECRET_GITEA_B2_KEY_ID',
        'gitea/gitea-backup-ping-url:value:HOMELAB_SECRET_GITEA_BACKUP_PING_URL',
        'gitea/gitea-db-password:value:HOMELAB_SECRET_GITEA_DB_PASSWORD',
        'gitea/gitea-restic-password:value:HOMELAB_SECRET_GITEA_RESTIC_PASSWORD',
        'gitea/gitea-secret-key:value:HOMELAB_SECRET_GITEA_SECRET_KEY',
      ]],
      [K8sStage.APPS, []],
    ]);
  });

  test('replays against the API server model without a refusal: nothing would need a second apply', () => {
    expect(replay(plan)).toEqual([]);
  });

  test('everything validates (unknown fields rejected) and every pod is Pod Security "restricted"', () => {
    const all = Object.values(byFile).flat();
    expect(all.flatMap(validateManifest)).toEqual([]);
    expect(all.flatMap(checkPodSecurityRestricted)).toEqual([]);
    // kubectl apply -f dist reads the same objects, in the same order
    expect(loadManifests(dist).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(plan.stages.flatMap((s) => s.files).flatMap((f) => byFile[f]).map((o) => `${o.kind}/${o.metadata.name}`));
  });
});

describe('the ordering test can fail', () => {
  const moveObject = (p: { stages: any[] }, kind: string, to: string, objectsByFile: Record<string, any[]>) => {
    // move every object of `kind` into the (first) file of stage `to`
    const moved = Object.values(objectsByFile).flat().filter((o) => o.kind === kind);
    for (const f of Object.keys(objectsByFile)) objectsByFile[f] = objectsByFile[f].filter((o) => o.kind !== kind);
    const target = p.stages.find((s) => s.stage === to).files[0];
    objectsByFile[target] = [...objectsByFile[target], ...moved];
  };
  const copyFiles = () => Object.fromEntries(Object.entries(byFile).map(([k, v]) => [k, [...v]]));

  test('fails when the ClusterIssuer moves into the platform stage (its webhook is not up yet)', () => {
    const files = copyFiles();
    moveObject(plan as any, 'ClusterIssuer', K8sStage.PLATFORM, files);
    expect(replay(plan, (f) => files[f])).toEqual(['10-platform: ClusterIssuer/letsencrypt: webhook cert-manager/cert-manager-webhook for cert-manager.io was not waited for']);
  });

  test('fails when a wait is dropped', () => {
    const noEstablished = altered((p) => { p.stages[0].waits = p.stages[0].waits.filter((w: any) => w.resource !== 'crd/ipaddresspools.metallb.io'); });
    expect(replay(noEstablished)).toEqual(['20-platform-config: IPAddressPool/lan: no Established wait for its CRD ipaddresspools.metallb.io']);
    const noWebhook = altered((p) => { p.stages[1].waits = p.stages[1].waits.filter((w: any) => w.resource !== 'deployment/cert-manager-webhook'); });
    expect(replay(noWebhook)).toEqual([
      '20-platform-config: ClusterIssuer/letsencrypt: webhook cert-manager/cert-manager-webhook for cert-manager.io was not waited for',
      '30-apps: Certificate/files-tls: webhook cert-manager/cert-manager-webhook for cert-manager.io was not waited for',
      '30-apps: Certificate/gitea-tls: webhook cert-manager/cert-manager-webhook for cert-manager.io was not waited for',
      '30-apps: Certificate/homepage-tls: webhook cert-manager/cert-manager-webhook for cert-manager.io was not waited for',
      '30-apps: Certificate/whoami-tls: webhook cert-manager/cert-manager-webhook for cert-manager.io was not waited for',
    ]);
  });

  test('fails when a CRD is applied in the same stage as its custom resources', () => {
    const files = copyFiles();
    const crd = files['00-crds.k8s.yaml'].find((o) => o.metadata.name === 'l2advertisements.metallb.io');
    files['00-crds.k8s.yaml'] = files['00-crds.k8s.yaml'].filter((o) => o !== crd);
    files['20-platform-config.k8s.yaml'] = [crd, ...files['20-platform-config.k8s.yaml']];
    const p = altered((x) => { x.stages[0].waits = x.stages[0].waits.filter((w: any) => w.resource !== 'crd/l2advertisements.metallb.io'); });
    expect(replay(p, (f) => files[f])).toEqual(['20-platform-config: L2Advertisement/default: its CRD l2advertisements.metallb.io was applied in the same stage']);
  });

  test('fails when the apps come before their namespaces, or a stage is applied twice', () => {
    const swapped = altered((p) => { [p.stages[3], p.stages[4]] = [p.stages[4], p.stages[3]]; });
    expect(replay(swapped).length).toBeGreaterThan(5);
    expect(replay(swapped)[0]).toMatch(/^30-apps: .*namespace files does not exist yet$/);
    const twice = altered((p) => { p.stages.push(p.stages[2]); });
    expect(replay(twice)).toEqual(['20-platform-config: applied a second time']);
  });
});

describe('apply.sh', () => {
  let bin: string;
  let log: string;

  beforeEach(() => {
    bin = tmp('fakebin');
    log = path.join(bin, 'calls.log');
    // a kubectl that records each call; objects created by controllers exist after FAKE_APPEAR_AFTER polls
    fs.writeFileSync(path.join(bin, 'kubectl'), `#!/bin/sh
printf '%s\\n' "$*" >> "$FAKE_LOG"
case "$*" in
  *"create secret"*) printf 'stdin:%s\\n' "$(cat)" >> "$FAKE_LOG" ;;
  *"get --raw=/readyz"*) [ -z "\${FAKE_UNREACHABLE:-}" ] || exit 1 ;;
  *" get secret "*) [ -n "\${FAKE_SECRETS_EXIST:-}" ] || exit 1 ;;
  *"jsonpath={.metadata.uid}") [ -n "\${FAKE_OLD_UID:-}" ] || exit 1; printf '%s' "$FAKE_OLD_UID" ;;
  "apply "*|*" apply -f"*) printf '%s\n' "\${FAKE_APPLY_OUT:-}" ;;
  *" get helmchart "*) printf '%s' "\${FAKE_CHART_FAILED:-}" ;;
  *" get configmap homelab-applyset-"*) exit 1 ;;
  *" -l applyset.kubernetes.io/part-of="*) exit 0 ;;
  *" logs "*) echo "Error: UPGRADE FAILED: the log of $*" ;;
  *" get job helm-install-"*)
    name=\${*##*get job }; name=\${name%% *}
    if [ -s "$FAKE_LOG.$name" ]; then head -n 1 "$FAKE_LOG.$name"; sed -i 1d "$FAKE_LOG.$name"; exit 0; fi
    n=$(cat "$FAKE_LOG.polls" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$FAKE_LOG.polls"; [ "$n" -gt "\${FAKE_APPEAR_AFTER:-0}" ] || exit 1
    printf 'uid-new/1//' ;;
  *" get "*) n=$(cat "$FAKE_LOG.polls" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$FAKE_LOG.polls"; [ "$n" -gt "\${FAKE_APPEAR_AFTER:-0}" ] || exit 1 ;;
esac
exit 0
`, { mode: 0o755 });
    // sleep is an external command in sh: make the polls instant and count them
    fs.writeFileSync(path.join(bin, 'sleep'), '#!/bin/sh\nprintf "sleep %s\\n" "$1" >> "$FAKE_LOG.sleeps"\n', { mode: 0o755 });
  });

  afterEach(() => fs.rmSync(bin, { recursive: true, force: true }));

  const secretsEnv = Object.fromEntries(plan0Secrets().map((n) => [n, `value of ${n} with 'quotes' and $dollar`]));
  function plan0Secrets(): string[] {
    return ['HOMELAB_SECRET_CLOUDFLARE_API_TOKEN', 'HOMELAB_SECRET_OAUTH_CLIENT_ID', 'HOMELAB_SECRET_OAUTH_CLIENT_SECRET', 'HOMELAB_SECRET_OAUTH_COOKIE_SECRET',
      ...['HOMELAB_SECRET_FILES_B2_KEY', 'HOMELAB_SECRET_FILES_B2_KEY_ID', 'HOMELAB_SECRET_FILES_RESTIC_PASSWORD', 'HOMELAB_SECRET_GITEA_B2_KEY', 'HOMELAB_SECRET_GITEA_B2_KEY_ID', 'HOMELAB_SECRET_GITEA_BACKUP_PING_URL', 'HOMELAB_SECRET_GITEA_DB_PASSWORD', 'HOMELAB_SECRET_GITEA_RESTIC_PASSWORD', 'HOMELAB_SECRET_GITEA_SECRET_KEY']];
  }

  const run = (env: Record<string, string>, script = path.join(dist, 'apply.sh')) => {
    const r = spawnSync('sh', [script], {
      encoding: 'utf8',
      cwd: os.tmpdir(),
      env: { PATH: `${bin}:${process.env.PATH}`, FAKE_LOG: log, KUBECTL: `${path.join(bin, 'kubectl')} --context home`, ...env },
    });
    const calls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
    return { ...r, calls };
  };

  /** The stage applies and waits of a recorded run, in order (dry runs and reads left out). */
  function recorded(calls: readonly string[]): { applies: string[][]; events: ({ apply: string[] } | { wait: ReplayWait })[] } {
    const events: ({ apply: string[] } | { wait: ReplayWait })[] = [];
    for (const raw of calls) {
      const words = raw.replace(/^--context home /, '').split(' ');
      let namespace: string | undefined;
      if (words[0] === '-n') { namespace = words[1]; words.splice(0, 2); }
      if (words[0] === 'apply' && words[1] !== '--dry-run=server' && words[2] !== '-') {
        events.push({ apply: words.filter((w, i) => words[i - 1] === '-f').map((f) => path.relative(dist, f)) });
      } else if (words[0] === 'get' && words[1] === 'job' && words[2].startsWith('helm-install-')) {
        // helm_job's polls of a Helm job: one wait for its outcome
        const wait = { resource: `job/${words[2]}`, namespace, condition: 'Complete' };
        const last = events[events.length - 1];
        if (!(last && 'wait' in last && last.wait.resource === wait.resource)) events.push({ wait });
      } else if (words[0] === 'wait') {
        const condition = words.find((w) => w.startsWith('--for=condition='))!.slice('--for=condition='.length);
        for (const resource of words.filter((w) => !w.startsWith('--') && w !== 'wait')) events.push({ wait: { resource, namespace, condition } });
      }
    }
    return { applies: events.filter((e): e is { apply: string[] } => 'apply' in e).map((e) => e.apply), events };
  }

  test('is POSIX sh, executable, and reads nothing but kubectl', () => {
    const script = path.join(dist, 'apply.sh');
    expect(fs.statSync(script).mode & 0o777).toBe(0o755);
    expect(spawnSync('sh', ['-n', script]).status).toBe(0);
    if (hasTool('dash', ['-c', 'true'])) expect(spawnSync('dash', ['-n', script]).status).toBe(0);
    const text = fs.readFileSync(script, 'utf8');
    expect(text.startsWith('#!/bin/sh\n')).toBe(true);
    expect(text).toContain('set -eu\nKUBECTL=${KUBECTL:-kubectl}\n');
    expect(text).not.toMatch(/\bhelm\b +(install|upgrade)|\bcurl\b|\bjq\b|\[\[/);
  });

  test('brings the cluster up in one pass: each stage applied once, in order, with its waits; the recorded run replays cleanly', () => {
    // GIVEN every Secret in the environment, and controllers that take two polls to create their objects
    const r = run({ ...secretsEnv, FAKE_APPEAR_AFTER: '2' });
    expect(r.stderr).toContain('apply.sh: done');
    expect(r.status).toBe(0);
    const { applies, events } = recorded(r.calls);
    // THEN each stage is one apply of its files
    expect(applies).toEqual(plan.stages.map((s) => s.files));
    // AND the waits between them are the plan's
    const waits = (evs: typeof events) => evs.filter((e): e is { wait: ReplayWait } => 'wait' in e).map((e) => `${e.wait.namespace ?? ''}/${e.wait.resource} ${e.wait.condition}`);
    expect(waits(events)).toEqual(plan.stages.flatMap((s) => s.waits).filter((w) => w.condition !== 'Admitted').map((w) => `${w.namespace ?? ''}/${w.resource} ${w.condition}`));
    // AND the run itself replays against the API server model
    const api = new ApiServerModel();
    for (const e of events) {
      if ('apply' in e) api.applyStage(plan.stages.find((s) => s.files[0] === e.apply[0])!.stage, e.apply.flatMap((f) => byFile[f]));
      else api.wait(e.wait);
    }
    expect(api.refused).toEqual([]);
    // AND the webhooks were probed with a server-side dry run of stage 20 before it was applied
    const dryRun = r.calls.findIndex((c) => c.includes('apply --dry-run=server') && c.includes('20-platform-config.k8s.yaml'));
    const real = r.calls.findIndex((c) => /apply -f \S*20-platform-config/.test(c));
    expect(dryRun).toBeGreaterThan(-1);
    expect(dryRun).toBeLessThan(real);
    // AND the controllers' objects were polled for until they existed
    expect(fs.readFileSync(`${log}.sleeps`, 'utf8').trim().split('\n')).toEqual(['sleep 5', 'sleep 5']);
  });

  test('creates each missing Secret from HOMELAB_SECRET_<NAME> after its namespace exists, the value through stdin only', () => {
    const r = run({ ...secretsEnv });
    expect(r.status).toBe(0);
    const creates = r.calls.map((c, i) => [c, i] as const).filter(([c]) => c.includes('create secret'));
    expect(creates.map(([c]) => c.replace('--context home ', ''))).toEqual([
      '-n cert-manager create secret generic cloudflare-api-token --from-file=value=/dev/stdin',
      '-n oauth2-proxy create secret generic oauth-client-id --from-file=value=/dev/stdin',
      '-n oauth2-proxy create secret generic oauth-client-secret --from-file=value=/dev/stdin',
      '-n oauth2-proxy create secret generic oauth-cookie-secret --from-file=value=/dev/stdin',
      '-n files create secret generic files-b2-key --from-file=value=/dev/stdin',
      '-n files create secret generic files-b2-key-id --from-file=value=/dev/stdin',
      '-n files create secret generic files-restic-password --from-file=value=/dev/stdin',
      '-n gitea create secret generic gitea-b2-key --from-file=value=/dev/stdin',
      '-n gitea create secret generic gitea-b2-key-id --from-file=value=/dev/stdin',
      '-n gitea create secret generic gitea-backup-ping-url --from-file=value=/dev/stdin',
      '-n gitea create secret generic gitea-db-password --from-file=value=/dev/stdin',
      '-n gitea create secret generic gitea-restic-password --from-file=value=/dev/stdin',
      '-n gitea create secret generic gitea-secret-key --from-file=value=/dev/stdin',
    ]);
    for (const [, i] of creates) expect(r.calls[i + 1]).toMatch(/^stdin:value of HOMELAB_SECRET_\w+ with 'quotes' and \$dollar$/);
    const platformApply = r.calls.findIndex((c) => c.includes('10-platform.k8s.yaml'));
    const namespacesApply = r.calls.findIndex((c) => c.includes('25-namespaces.k8s.yaml'));
    expect(creates[0][1]).toBeGreaterThan(platformApply);
    expect(creates[4][1]).toBeGreaterThan(namespacesApply);
    // existing Secrets are never touched
    fs.rmSync(log, { force: true });
    const again = run({ ...secretsEnv, FAKE_SECRETS_EXIST: '1' });
    expect(again.status).toBe(0);
    expect(again.calls.filter((c) => c.includes('create secret'))).toEqual([]);
  });

  test('stops before applying anything when a Secret is neither in the cluster nor in the environment', () => {
    const { HOMELAB_SECRET_OAUTH_CLIENT_ID, ...partial } = secretsEnv;
    const r = run(partial);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('oauth2-proxy/oauth-client-id:HOMELAB_SECRET_OAUTH_CLIENT_ID');
    expect(r.calls.filter((c) => / apply /.test(` ${c} `))).toEqual([]);
  });

  test('gives up, bounded, when a controller never creates what it waits for; and when the cluster is unreachable', () => {
    const r = run({ ...secretsEnv, FAKE_APPEAR_AFTER: '100000' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('gave up after 900 s: job/helm-install-traefik in namespace kube-system does not exist');
    expect(fs.readFileSync(`${log}.sleeps`, 'utf8').trim().split('\n').length).toBe(900 / 5);
    fs.rmSync(log, { force: true });
    const down = run({ ...secretsEnv, FAKE_UNREACHABLE: '1' });
    expect(down.status).toBe(1);
    expect(down.stderr).toContain('cannot reach the cluster');
    expect(down.calls).toEqual(['--context home get --raw=/readyz']);
  });

  test('stops with the job\'s log when a Helm upgrade fails under failurePolicy abort, before the next stage', () => {
    // GIVEN cert-manager's job fails once and the Helm controller marks the HelmChart Failed
    fs.writeFileSync(`${log}.helm-install-cert-manager`, 'uid-new//1/\n');
    const r = run({ ...secretsEnv, FAKE_CHART_FAILED: 'True' });
    // THEN apply.sh stops, says which chart failed and why, shows the log and how to retry
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('apply.sh: the Helm install or upgrade of cert-manager failed (failurePolicy abort: the release is left as the failed attempt left it, nothing was uninstalled)');
    expect(r.stderr).toContain('Error: UPGRADE FAILED: the log of --context home -n kube-system logs --tail=20 job/helm-install-cert-manager');
    expect(r.stderr).toMatch(/retry it unchanged: .*kubectl --context home -n kube-system delete job helm-install-cert-manager/);
    // AND nothing after it was applied or waited for
    expect(r.calls.some((c) => /apply .*20-platform-config/.test(c))).toBe(false);
    expect(r.calls.some((c) => c.includes('helm-install-metallb -o jsonpath={.metadata.uid}/'))).toBe(false);
  });

  test('stops when a Helm job runs out of retries; a failed attempt alone (reinstall retrying) is waited out', () => {
    fs.writeFileSync(`${log}.helm-install-traefik`, 'uid-new//1/\nuid-new//2/\nuid-new//6/True\n');
    const r = run({ ...secretsEnv });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('the Helm install or upgrade of traefik failed (the job ran out of retries)');
    expect(fs.readFileSync(`${log}.sleeps`, 'utf8').trim().split('\n')).toEqual(['sleep 5', 'sleep 5']);
  });

  test('after a HelmChart changed, the old job\'s success does not count: it waits for the new job\'s outcome', () => {
    // GIVEN a cluster where every Helm job exists (uid-old, Complete) and the apply changes cert-manager's HelmChart
    fs.writeFileSync(`${log}.helm-install-cert-manager`, 'uid-old/1//\nuid-old/1//\nuid-new///\nuid-new/1//\n');
    const r = run({ ...secretsEnv, FAKE_OLD_UID: 'uid-old', FAKE_APPLY_OUT: 'helmchart.helm.cattle.io/traefik unchanged\nhelmchart.helm.cattle.io/cert-manager configured' });
    expect(r.stderr).toContain('apply.sh: done');
    expect(r.status).toBe(0);
    // THEN it polled cert-manager's job until the new one succeeded (4 polls, 3 sleeps), the unchanged charts once
    const polls = (name: string) => r.calls.filter((c) => c.includes(`get job ${name} -o`)).length;
    expect(polls('helm-install-cert-manager')).toBe(4);
    expect(polls('helm-install-traefik')).toBe(1);
    expect(fs.readFileSync(`${log}.sleeps`, 'utf8').trim().split('\n')).toEqual(['sleep 5', 'sleep 5', 'sleep 5']);
  });

  test('kubectl apply -f dist never reads it: kubectl takes .json, .yaml and .yml files only', () => {
    // loadManifests is kubectl's folder rule; apply.sh is no object
    expect(loadManifests(dist).some((o) => (o as any).__file.endsWith('apply.sh'))).toBe(false);
    if (!hasTool('kubectl', ['version', '--client'])) return;
    // the real kubectl, on a folder holding only apply.sh, finds no file it would read
    const only = tmp('only-script');
    fs.copyFileSync(path.join(dist, 'apply.sh'), path.join(only, 'apply.sh'));
    const r = spawnSync('kubectl', ['apply', '--dry-run=client', '-f', only], { encoding: 'utf8', env: { ...process.env, KUBECONFIG: '/dev/null' } });
    fs.rmSync(only, { recursive: true });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('recognized file extensions are [.json .yaml .yml]');
  });

  test('homelab apply runs it with sh', () => {
    expect(k8sApplyCommand(out)).toEqual({ command: 'sh', args: [path.join(out, 'dist', 'apply.sh')] });
  });

  test('without a platform: namespaces, then the apps, no waits', () => {
    const plain = new Homelab({ inventory: { ...inventory, cluster: { ...inventory.cluster!, platform: undefined }, apps: inventory.apps!.filter((a) => !a.ingress?.admin) } });
    const p = plain.applyOrder();
    expect(p.stages.map((s) => [s.stage, s.files, s.waits])).toEqual([
      [K8sStage.NAMESPACES, ['25-namespaces.k8s.yaml'], []],
      [K8sStage.APPS, ['30-app-files.k8s.yaml', '30-app-gitea.k8s.yaml', '30-app-whoami.k8s.yaml'], []],
    ]);
  });
});
