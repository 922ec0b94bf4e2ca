/**
 * `dvc status -c` computed from the stages and two object stores, the local cache and the remote,
 * with DVC 3.x's rules (dvc/repo/status.py `_cloud_status`, dvc/output.py `get_used_objs` and
 * `_named_obj_ids`, dvc/data_cloud.py `status`, dvc_data/hashfile/status.py `compare_status`):
 *
 * - the objects are every cached, pushable output's (`cache: false`, `push: false`, an output with
 *   its own `remote:`, `dvc import`s and outputs never committed are left out), a directory's
 *   `.dir` object and the objects it lists, each named by its path (`data/dir/sub/c.txt`);
 * - an object in both stores is fine; only in the cache, `new`; only on the remote, `deleted`;
 *   in neither, `missing`;
 * - a `.dir` missing from the cache is fetched from the remote first by DVC (and then is in both);
 *   here it is only read from the remote: nothing is written. When neither has it, DVC leaves the
 *   output out, and so does this;
 * - a `.dir` found on the remote vouches for the files it lists (DVC's remote index assumes them
 *   there without asking), so those are not looked up;
 * - objects are keyed by hash: when two paths share content, the first one met names it in the
 *   JSON (DVC meets outputs in its directory walk's order, which can differ for copies across
 *   outputs; within a directory both take the listing's order). Per-output counts see every path.
 */
import type { HashAlgorithm, Stage } from '../entities.js';
import { parseDirListing, type DirEntry } from '../hashing/dirListing.js';
import { objectKey, type ObjectStorage } from './storage.js';

export type RemoteObjectState = 'new' | 'deleted' | 'missing';

/** Why an output is not in `dvc status -c` (and so has no remote state). */
export type RemoteSkipReason = 'not cached' | 'not pushed by config' | 'another remote' | 'import' | 'never committed' | 'no directory listing';

/** A tracked path's place between the cache and the remote, for a badge. */
export type RemoteOutputState = 'in sync' | 'not pushed' | 'not in cache' | 'missing' | 'skipped';

export interface RemoteOutput {
  readonly repoPath: string;
  /** The stage address (`train`, `data/raw.csv.dvc`). */
  readonly stage: string;
  readonly isDir: boolean;
  readonly hash: string | undefined;
  /** `missing` when any object is in neither store; else `not pushed` when any is only in the cache; else `not in cache` when any is only on the remote. */
  readonly state: RemoteOutputState;
  /** Objects (a directory's files and its `.dir`) by state; all zero when skipped. */
  readonly counts: { readonly ok: number; readonly new: number; readonly deleted: number; readonly missing: number };
  readonly skipped?: RemoteSkipReason;
}

export interface CloudStatus {
  /** Exactly what `dvc status -c --json` prints when run from the repo root. */
  readonly json: Record<string, RemoteObjectState>;
  readonly outputs: readonly RemoteOutput[];
}

export interface CloudStatusInput {
  readonly stages: readonly Stage[];
  /** Stage addresses of `dvc import` stages (deps from another repo). */
  readonly repoImports: ReadonlySet<string>;
  readonly cache: ObjectStorage;
  readonly remote: ObjectStorage;
  readonly signal?: AbortSignal;
}

interface UsedObject {
  readonly key: string;
  readonly name: string;
}

interface OutputObjects {
  readonly base: Omit<RemoteOutput, 'state' | 'counts' | 'skipped'>;
  readonly skipped?: RemoteSkipReason;
  readonly objects: readonly UsedObject[];
  /** The `.dir` key of a directory and its listing's keys (vouched for when the `.dir` is on the remote). */
  readonly dirKey?: string;
  /** The `.dir` came from the remote: DVC would have fetched it into the cache. */
  readonly dirFetched?: boolean;
}

/** A `.dir` of a million files is ~80 MB of JSON; anything far beyond is not a listing. */
const MAX_LISTING_BYTES = 512 << 20;

export async function computeCloudStatus(input: CloudStatusInput): Promise<CloudStatus> {
  const outputs: OutputObjects[] = [];
  for (const stage of input.stages) {
    for (const out of stage.outs) outputs.push(await usedObjects(input, stage, out));
  }
  const keys = unique(outputs.flatMap((o) => o.objects.map((object) => object.key)));
  const inCache = await input.cache.existing(keys, input.signal);
  for (const output of outputs) if (output.dirFetched && output.dirKey) inCache.add(output.dirKey);
  const onRemote = await remoteExisting(input, outputs, keys);

  const states = new Map<string, RemoteObjectState | undefined>();
  for (const key of keys) {
    const local = inCache.has(key);
    const remote = onRemote.has(key);
    states.set(key, local && remote ? undefined : local ? 'new' : remote ? 'deleted' : 'missing');
  }
  const stateOf = (key: string): RemoteObjectState | undefined => states.get(key);
  return { json: dvcJson(outputs, stateOf), outputs: outputs.map((output) => summarise(output, stateOf)) };
}

