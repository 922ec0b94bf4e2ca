/**
 * Paging through a server that may not advance. MLflow's tokens move an offset (or a key) on
 * with every page, so a token handed out twice, or a page identical to one already sent, means
 * the server would page for ever: the listing ends with an error naming the server instead.
 */
import { TrackingError } from '../errors.js';

export class PageGuard {
  private readonly tokens = new Set<string>();
  private readonly pages = new Set<string>();
  private count = 0;

  constructor(
    private readonly host: string,
    /** Method and path, for the message. */
    private readonly endpoint: string,
    firstToken: string | undefined,
  ) {
    if (firstToken) this.tokens.add(firstToken);
  }

  /** After each page that carries a next token (the first page included): throws when the server is not advancing. */
  next(token: string, items: readonly unknown[]): void {
    this.count++;
    if (this.tokens.has(token)) this.fail('sent a next_page_token it had already sent');
    this.tokens.add(token);
    const fingerprint = fingerprintOf(items);
    if (this.pages.has(fingerprint)) this.fail(items.length === 0 ? 'sent empty pages that still promised more' : 'sent the same page again under a new next_page_token');
    this.pages.add(fingerprint);
  }

  private fail(what: string): never {
    throw new TrackingError(
      'bad-response',
      `MLflow server ${this.host} ${what} while paging ${this.endpoint} (page ${this.count}): it would never finish, so the listing stopped there`,
      this.endpoint,
    );
  }
}

/**
 * A page by its size and its first and last items: every item MLflow pages has its own identity
 * (ids, names, versions; metric rows are unique in its SQL store), so two real pages never match.
 */
function fingerprintOf(items: readonly unknown[]): string {
  if (items.length === 0) return '0';
  return `${items.length}\u0000${JSON.stringify(items[0])}\u0000${JSON.stringify(items[items.length - 1])}`;
}
