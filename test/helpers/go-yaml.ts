/**
 * kubectl's YAML reader for tests: a tiny Go program (`go-yaml/main.go`) on
 * sigs.k8s.io/yaml, built once per source version with Debian's golang-go and
 * golang-k8s-sigs-yaml-dev, that turns a YAML stream into one JSON line per
 * document. Tests that use it run under `itWith('go')`.
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const SOURCE = path.join(__dirname, 'go-yaml', 'main.go');
/** Where Debian's golang-*-dev packages put Go sources (GOPATH mode). */
const DEBIAN_GOPATH = '/usr/share/gocode';

let built: string | undefined;

/** The reader binary, built on first use (concurrent test workers each build, then rename into place). */
function reader(): string {
  if (built) return built;
  const source = fs.readFileSync(SOURCE);
  const hash = crypto.createHash('sha256').update(source).digest('hex').slice(0, 16);
  const dir = path.join(os.tmpdir(), 'homelab-cdk-go-yaml');
  const bin = path.join(dir, `reader-${hash}`);
  if (!fs.existsSync(bin)) {
    fs.mkdirSync(dir, { recursive: true });
    const work = fs.mkdtempSync(path.join(dir, 'build-'));
    try {
      fs.copyFileSync(SOURCE, path.join(work, 'main.go'));
      const r = spawnSync('go', ['build', '-o', 'reader', 'main.go'], {
        cwd: work,
        encoding: 'utf8',
        env: { ...process.env, GO111MODULE: 'off', GOPATH: DEBIAN_GOPATH, GOCACHE: path.join(dir, 'cache'), GOFLAGS: '' },
      });
      if (r.status !== 0) throw new Error(`building the go-yaml reader failed (is golang-k8s-sigs-yaml-dev installed?):\n${r.stderr}`);
      fs.renameSync(path.join(work, 'reader'), bin);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
  built = bin;
  return bin;
}

/** The documents of a YAML stream as kubectl reads them (`null` for an empty one, e.g. a header of comments). */
export function readYamlLikeKubectl(yaml: string | Buffer): unknown[] {
  const r = spawnSync(reader(), [], { input: yaml, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`go-yaml could not read the YAML: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
}
