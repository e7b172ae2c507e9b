/**
 * synthTerraform writes what cdktf's own `app.synth()` writes (literal strings aside, which it
 * escapes): with one stack it skips cdktf's preparing pass, which only looks for references
 * across stacks; with several it runs it, so cross-stack references still work.
 */
import * as cdktf from 'cdktf';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { B2Bucket, B2Provider } from '../../lib/terraform/providers/b2';
import { synthTerraform } from '../../lib/synth/terraform';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-tfsynth-'));
}

function readStack(dir: string, name: string): Record<string, any> {
  return JSON.parse(fs.readFileSync(path.join(dir, 'stacks', name, 'cdk.tf.json'), 'utf8'));
}

/** A stack with a variable, a provider, resources referring to each other, a lazy value and an output. */
function populate(stack: cdktf.TerraformStack): B2Bucket {
  const key = new cdktf.TerraformVariable(stack, 'b2_key', { type: 'string', sensitive: true });
  new B2Provider(stack, 'b2', { applicationKeyId: key.stringValue, applicationKey: key.stringValue });
  const bucket = new B2Bucket(stack, 'bucket', { bucketName: 'homelab-one', bucketType: 'allPrivate' });
  new B2Bucket(stack, 'other', {
    bucketName: cdktf.Lazy.stringValue({ produce: () => `${'homelab'}-two` }),
    bucketType: 'allPrivate',
    bucketInfo: { twin: bucket.bucketId },
  });
  new cdktf.TerraformOutput(stack, 'bucket_id', { value: bucket.bucketId });
  return bucket;
}

describe('synthTerraform', () => {
  test('one stack: the same document as cdktf app.synth(), default backend included', () => {
    // GIVEN the same stack in two apps
    const ours = tmp();
    const theirs = tmp();
    try {
      const a = new cdktf.App({ outdir: ours, stackTraces: false });
      populate(new cdktf.TerraformStack(a, 'lab'));
      const b = new cdktf.App({ outdir: theirs, stackTraces: false });
      populate(new cdktf.TerraformStack(b, 'lab'));

      // WHEN ours and cdktf's synth write them
      synthTerraform(a, ours);
      b.synth();

      // THEN the documents are equal, with cdktf's default local backend
      const doc = readStack(ours, 'lab');
      expect(doc).toEqual(readStack(theirs, 'lab'));
      expect(doc.terraform.backend).toEqual({ local: { path: expect.stringContaining('terraform.lab.tfstate') } });
      expect(doc.resource.b2_bucket.other.bucket_info).toEqual({ twin: '${b2_bucket.bucket.bucket_id}' });
      expect(doc.resource.b2_bucket.other.bucket_name).toBe('homelab-two');
    } finally {
      fs.rmSync(ours, { recursive: true, force: true });
      fs.rmSync(theirs, { recursive: true, force: true });
    }
  });

  test('two stacks: a reference across them becomes an output and a remote state, as in cdktf', () => {
    // GIVEN a second stack that uses the first one's bucket
    const dir = tmp();
    try {
      const app = new cdktf.App({ outdir: dir, stackTraces: false });
      const bucket = populate(new cdktf.TerraformStack(app, 'lab'));
      const extra = new cdktf.TerraformStack(app, 'extra');
      new B2Provider(extra, 'b2', { applicationKeyId: 'id', applicationKey: 'key' });
      new B2Bucket(extra, 'copy', { bucketName: 'homelab-copy', bucketType: 'allPrivate', bucketInfo: { source: bucket.bucketId } });

      // WHEN synthesized
      synthTerraform(app, dir);

      // THEN the reference goes through the first stack's output and a remote state in the second
      const lab = readStack(dir, 'lab');
      const copy = readStack(dir, 'extra');
      const crossOutputs = Object.keys(lab.output).filter((k) => k !== 'bucket_id');
      expect(crossOutputs).toHaveLength(1);
      expect(Object.keys(copy.data.terraform_remote_state)).toHaveLength(1);
      expect(copy.resource.b2_bucket.copy.bucket_info.source).toMatch(/^\$\{data\.terraform_remote_state\.[^.]+\.outputs\./);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
