/** `homelab plan` and `homelab apply` through the real command line. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listFiles } from '../helpers/tree';

const ROOT = path.resolve(__dirname, '..', '..');
const APP = path.join(ROOT, 'apps/main.ts');
const cli = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [path.join(ROOT, 'bin/homelab.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `homelab-${name}-`));

describe('homelab plan', () => {
  test('prints the bring-up from nothing in order, across the four outputs, and writes nothing', () => {
    const dir = tmp('plan');
    const r = cli(['plan', '--app', APP], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const titles = r.stdout.split('\n').filter((l) => /^\d+\. /.test(l));
    expect(titles).toEqual([
      '1. outside the homelab (exists before anything else)',
      '2. routers: the routers (gw, flat-gw)',
      '3. Terraform: Proxmox VMs ulf, rolf, karl; DNS records whoami.example.org, dash.example.org; B2 bucket example-homelab-backups',
      '4. NixOS hosts: olaf, ulf, rolf, karl',
      '5. cluster: 5 stages, each applied once, waiting for what the next needs',
    ]);
    expect(r.stdout).toContain('   - Terraform state in the local file terraform.example.tfstate\n');
    expect(r.stdout).toContain('HOMELAB_SECRET_WIFI_PSK=… HOMELAB_SECRET_WG_GW_KEY=… ./routers/gw/deploy.sh\n');
    expect(r.stdout).toContain('TF_VAR_b2_key=… TF_VAR_b2_key_id=… TF_VAR_cloudflare_api_token=… TF_VAR_proxmox_api_token=… cdktf deploy example\n');
    expect(r.stdout).toContain('   cd nixos && colmena apply\n');
    expect(r.stdout).toContain('- 00-crds.k8s.yaml; then wait for 37 CRDs Established\n');
    expect(r.stdout).toMatch(/- 10-platform\.k8s\.yaml; then wait for job\/helm-install-traefik \(kube-system\) Complete, .*deployment\/cert-manager-webhook \(cert-manager\) Available, .*the webhooks admit the next stage/);
    expect(r.stdout).toContain('- 30-app-files.k8s.yaml, 30-app-gitea.k8s.yaml, 30-app-homepage.k8s.yaml, 30-app-whoami.k8s.yaml\n');
    expect(r.stdout).toContain('Everyday, once the cluster is up: npx homelab apply (dist/apply.sh: waits per stage, prunes what the homelab no longer declares');
    // the apps' B2 keys go from Terraform's outputs into apply.sh's variables, never through a file
    expect(r.stdout).toContain('   export HOMELAB_SECRET_GITEA_B2_KEY="$(terraform -chdir=cdktf.out/stacks/example output -raw restic_gitea_b2_key)"   # the app\'s B2 key, from Terraform\'s state\n');
    expect(r.stdout).toContain('   export HOMELAB_SECRET_FILES_B2_KEY_ID="$(terraform -chdir=cdktf.out/stacks/example output -raw restic_files_b2_key_id)"');
    expect(r.stdout).not.toMatch(/HOMELAB_SECRET_GITEA_B2_KEY=… /);
    expect(listFiles(dir)).toEqual([]);
    fs.rmSync(dir, { recursive: true });
  });

  test('a bootstrap cycle fails with every step named, exit 1', () => {
    const dir = tmp('plan-cycle');
    const app = path.join(dir, 'cycle.ts');
    fs.writeFileSync(app, `import { Homelab } from ${JSON.stringify(path.join(ROOT, 'lib'))};
import { inventory } from ${JSON.stringify(path.join(ROOT, 'apps/inventory'))};
new Homelab({ inventory: { ...inventory, stateBackend: { type: 's3', bucket: 'tfstate', endpoint: 'https://git.home.example.org' } } }).synth();
`);
    const r = cli(['plan', '--app', app], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('[inventory.stateBackend] StateBackend.endpoint: bootstrap cycle: Terraform state in bucket tfstate at https://git.home.example.org (served by app gitea) → needs → app gitea → needs → the cluster platform → needs → the NixOS hosts (olaf, ulf, rolf, karl) → needs → Terraform stack example → needs → Terraform state');
    expect(listFiles(dir)).toEqual(['cycle.ts']);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('homelab apply', () => {
  test('needs a synthesized dist/ (exit 2), and runs dist/apply.sh with the given kubectl, passing its exit status on', () => {
    const dir = tmp('apply');
    const none = cli(['apply', '--out', dir], dir);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('apply.sh not found: run homelab synth first');
    expect(cli(['synth', '--app', APP, '--out', dir], dir).status).toBe(0);
    // a kubectl that records its arguments and fails on the first call
    const kubectl = path.join(dir, 'kubectl');
    fs.writeFileSync(kubectl, `#!/bin/sh\necho "$@" >> ${JSON.stringify(path.join(dir, 'kubectl.log'))}\nexit 7\n`, { mode: 0o755 });
    const r = cli(['apply', '--out', dir], dir, { KUBECTL: kubectl });
    expect(r.status).not.toBe(0);
    expect(fs.readFileSync(path.join(dir, 'kubectl.log'), 'utf8').length).toBeGreaterThan(0);
    fs.rmSync(dir, { recursive: true });
  });
});
