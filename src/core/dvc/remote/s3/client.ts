/**
 * The three S3 calls a DVC remote's status needs — ListObjectsV2, HeadObject, GetObject — over
 * node:http(s), signed with SigV4 (sigv4.ts). Path-style addressing for a custom endpoint (moto,
 * MinIO, Ceph), virtual-hosted for AWS itself. A bucket in another region than the one signed
 * for answers with its region in `x-amz-bucket-region`: the request is signed again for it.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { signRequest, type AwsCredentials } from './sigv4.js';

export interface S3Settings {
  /** A custom endpoint (`endpointurl`, AWS_ENDPOINT_URL_S3); AWS's regional endpoint when undefined. */
  readonly endpoint?: URL;
  readonly region: string;
  readonly credentials: AwsCredentials;
  /** http for AWS's endpoint when DVC's `use_ssl` is false. */
  readonly useSsl?: boolean;
  /** DVC's `ssl_verify = false`. */
  readonly insecure?: boolean;
  /** A PEM CA bundle (DVC's `ssl_verify = PATH`, AWS_CA_BUNDLE), read by the caller. */
  readonly ca?: Buffer;
  /** Keys per ListObjectsV2 page (S3's maximum, 1000, by default). */
  readonly listPageSize?: number;
}

export type S3ErrorReason = 'forbidden' | 'unauthenticated' | 'not-found' | 'network' | 'server-error' | 'bad-response' | 'too-large';

export class S3Error extends Error {
  override readonly name = 'S3Error';
  constructor(
    readonly reason: S3ErrorReason,
    message: string,
    /** S3's error code (`NoSuchBucket`, `SignatureDoesNotMatch`), when it sent one. */
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

const TIMEOUT_MS = 60_000;
const RETRIES = 3;
const LIST_PAGE = 1_000;

export class S3Client {
  private region: string;
  private agent: http.Agent | undefined;

  constructor(private readonly settings: S3Settings) {
    this.region = settings.region;
  }

  /** Every key under `prefix`, page by page (1000 a page, as S3 answers at most). */
  async listKeys(bucket: string, prefix: string, onPage: (keys: readonly string[]) => void, signal?: AbortSignal): Promise<void> {
    let token: string | undefined;
    do {
      const query: Record<string, string> = { 'list-type': '2', prefix, 'max-keys': String(this.settings.listPageSize ?? LIST_PAGE), 'encoding-type': 'url' };
      if (token) query['continuation-token'] = token;
      const reply = await this.request('GET', bucket, '', query, signal);
      const xml = reply.body.toString('utf8');
      if (!/<ListBucketResult[\s>]/.test(xml)) throw new S3Error('bad-response', `S3 ${this.host(bucket)} answered a listing of s3://${bucket}/${prefix} with something that is not a ListBucketResult`);
      onPage(tagValues(xml, 'Key').map((key) => decodeURIComponent(key.replace(/\+/g, ' '))));
      token = tagValues(xml, 'IsTruncated')[0] === 'true' ? tagValues(xml, 'NextContinuationToken')[0] : undefined;
    } while (token);
  }

  /** Whether the object exists (HeadObject: 200 or 404). */
  async exists(bucket: string, key: string, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.request('HEAD', bucket, key, {}, signal);
      return true;
    } catch (error) {
      if (error instanceof S3Error && error.reason === 'not-found' && error.code !== 'NoSuchBucket') return false;
      throw error;
    }
  }

  /** The object's bytes, undefined when it does not exist. */
  async get(bucket: string, key: string, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array | undefined> {
    try {
      return (await this.request('GET', bucket, key, {}, signal, maxBytes)).body;
    } catch (error) {
      if (error instanceof S3Error && error.reason === 'not-found' && error.code !== 'NoSuchBucket') return undefined;
      throw error;
    }
  }

  dispose(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }

  private url(bucket: string, key: string, query: Readonly<Record<string, string>>): URL {
    const encodedKey = key.split('/').map(encodeURIComponent).join('/');
    const custom = this.settings.endpoint;
    let url: URL;
    if (custom) {
      url = new URL(custom.href);
      url.pathname = `${url.pathname.replace(/\/+$/, '')}/${encodeURIComponent(bucket)}${key ? `/${encodedKey}` : '/'}`;
    } else {
      const scheme = this.settings.useSsl === false ? 'http' : 'https';
      // Dots in a bucket name break the wildcard certificate of virtual-hosted names.
      url = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket)
        ? new URL(`${scheme}://${bucket}.s3.${this.region}.amazonaws.com/${encodedKey}`)
        : new URL(`${scheme}://s3.${this.region}.amazonaws.com/${encodeURIComponent(bucket)}/${encodedKey}`);
    }
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    return url;
  }

  private host(bucket: string): string {
    return this.settings.endpoint?.host ?? `s3.${this.region}.amazonaws.com (bucket ${bucket})`;
  }

  private async request(method: 'GET' | 'HEAD', bucket: string, key: string, query: Readonly<Record<string, string>>, signal?: AbortSignal, maxBytes = 64 << 20): Promise<Reply> {
    let regionRetried = false;
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      const url = this.url(bucket, key, query);
      let reply: Reply;
      try {
        reply = await this.send(method, url, signal, maxBytes);
      } catch (error) {
        if (signal?.aborted || error instanceof S3Error) throw error;
        const code = (error as NodeJS.ErrnoException).code;
        if (attempt < RETRIES && (code === 'ECONNRESET' || code === 'EPIPE')) {
          await sleep(200 * 2 ** attempt, undefined, { signal });
          continue;
        }
        throw new S3Error('network', `Cannot reach S3 at ${url.host}: ${code ?? ''} ${(error as Error).message}`.trim(), undefined, { cause: error });
      }
      if (reply.status >= 200 && reply.status < 300) return reply;
      const bucketRegion = header(reply, 'x-amz-bucket-region');
      if (!regionRetried && bucketRegion && bucketRegion !== this.region && !this.settings.endpoint) {
        regionRetried = true;
        this.region = bucketRegion;
        continue;
      }
      if ((reply.status >= 500 || reply.status === 429) && attempt < RETRIES) {
        await sleep(200 * 2 ** attempt, undefined, { signal });
        continue;
      }
      throw this.error(method, bucket, key, reply);
    }
  }

