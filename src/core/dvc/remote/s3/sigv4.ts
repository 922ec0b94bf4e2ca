/**
 * AWS Signature Version 4 for S3 requests, with node:crypto (the AWS SDK is a large dependency
 * for the three calls DVC's layout needs). Follows the AWS reference "Create a signed AWS API
 * request" (canonical request, string to sign, HMAC key chain); checked against botocore's
 * SigV4Auth in test/contract/s3Remote.test.ts and against AWS's published example in the unit tests.
 */
import { createHash, createHmac } from 'node:crypto';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary credentials (AWS_SESSION_TOKEN, DVC's session_token). */
  readonly sessionToken?: string;
}

export interface SignInput {
  readonly method: string;
  readonly url: URL;
  readonly region: string;
  readonly service?: string;
  readonly credentials: AwsCredentials;
  /** Hex SHA-256 of the body (the empty body's for GET/HEAD). */
  readonly payloadHash?: string;
  /** Headers to sign besides host and the x-amz-* ones this adds. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly now?: Date;
}

export const EMPTY_PAYLOAD_HASH = createHash('sha256').update('').digest('hex');

/** The request's headers, signed: the given ones, host, x-amz-date, x-amz-content-sha256, the token, Authorization. */
export function signRequest(input: SignInput): Record<string, string> {
  const service = input.service ?? 's3';
  const payloadHash = input.payloadHash ?? EMPTY_PAYLOAD_HASH;
  const amzDate = (input.now ?? new Date()).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = { ...input.headers, host: input.url.host, 'x-amz-date': amzDate, 'x-amz-content-sha256': payloadHash };
  if (input.credentials.sessionToken) headers['x-amz-security-token'] = input.credentials.sessionToken;
  const names = Object.keys(headers)
    .map((name) => name.toLowerCase())
    .sort();
  const lowered = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  const canonicalHeaders = names.map((name) => `${name}:${lowered[name]!.trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [input.method, canonicalPath(input.url), canonicalQuery(input.url), canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${day}/${input.region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = [day, input.region, service, 'aws4_request'].reduce<Buffer | string>((k, part) => hmac(k, part), `AWS4${input.credentials.secretAccessKey}`);
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  headers['authorization'] = `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}

/** RFC 3986 percent-encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ (and `/` in a path). */
export function awsEncode(text: string, keepSlash = false): string {
  return Array.from(new TextEncoder().encode(text), (byte) => {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c) || (keepSlash && c === '/')) return c;
    return `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

/** S3 signs the path as sent, each segment encoded once (no normalisation of `.` or `//`). */
function canonicalPath(url: URL): string {
  const decoded = url.pathname.split('/').map((segment) => decodeURIComponent(segment));
  return awsEncode(decoded.join('/'), true) || '/';
}

function canonicalQuery(url: URL): string {
  const pairs = [...url.searchParams].map(([key, value]) => [awsEncode(key), awsEncode(value)] as const);
  pairs.sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  return pairs.map(([key, value]) => `${key}=${value}`).join('&');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}
