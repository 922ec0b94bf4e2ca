import { TrackingError } from '../errors.js';
import { pyRepr } from './python.js';

/**
 * MLflow's page tokens (`SearchUtils.create_page_token` / `parse_start_offset_from_page_token`):
 * base64 of `json.dumps({"offset": N})`, i.e. `{"offset": 100}` with Python's default spacing.
 */
export function createPageToken(offset: number): string {
  return Buffer.from(`{"offset": ${offset}}`, 'utf8').toString('base64');
}

export function parsePageToken(pageToken: string | undefined): number {
  if (!pageToken) return 0;
  const bad = (message: string): never => {
    throw new TrackingError('invalid-argument', message);
  };
  if (!isDecodable(pageToken)) bad('Invalid page token, could not base64-decode');
  const bytes = Buffer.from(pageToken, 'base64');
  const decoded = bytes.toString('latin1');
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return bad(`Invalid page token, decoded value=b${pyRepr(decoded)}`);
  }
  const offset = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>).offset : undefined;
  if (!offset) return bad(`Invalid page token, parsed value=${pyValue(parsed)}`);
  const value = typeof offset === 'number' ? Math.trunc(offset) : typeof offset === 'string' && /^\s*[+-]?\d+\s*$/.test(offset) ? Number(offset) : undefined;
  if (value === undefined || !Number.isFinite(value)) return bad(`Invalid page token, not stringable ${String(offset)}`);
  return value;
}

/** `SearchUtils.paginate`: a page of `maxResults` items from the token's offset. */
export function paginate<T>(items: readonly T[], pageToken: string | undefined, maxResults: number): { items: T[]; nextPageToken?: string } {
  const start = parsePageToken(pageToken);
  const end = start + maxResults;
  const page = items.slice(start, end);
  return end < items.length ? { items: page, nextPageToken: createPageToken(end) } : { items: page };
}

/** Rough Python repr of a parsed JSON value, for the "parsed value=" message. */
function pyValue(value: unknown): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return pyRepr(value);
  if (Array.isArray(value)) return `[${value.map(pyValue).join(', ')}]`;
  if (typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${pyRepr(k)}: ${pyValue(v)}`).join(', ')}}`;
  return String(value);
}

/** Python's lenient b64decode: other characters are skipped, but the padding must add up. */
function isDecodable(token: string): boolean {
  const cleaned = token.replace(/[^A-Za-z0-9+/=]/g, '');
  const data = cleaned.split('=')[0]!;
  const padding = cleaned.length - data.length;
  const remainder = data.length % 4;
  return remainder === 0 || (remainder !== 1 && padding >= 4 - remainder);
}
