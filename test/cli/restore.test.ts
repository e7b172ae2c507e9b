/** `homelab restore` through the real command line. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadManifests, validateManifest, checkPodSecurityRestricted } from '../helpers/k8s-validate';
import { listFiles } from '../helpers/tree';

const ROOT = path.resolve(__dirname, '..', '..');
const APP = path.join(ROOT, 'apps/main.ts');
const cli = (args: string[], cwd: string) => spawnSync(process.execPath, [path.join(ROOT, 'bin/homelab.js'), ...args], { cwd, encoding: 'utf8' });
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-restore-'));

describe('homelab restore', () => {
  test('writes the one-off Job for the latest snapshot of each part, and prints how to run it', () => {
    const dir = tmp();
    const r = cli(['restore', 'gitea', '--app', APP, '--out', 'restores'], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // only the Job file: nothing else is written
    expect(listFiles(dir)).toEqual(['restores/restore-gitea-latest.k8s.yaml']);
    const objects = loadManifests(path.join(dir, 'restores'));
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['Job/gitea/gitea-restore-latest']);
    expect(objects.flatMap(validateManifest)).toEqual([]);
    expect(objects.flatMap(checkPodSecurityRestricted)).toEqual([]);
    const c = objects[0].spec.template.spec.containers.find((x: any) => x.name === 'restore-job');
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env.HOMELAB_RESTORE_MODE).toBe('job');
    expect(env.HOMELAB_RESTORE_SNAPSHOT).toBeUndefined();
    expect(env.RESTIC_REPOSITORY).toBe('s3:https://s3.us-west-004.backblazeb2.com/example-homelab-backups/gitea');
    expect(r.stdout).toContain('homelab: wrote restores/restore-gitea-latest.k8s.yaml: restores gitea (db, volume-data) from s3:https://s3.us-west-004.backblazeb2.com/example-homelab-backups/gitea, snapshot latest of each part\n');
    expect(r.stdout).toContain([
      '  kubectl -n gitea scale deployment gitea --replicas=0',
      '  kubectl -n gitea wait --for=delete pod -l app.kubernetes.io/name=gitea --timeout=300s',
      '  kubectl -n gitea delete job/gitea-restore-latest --ignore-not-found --wait',
      '  kubectl apply -f restores/restore-gitea-latest.k8s.yaml',
      '  kubectl -n gitea wait --for=condition=complete job/gitea-restore-latest --timeout=12h',
      '  kubectl -n gitea logs job/gitea-restore-latest',
      '  kubectl -n gitea scale deployment gitea --replicas=1',
    ].join('\n'));
  });

  test('--snapshot restores that snapshot only; the Job refuses it unless it is one of the app\'s own', () => {
    const dir = tmp();
    const r = cli(['restore', 'files', '--snapshot', '0123abcd', '--app', APP], dir);
    expect(r.status).toBe(0);
    const [job] = loadManifests(dir);
    expect(job.metadata.name).toBe('files-restore-0123abcd');
    const c = job.spec.template.spec.containers.find((x: any) => x.name === 'restore-job');
    expect(c.env.find((e: any) => e.name === 'HOMELAB_RESTORE_SNAPSHOT')).toEqual({ name: 'HOMELAB_RESTORE_SNAPSHOT', value: '0123abcd' });
    expect(c.env.find((e: any) => e.name === 'HOMELAB_APP')).toEqual({ name: 'HOMELAB_APP', value: 'files' });
  });

  test('bad input: usage errors name what is wrong, and nothing is written', () => {
    const dir = tmp();
    const cases: [string[], RegExp][] = [
      [['restore'], /restore needs an app name/],
      [['restore', 'nope', '--app', APP], /no app "nope"; the homelab has \["whoami","gitea","files","homepage"\]/],
      [['restore', 'whoami', '--app', APP], /app "whoami" has no backup; apps with backup: \["gitea","files"\]/],
      [['restore', 'gitea', '--snapshot', 'latest;rm -rf /', '--app', APP], /--snapshot "latest;rm -rf \/" is not a restic snapshot id; 8 to 64 lowercase hex digits/],
      [['restore', 'gitea', '--snapshot', 'abc', '--app', APP], /is not a restic snapshot id/],
    ];
    for (const [args, message] of cases) {
      const r = cli(args, dir);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(listFiles(dir)).toEqual([]);
  });
});
