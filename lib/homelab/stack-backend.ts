/**
 * Where the homelab's Terraform state lives: a local file by default, with a relative path
 * (cdktf's default is absolute, the synth machine's cwd, which breaks byte-identical outputs
 * across checkouts; relative to `cdktf.out/stacks/<id>/` this is the project root, outside the
 * outputs synth replaces), or an S3 bucket (Backblaze B2 unless an endpoint is given). S3 takes
 * its credentials from `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` at deploy time: Terraform
 * backends cannot read variables, and nothing secret is written.
 */
import { LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import { b2S3Endpoint } from '../model/backup';
import { ResolvedStateBackend } from '../model/derive';

/** Sets the stack's state backend. */
export function addStateBackend(stack: TerraformStack, backend: ResolvedStateBackend): void {
  if (backend.type === 'local') {
    new LocalBackend(stack, { path: `../../../${backend.path}` });
    return;
  }
  const isB2 = backend.endpoint === undefined;
  new S3Backend(stack, {
    bucket: backend.bucket,
    key: backend.key,
    region: backend.region,
    endpoints: { s3: backend.endpoint ?? b2S3Endpoint(backend.region) },
    // Not AWS: no STS, no EC2 metadata, no AWS region list, path-style bucket URLs.
    skipCredentialsValidation: true,
    skipRegionValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: true,
    usePathStyle: true,
    // B2 rejects the newer S3 checksum headers.
    ...(isB2 ? { skipS3Checksum: true } : {}),
  });
}
