/**
 * An S3 DVC remote as ObjectStorage, and its settings from what DVC reads: the remote's options in
 * `.dvc/config` / `.dvc/config.local` (dvc_s3's `endpointurl`, `region`, `access_key_id`,
 * `secret_access_key`, `session_token`, `use_ssl`, `ssl_verify`) and AWS's environment variables.
 * Credentials come only from those two places; a remote that relies on anything else (a profile,
 * a credentials file, instance metadata, ListObjects v1, version-aware buckets) gets `unsupported`
 * with the reason, and its status is left to `dvc` itself.
 */
import { readFileSync } from 'node:fs';
import type { RemoteConfig } from '../config.js';
import type { ObjectStorage } from '../storage.js';
import { S3Client, type S3Settings } from './client.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/** Looked up one HEAD per key up to this many keys; more, by listing the remote's prefix. */
const HEAD_LIMIT = 32;
const HEAD_CONCURRENCY = 8;

export function s3Settings(remote: RemoteConfig, env: Environment): { settings: S3Settings } | { unsupported: string } {
  const option = (name: string): string | undefined => remote.options.get(name) || undefined;
  for (const name of ['profile', 'credentialpath', 'configpath', 'role_arn']) {
    if (option(name)) return { unsupported: `the remote's credentials come from its '${name}' option` };
  }
  if (isTrue(option('listobjects'))) return { unsupported: 'the remote lists with ListObjects v1 (listobjects = true)' };
  if (isTrue(option('version_aware')) || isTrue(option('worktree'))) return { unsupported: 'the remote is version-aware (cloud versioning)' };
  const fromConfig = option('access_key_id') && option('secret_access_key');
  const accessKeyId = fromConfig ? option('access_key_id') : env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = fromConfig ? option('secret_access_key') : env['AWS_SECRET_ACCESS_KEY'];
  const sessionToken = fromConfig ? option('session_token') : env['AWS_SESSION_TOKEN'];
  if (!accessKeyId || !secretAccessKey) {
    return { unsupported: 'no access_key_id/secret_access_key in .dvc/config(.local) and no AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment' };
  }
  const endpointText = option('endpointurl') ?? (env['AWS_ENDPOINT_URL_S3'] || env['AWS_ENDPOINT_URL'] || undefined);
  let endpoint: URL | undefined;
  try {
    endpoint = endpointText ? new URL(endpointText) : undefined;
  } catch {
    return { unsupported: `the endpoint url '${endpointText}' is not a URL` };
  }
  const verify = option('ssl_verify');
  const caPath = verify && !isFalse(verify) && !isTrue(verify) ? verify : env['AWS_CA_BUNDLE'] || undefined;
  let ca: Buffer | undefined;
  if (caPath) {
    try {
      ca = readFileSync(caPath);
    } catch (error) {
      return { unsupported: `the CA bundle ${caPath} cannot be read: ${(error as Error).message}` };
    }
  }
  const settings: S3Settings = {
    ...(endpoint ? { endpoint } : {}),
    region: option('region') ?? (env['AWS_REGION'] || env['AWS_DEFAULT_REGION'] || 'us-east-1'),
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    useSsl: !isFalse(option('use_ssl')),
    insecure: isFalse(verify),
    ...(ca ? { ca } : {}),
  };
  return { settings };
}

export class S3Storage implements ObjectStorage {
  private readonly client: S3Client;

  constructor(
    private readonly bucket: string,
    /** The remote's key prefix, no trailing slash ('' for the bucket's root). */
    private readonly prefix: string,
    settings: S3Settings,
  ) {
    this.client = new S3Client(settings);
  }

  get label(): string {
    return `s3://${this.bucket}${this.prefix ? `/${this.prefix}` : ''}`;
  }

  async existing(keys: readonly string[], signal?: AbortSignal): Promise<Set<string>> {
    const found = new Set<string>();
    if (keys.length <= HEAD_LIMIT) {
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < keys.length) {
          const key = keys[next++]!;
          if (await this.client.exists(this.bucket, this.key(key), signal)) found.add(key);
        }
      };
      await Promise.all(Array.from({ length: Math.min(HEAD_CONCURRENCY, keys.length) }, worker));
      return found;
    }
    // One listing of the remote answers every key: DVC 3 objects sit under files/md5/, DVC 2 ones at the top.
    const wanted = new Set(keys);
    const listed = keys.every((key) => key.startsWith('files/md5/')) ? 'files/md5/' : '';
    const base = this.prefix ? `${this.prefix}/` : '';
    await this.client.listKeys(
      this.bucket,
      base + listed,
      (page) => {
        for (const full of page) {
          const key = full.slice(base.length);
          if (wanted.has(key)) found.add(key);
        }
      },
      signal,
    );
    return found;
  }

  read(key: string, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array | undefined> {
    return this.client.get(this.bucket, this.key(key), maxBytes, signal);
  }

  dispose(): void {
    this.client.dispose();
  }

  private key(key: string): string {
    return this.prefix ? `${this.prefix}/${key}` : key;
  }
}

/** configobj/DVC booleans: true/false, yes/no, on/off, 1/0. */
function isTrue(value: string | undefined): boolean {
  return value !== undefined && ['true', 'yes', 'on', '1'].includes(value.toLowerCase());
}

function isFalse(value: string | undefined): boolean {
  return value !== undefined && ['false', 'no', 'off', '0'].includes(value.toLowerCase());
}
