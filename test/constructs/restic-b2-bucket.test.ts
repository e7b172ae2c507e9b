import * as cdktf from 'cdktf';
import { B2Provider } from '../../lib/terraform/providers/b2';
import { ResticB2Bucket } from '../../lib';
import { RESTIC_B2_CAPABILITIES } from '../../lib/constructs/restic-b2-bucket';
import { bodies, docFor, undocumentedKeys } from '../helpers/terraform-docs';
import { problemMessages } from '../helpers/problems';

function build() {
  const stack = new cdktf.TerraformStack(cdktf.Testing.app(), 'backups');
  new B2Provider(stack, 'b2', {});
  const bucket = myBucket(stack);
  return { stack, bucket };
}
const myBucket = (stack: cdktf.TerraformStack) => new ResticB2Bucket(stack, 'Backups', { bucketName: 'my-backups-2024', region: 'eu-central-003' });

describe('ResticB2Bucket', () => {
  test('one private bucket, a rule and a prefix-limited key per repository, sensitive outputs, and the handle', () => {
    // GIVEN a bucket with two repositories, the second added after the bucket was made
    const { stack, bucket } = build();
    const wiki = bucket.addRepository('wiki', { passwordSecretName: 'wiki-restic-password' });
    bucket.addRepository('photos', { passwordSecretName: 'photos-restic-password', keepDeletedDays: 90 });
    // WHEN synthesized
    const json = JSON.parse(cdktf.Testing.synth(stack));
    // THEN
    const [b] = Object.values<any>(json.resource.b2_bucket);
    expect(b).toMatchObject({ bucket_name: 'my-backups-2024', bucket_type: 'allPrivate', default_server_side_encryption: [{ mode: 'SSE-B2', algorithm: 'AES256' }] });
    expect(b.lifecycle_rules).toEqual([
      { file_name_prefix: 'wiki/', days_from_hiding_to_deleting: 30 },
      { file_name_prefix: 'photos/', days_from_hiding_to_deleting: 90 },
    ]);
    const keys = Object.values<any>(json.resource.b2_application_key);
    expect(keys.map((k) => [k.key_name, k.name_prefix, k.capabilities]).sort()).toEqual([
      ['my-backups-2024-photos-restic', 'photos/', RESTIC_B2_CAPABILITIES],
      ['my-backups-2024-wiki-restic', 'wiki/', RESTIC_B2_CAPABILITIES],
    ]);
    expect(keys[0].bucket_ids).toEqual([expect.stringMatching(/^\$\{b2_bucket\.\w+\.bucket_id\}$/)]);
    expect(Object.keys(json.output).sort()).toEqual(['restic_photos_b2_key', 'restic_photos_b2_key_id', 'restic_wiki_b2_key', 'restic_wiki_b2_key_id']);
    expect(Object.values<any>(json.output).every((o) => o.sensitive === true)).toBe(true);
    expect({ ...wiki, key: undefined, keyIdOutput: undefined, keyOutput: undefined }).toEqual({
      repositoryUrl: 's3:https://s3.eu-central-003.backblazeb2.com/my-backups-2024/wiki',
      passwordSecretName: 'wiki-restic-password', accessKeyIdSecretName: 'wiki-b2-key-id', secretAccessKeySecretName: 'wiki-b2-key',
      prefix: 'wiki/', key: undefined, keyIdOutput: undefined, keyOutput: undefined,
    });
    for (const body of bodies(json).filter((x) => x.docKey.startsWith('resource.b2'))) {
      expect({ label: body.label, problems: undocumentedKeys(docFor(body.docKey), body.body) }).toEqual({ label: body.label, problems: [] });
    }
  });

  test('without repositories, one rule for the whole bucket', () => {
    const { stack } = build();
    const [b] = Object.values<any>(JSON.parse(cdktf.Testing.synth(stack)).resource.b2_bucket);
    expect(b.lifecycle_rules).toEqual([{ file_name_prefix: '', days_from_hiding_to_deleting: 30 }]);
  });

  test('fails on a bad bucket name, a repeated repository and bad days, naming path and field', () => {
    const stack = new cdktf.TerraformStack(cdktf.Testing.app(), 'backups');
    expect(problemMessages(() => new ResticB2Bucket(stack, 'B', { bucketName: 'x', keepDeletedDays: 0 }))).toEqual([
      '[backups/B] ResticB2Bucket.bucketName: not a valid B2 bucket name (got "x"); 6-63 letters, digits and "-", not starting with "b2-"',
      '[backups/B] ResticB2Bucket.keepDeletedDays: not a positive whole number of days (got 0); integer >= 1',
    ]);
    const bucket = myBucket(stack);
    bucket.addRepository('wiki', { passwordSecretName: 'p' });
    expect(problemMessages(() => bucket.addRepository('wiki', { passwordSecretName: 'p' }))).toEqual([
      '[backups/Backups/Repository-wiki] ResticB2Bucket.addRepository.name: added twice (got "wiki"); one repository per name',
    ]);
  });
});
