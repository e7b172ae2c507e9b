/**
 * The Cloudflare side of the homelab's stack: the provider and one `A` record per public app
 * hostname (never a wildcard). The resources are children of the scope given (the stack), so
 * their construct paths, which are Terraform's resource addresses, stay `Record-<app>`.
 */
import { DnsRecord } from '@cdktf/provider-cloudflare/lib/dns-record';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { Construct } from 'constructs';

/** One public hostname of an app. */
export interface PublicDnsRecord {
  /** The app it points at (names the record, `Record-<app>`). */
  readonly app: string;
  readonly host: string;
  /** The site's public address. */
  readonly ipv4: string;
}

export interface DnsRecordsProps {
  /** Cloudflare zone id (not a secret). */
  readonly zoneId: string;
  /** Proxy the records through Cloudflare. */
  readonly proxied: boolean;
  /** The Cloudflare API token (a reference to a sensitive variable, never a value). */
  readonly apiToken: string;
  readonly records: readonly PublicDnsRecord[];
}

/** Adds the Cloudflare provider and the records to `scope`; returns the records in order. */
export function addDnsRecords(scope: Construct, props: DnsRecordsProps): DnsRecord[] {
  new CloudflareProvider(scope, 'cloudflare', { apiToken: props.apiToken });
  return props.records.map((r) => new DnsRecord(scope, `Record-${r.app}`, {
    zoneId: props.zoneId,
    name: r.host,
    type: 'A',
    content: r.ipv4,
    ttl: 1,
    proxied: props.proxied,
    comment: `homelab-cdk: app ${r.app}`,
  }));
}
