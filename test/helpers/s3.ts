/**
 * A throwaway S3 endpoint for tests: npm's s3rver over TLS on 127.0.0.1 at a
 * free port, with a self-signed certificate for IP 127.0.0.1 made by the
 * openssl CLI, storage in a temp dir removed on stop().
 *
 * s3rver runs as a child process, not in-process: the restic helpers use
 * spawnSync, which blocks this event loop, so an in-process server would
 * never answer restic.
 *
 * restic 0.14 has no RESTIC_CACERT (only the --cacert flag; the env var came
 * later), so the CA reaches restic two ways: `resticArgs` (--cacert FILE), and
 * SSL_CERT_FILE in `resticEnv`, which Go reads in place of the system roots
 * when no --cacert is given, so env-only helpers such as `snapshots()` work.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import { stopChild, stopper, tieToProcess } from './child';

const HOST = '127.0.0.1';
/** The key pair s3rver's default account accepts. */
const ACCESS_KEY_ID = 'S3RVER';
const SECRET_ACCESS_KEY = 'S3RVER';
/** restic needs one; tests may override it in the env they pass. */
const RESTIC_PASSWORD = 'homelab-test';
const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

export interface S3Server {
  /** https://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly port: number;
  /** PEM file of the self-signed certificate, which is its own CA. */
  readonly caCertFile: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** PUT /<name> over TLS; throws unless s3rver answers 200. */
  createBucket(name: string): Promise<void>;
  /**
   * RESTIC_REPOSITORY=s3:<endpoint>/<bucket>/<prefix>, the AWS key pair,
   * RESTIC_PASSWORD, SSL_CERT_FILE (the CA) and a RESTIC_CACHE_DIR inside
   * the temp dir.
   */
  resticEnv(bucket: string, prefix: string): Record<string, string>;
  /** `--cacert FILE`: restic 0.14 has no env var for it. */
  readonly resticArgs: readonly string[];
  /** Stops s3rver and removes its storage. Safe to call twice. */
  stop(): Promise<void>;
}

export async function startS3(): Promise<S3Server> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-s3-'));
  let child: ChildProcess | undefined;
  let untie = () => {};
  try {
    const { keyFile, certFile } = makeCert(tmp);
    const storage = path.join(tmp, 'storage');
    fs.mkdirSync(storage);
    const bin = require.resolve('s3rver/bin/s3rver.js');
    child = spawn(process.execPath, [
      bin, '--directory', storage, '--address', HOST, '--port', '0',
      '--key', keyFile, '--cert', certFile, '--silent', '--no-vhost-buckets',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    untie = tieToProcess(child, tmp, 'SIGKILL');
    const port = await listeningPort(child);
    return makeServer(tmp, port, certFile, child, untie);
  } catch (err) {
    untie();
    if (child) await stopChild(child, 'SIGTERM', STOP_TIMEOUT_MS);
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

function makeServer(tmp: string, port: number, caCertFile: string, child: ChildProcess, untie: () => void): S3Server {
  const endpoint = `https://${HOST}:${port}`;
  const ca = fs.readFileSync(caCertFile);
  return {
    endpoint,
    port,
    caCertFile,
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: SECRET_ACCESS_KEY,
    createBucket: (name) => new Promise<void>((resolve, reject) => {
      const req = https.request(`${endpoint}/${encodeURIComponent(name)}`, { method: 'PUT', ca }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => { body += c; });
        res.on('end', () => {
          if (res.statusCode === 200) resolve();
          else reject(new Error(`creating bucket ${JSON.stringify(name)}: HTTP ${res.statusCode}\n${body}`));
        });
      });
      req.on('error', reject);
      req.end();
    }),
    resticEnv: (bucket, prefix) => ({
      RESTIC_REPOSITORY: `s3:${endpoint}/${bucket}/${prefix}`,
      RESTIC_PASSWORD,
      AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
      SSL_CERT_FILE: caCertFile,
      RESTIC_CACHE_DIR: path.join(tmp, 'restic-cache'),
    }),
    resticArgs: ['--cacert', caCertFile],
    stop: stopper(child, untie, tmp, 'SIGTERM', STOP_TIMEOUT_MS),
  };
}

/** A self-signed P-256 certificate for IP 127.0.0.1, valid for two days. */
function makeCert(dir: string): { keyFile: string; certFile: string } {
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  const r = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', `/CN=${HOST}`,
    '-addext', `subjectAltName=IP:${HOST}`,
  ], { encoding: 'utf8' });
  if (r.error) throw new Error(`openssl is needed to make the test certificate: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`openssl req failed (exit ${r.status}):\n${r.stderr}`);
  return { keyFile, certFile };
}

/** s3rver's CLI prints "S3rver listening on 127.0.0.1:PORT" once it listens. */
function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => done(new Error(`s3rver did not start in ${READY_TIMEOUT_MS} ms:\n${out}${err}`)), READY_TIMEOUT_MS);
    const done = (e: Error | null, port?: number) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      if (e) reject(e);
      else resolve(port!);
    };
    const onExit = (code: number | null, signal: string | null) => {
      done(new Error(`s3rver exited (${code ?? signal}) before listening:\n${out}${err}`));
    };
    child.on('exit', onExit);
    child.stderr?.on('data', (c: Buffer) => { err = (err + c.toString('utf8')).slice(-65536); });
    child.stdout?.on('data', (c: Buffer) => {
      out = (out + c.toString('utf8')).slice(-65536);
      const m = /listening on [^\s:]+:(\d+)/.exec(out);
      if (m) done(null, Number(m[1]));
    });
  });
}