  private error(method: string, bucket: string, key: string, reply: Reply): S3Error {
    const xml = reply.body.toString('utf8');
    const code = tagValues(xml, 'Code')[0];
    const message = tagValues(xml, 'Message')[0];
    const what = `${method} s3://${bucket}/${key}`;
    const detail = code ? `${code}${message ? `: ${message}` : ''}` : `HTTP ${reply.status}`;
    const reason: S3ErrorReason =
      reply.status === 404
        ? 'not-found'
        : code === 'InvalidAccessKeyId' || code === 'SignatureDoesNotMatch' || code === 'ExpiredToken' || reply.status === 401
          ? 'unauthenticated'
          : reply.status === 403
            ? 'forbidden'
            : reply.status >= 500
              ? 'server-error'
              : 'bad-response';
    return new S3Error(reason, `S3 ${this.host(bucket)} refused ${what}: ${detail}`, code);
  }

  private send(method: string, url: URL, signal: AbortSignal | undefined, maxBytes: number): Promise<Reply> {
    const headers = signRequest({ method, url, region: this.region, credentials: this.settings.credentials });
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<Reply>((resolve, reject) => {
      const request = transport.request(url, { method, headers, agent: this.agentFor(url), signal, timeout: TIMEOUT_MS }, (incoming) => {
        const chunks: Buffer[] = [];
        let size = 0;
        incoming.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            incoming.destroy();
            reject(new S3Error('too-large', `S3 ${url.host} sent more than ${maxBytes} bytes for ${url.pathname}`));
          } else chunks.push(chunk);
        });
        incoming.on('error', reject);
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks) }));
      });
      request.on('timeout', () => request.destroy(Object.assign(new Error(`no answer within ${TIMEOUT_MS / 1000} s`), { code: 'ETIMEDOUT' })));
      request.on('error', reject);
      request.end();
    });
  }

  private agentFor(url: URL): http.Agent {
    if (this.agent) return this.agent;
    if (url.protocol !== 'https:') return (this.agent = new http.Agent({ keepAlive: true, maxSockets: 16 }));
    const { ca, insecure } = this.settings;
    return (this.agent = new https.Agent({ keepAlive: true, maxSockets: 16, ...(ca ? { ca } : {}), rejectUnauthorized: !insecure }));
  }
}

/** The text of every `<name>…</name>` element (S3's XML is flat enough for this), entities decoded. */
export function tagValues(xml: string, name: string): string[] {
  const values: string[] = [];
  const pattern = new RegExp(`<${name}>([^<]*)</${name}>`, 'g');
  for (let match = pattern.exec(xml); match; match = pattern.exec(xml)) values.push(decodeEntities(match[1]!));
  return values;
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[entity]!;
  });
}

function header(reply: Reply, name: string): string | undefined {
  const value = reply.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
