import { WorkbenchError } from '../errors.js';

/** Why a git call failed: callers switch on `reason`, never on messages. */
export type GitErrorReason =
  /** git itself is not installed (ENOENT on spawn). */
  | 'git-missing'
  /** The folder is not inside a git work tree. */
  | 'not-a-repo'
  /** A revision, path or object does not exist in this clone. */
  | 'not-found'
  /** The output passed the call's byte limit. */
  | 'too-large'
  | 'aborted'
  /** Any other non-zero exit; the message carries git's first stderr line. */
  | 'failed';

export class GitError extends WorkbenchError {
  override readonly name = 'GitError';
  constructor(
    override readonly reason: GitErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