async function usedObjects(input: CloudStatusInput, stage: Stage, out: Stage['outs'][number]): Promise<OutputObjects> {
  const record = stage.lock?.outs.get(out.defPath);
  const hash = record?.hash;
  const base = { repoPath: out.repoPath, stage: stage.address, isDir: hash?.endsWith('.dir') ?? false, hash };
  const skip = (skipped: RemoteSkipReason): OutputObjects => ({ base, skipped, objects: [] });
  if (!out.flags.cache) return skip('not cached');
  if (input.repoImports.has(stage.address)) return skip('import');
  if (!out.flags.push) return skip('not pushed by config');
  if (out.flags.remote) return skip('another remote');
  if (!hash || !record) return skip('never committed');
  const algorithm = record.algorithm;
  const key = objectKey(hash, algorithm);
  if (!base.isDir) return { base, objects: [{ key, name: out.repoPath }] };
  let listing = await readListing(input.cache, key, input.signal);
  const dirFetched = listing === undefined;
  if (!listing) listing = await readListing(input.remote, key, input.signal);
  if (!listing) return skip('no directory listing');
  const objects: UsedObject[] = [{ key, name: out.repoPath }];
  for (const entry of listing) objects.push({ key: objectKey(entry.md5, algorithm as HashAlgorithm), name: `${out.repoPath}/${entry.relpath}` });
  return { base, objects, dirKey: key, dirFetched };
}

async function readListing(storage: ObjectStorage, key: string, signal: AbortSignal | undefined): Promise<DirEntry[] | undefined> {
  const bytes = await storage.read(key, MAX_LISTING_BYTES, signal);
  return bytes ? parseDirListing(Buffer.from(bytes).toString('utf8')) : undefined;
}

/** The `.dir` objects first: those on the remote vouch for their files, which are then not asked about. */
async function remoteExisting(input: CloudStatusInput, outputs: readonly OutputObjects[], keys: readonly string[]): Promise<Set<string>> {
  const dirKeys = unique(outputs.flatMap((o) => (o.dirKey ? [o.dirKey] : [])));
  const found = dirKeys.length > 0 ? await input.remote.existing(dirKeys, input.signal) : new Set<string>();
  const vouched = new Set<string>();
  for (const output of outputs) {
    if (output.dirKey && found.has(output.dirKey)) for (const object of output.objects) vouched.add(object.key);
  }
  const asked = new Set(dirKeys);
  const rest = keys.filter((key) => !vouched.has(key) && !asked.has(key));
  for (const key of rest.length > 0 ? await input.remote.existing(rest, input.signal) : []) found.add(key);
  for (const key of vouched) found.add(key);
  return found;
}

/** Names as DVC's sets keep them (the first path met per object), states in DVC's order of filling. */
function dvcJson(outputs: readonly OutputObjects[], stateOf: (key: string) => RemoteObjectState | undefined): Record<string, RemoteObjectState> {
  const byState = { deleted: [] as string[], new: [] as string[], missing: [] as string[] };
  const named = new Set<string>();
  for (const output of outputs) {
    for (const object of output.objects) {
      if (named.has(object.key)) continue;
      named.add(object.key);
      const state = stateOf(object.key);
      if (state) byState[state].push(object.name);
    }
  }
  const json: Record<string, RemoteObjectState> = {};
  for (const state of ['deleted', 'new', 'missing'] as const) for (const name of byState[state]) json[name] = state;
  return json;
}

function summarise(output: OutputObjects, stateOf: (key: string) => RemoteObjectState | undefined): RemoteOutput {
  const counts = { ok: 0, new: 0, deleted: 0, missing: 0 };
  for (const object of output.objects) counts[stateOf(object.key) ?? 'ok']++;
  if (output.skipped) return { ...output.base, state: 'skipped', counts, skipped: output.skipped };
  const state: RemoteOutputState = counts.missing > 0 ? 'missing' : counts.new > 0 ? 'not pushed' : counts.deleted > 0 ? 'not in cache' : 'in sync';
  return { ...output.base, state, counts };
}

function unique(keys: readonly string[]): string[] {
  return [...new Set(keys)];
}
