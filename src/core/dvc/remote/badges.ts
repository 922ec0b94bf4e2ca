/**
 * What the Data view says of a tracked path's remote status (core remoteStatus, as `dvc status -c`
 * decides it): a short word for the row, a sentence for the tooltip naming the remedy, and which
 * transfer would bring the path in line. The host only maps these to VS Code's items.
 */
import type { TrackedData } from '../entities.js';
import type { RemoteStatus } from './remoteStatus.js';
import type { RemoteOutput } from './status.js';

export type RemoteBadgeTone = 'ok' | 'warning' | 'error' | 'muted';

export interface RemoteBadge {
  /** For the row's description: "remote: not pushed". */
  readonly word: string;
  /** One or two characters for a file decoration (VS Code's limit), the Data view's and the Explorer's right edge. */
  readonly letter?: string;
  /** One or two sentences for the tooltip. */
  readonly detail: string;
  readonly tone: RemoteBadgeTone;
  /** The transfer that fixes it, when one does. */
  readonly remedy?: 'push' | 'pull';
}

/** Where the remote status of a project stands before or instead of an answer. */
export type RemoteLookup =
  | { readonly kind: 'checking' }
  | { readonly kind: 'restricted' }
  | { readonly kind: 'no-remote' }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'ready'; readonly status: RemoteStatus };

const objects = (count: number): string => `${count} ${count === 1 ? 'object' : 'objects'}`;

/** The badge of one path, given its project's lookup; undefined when there is nothing to say (no remote configured, or not known yet). */
export function remoteBadge(lookup: RemoteLookup, repoPath: string): RemoteBadge | undefined {
  switch (lookup.kind) {
    // Nothing while the first answer comes: most projects have no remote, and a row would flicker.
    case 'checking':
    case 'no-remote':
      return undefined;
    case 'restricted':
      return { word: 'remote: not checked', detail: 'Restricted Mode: the DVC remote this repository configures is not contacted. Trust the workspace to see remote status.', tone: 'muted' };
    case 'error':
      return { word: 'remote: unknown', detail: `The remote status could not be read: ${lookup.message}`, tone: 'error' };
    case 'ready': {
      const output = lookup.status.outputs.find((o) => o.repoPath === repoPath);
      return output ? outputBadge(output, lookup.status.remote.name || lookup.status.remote.label) : undefined;
    }
  }
}

export function outputBadge(output: RemoteOutput, remote: string): RemoteBadge {
  const { counts } = output;
  const where = remote ? `the remote "${remote}"` : 'the remote';
  switch (output.state) {
    case 'in sync':
      return { word: 'remote: in sync', letter: '✓', detail: `Pushed: ${where} holds what the cache holds${output.isDir ? ` (${objects(counts.ok)})` : ''}.`, tone: 'ok' };
    case 'not pushed':
      return { word: 'remote: not pushed', letter: '↑', detail: `Only in the local cache${output.isDir ? ` (${objects(counts.new)} of ${objects(total(output))})` : ''}: Push sends it to ${where}.`, tone: 'warning', remedy: 'push' };
    case 'not in cache':
      return { word: 'remote: not in cache', letter: '↓', detail: `On ${where} but not in the local cache${output.isDir ? ` (${objects(counts.deleted)} of ${objects(total(output))})` : ''}: Pull or Fetch brings it here.`, tone: 'warning', remedy: 'pull' };
    case 'missing':
      return { word: 'remote: missing', letter: '✗', detail: `In neither the local cache nor ${where}${output.isDir ? ` (${objects(counts.missing)} of ${objects(total(output))})` : ''}: nobody can pull this version. Push it from a machine that has it, or reproduce it.`, tone: 'error' };
    case 'skipped':
      return { word: 'remote: —', detail: `Not in dvc status -c: ${SKIPPED[output.skipped ?? 'never committed']}.`, tone: 'muted' };
  }
}

const SKIPPED: Record<NonNullable<RemoteOutput['skipped']>, string> = {
  'not cached': 'the output is not cached (cache: false)',
  'not pushed by config': 'the output says push: false',
  'another remote': 'the output names its own remote',
  import: 'a dvc import comes from another repository',
  'never committed': 'no hash is recorded yet (dvc commit or dvc repro)',
  'no directory listing': 'its directory listing is in neither the cache nor the remote',
};

const total = (output: RemoteOutput): number => output.counts.ok + output.counts.new + output.counts.deleted + output.counts.missing;

/** Files whose change means the remote status must be read again (DVC's config names the remote). */
export function isRemoteConfigFile(relativePath: string): boolean {
  return /(^|\/)\.dvc\/config(\.local)?$/.test(relativePath.replace(/\\/g, '/'));
}

/**
 * The tracked paths a `dvc pull` would overwrite (changed in the workspace since they were
 * recorded): DVC asks before replacing them, which a task cannot answer, so the host confirms
 * first and passes --force, or pulls nothing.
 */
export function pullWouldReplace(data: readonly Pick<TrackedData, 'repoPath' | 'state' | 'workspaceDiffers'>[]): string[] {
  return data.filter((d) => d.state === 'modified' || (d.state === 'not in cache' && d.workspaceDiffers === true)).map((d) => d.repoPath);
}
