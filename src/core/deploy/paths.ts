/** Checks on the paths a scaffold writes or names: relative, inside the project, no surprises. */
import { posix } from 'node:path';
import { DeployError } from './errors.js';

/**
 * A project-relative POSIX path, normalised; a DeployError for an absolute path, one that leaves
 * the project (`..`), one a command would read as an option, or one with control characters.
 */
export function projectPath(path: string, what: string): string {
  const trimmed = path.trim().replace(/\\/g, '/');
  if (trimmed === '') throw new DeployError('invalid-argument', `The ${what} is empty.`, path);
  if ([...trimmed].some((char) => char.charCodeAt(0) < 0x20)) throw new DeployError('invalid-argument', `The ${what} "${path}" contains a control character.`, path);
  if (trimmed.startsWith('/') || /^[A-Za-z]:/.test(trimmed)) throw new DeployError('invalid-argument', `The ${what} "${path}" must be relative to the project folder.`, path);
  const normal = posix.normalize(trimmed).replace(/\/+$/, '');
  if (normal === '.' || normal === '..' || normal.startsWith('../')) throw new DeployError('invalid-argument', `The ${what} "${path}" is outside the project folder.`, path);
  if (normal.startsWith('-')) throw new DeployError('invalid-argument', `The ${what} "${path}" starts with "-", which a command would read as an option.`, path);
  return normal;
}

/** Whether `inner` is `outer` or inside it (POSIX, normalised). */
export function isWithin(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(`${outer}/`);
}
