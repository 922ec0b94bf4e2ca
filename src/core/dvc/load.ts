/**
 * Reads one DVC root the way `dvc status` loads its index: every dvc.yaml (templated, generators
 * expanded, joined with its dvc.lock by stage name) and every `.dvc` file the walk finds. Problems
 * in user files become diagnostics; what can be read still is.
 */
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DvcDiagnostic, PipelineFile, Stage } from './entities.js';
import { isDict, type PyValue } from './pyValue.js';
import { readDvcConfig, type DvcConfig } from './files/config.js';
import { parseDvcFile } from './files/dvcFile.js';
import { parseLockfile } from './files/lockfile.js';
import { diagnostic, loadYaml } from './files/yamlFile.js';
import { collectDvcFiles } from './discovery.js';
import type { IgnoreRules } from './ignore.js';
import { containsPlaceholder, resolveStages } from './pipeline/resolve.js';
import { buildStage, repoRelative } from './pipeline/stageModel.js';
import { Context, DEFAULT_PARAMS_FILE, UnreadableValuesFile } from './templating/context.js';
import { resolveValue, TemplateError, type ParsingConfig } from './templating/interpolate.js';
import type { ParamsFileState } from './status/params.js';
import { diskFiles, readTextOf, type RepoFiles } from './files/repoFiles.js';
import { parseValues, ValuesFileError } from './files/values.js';

export interface Snapshot {
  readonly root: string;
  readonly config: DvcConfig;
  readonly stages: readonly Stage[];
  readonly pipelines: readonly PipelineFile[];
  readonly ignore: IgnoreRules;
  readonly diagnostics: readonly DvcDiagnostic[];
}

/**
 * Parsed files kept between loads, each with the stat stamps of every file its result depends on
 * (dvc.yaml, dvc.lock, params and vars files — missing ones included), so an unchanged pipeline
 * costs a few `stat` calls instead of a YAML parse and templating.
 */
export class ParseCache {
  private readonly entries = new Map<string, { stamps: Map<string, string>; loaded: Loaded }>();

  async get(path: string): Promise<Loaded | undefined> {
    const entry = this.entries.get(path);
    if (!entry) return undefined;
    const now = await Promise.all([...entry.stamps].map(async ([p, stamp]) => (await stampOf(p)) === stamp));
    return now.every(Boolean) ? entry.loaded : undefined;
  }

  set(path: string, stamps: Map<string, string>, loaded: Loaded): void {
    this.entries.set(path, { stamps, loaded });
  }
}

type Loaded = { stages: Stage[]; pipeline?: PipelineFile; diagnostics: DvcDiagnostic[] };

/** What changes when a file or folder is written, replaced or removed: inode, size, mtime and ctime (ns), or 'missing'. */
export async function stampOf(path: string): Promise<string> {
  try {
    const s = await stat(path, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return 'missing';
  }
}

/** Loads a file through the cache, recording the stamps of what the load reads. */
async function cached(cache: ParseCache | undefined, path: string, load: (track: (p: string) => void) => Promise<Loaded>): Promise<Loaded> {
  // No cache (a commit's files, a one-off load): nothing to stamp.
  if (!cache) return load(() => undefined);
  const hit = await cache.get(path);
  if (hit) return hit;
  const read = new Set<string>([path]);
  const stamps = new Map<string, string>();
  // Stamp before reading, so a change during the load invalidates the entry next time.
  const track = (p: string): void => void read.add(p);
  const before = await stampOf(path);
  const loaded = await load(track);
  stamps.set(path, before);
  for (const p of read) if (p !== path) stamps.set(p, await stampOf(p));
  cache.set(path, stamps, loaded);
  return loaded;
}

export interface SnapshotSource {
  /** Where the files are read (default: the work tree on disk). */
  readonly files?: RepoFiles;
  /** The repo's config when already read (a commit is read with the work tree's config). */
  readonly config?: DvcConfig;
}

export async function loadSnapshot(root: string, signal?: AbortSignal, cache?: ParseCache, source: SnapshotSource = {}): Promise<Snapshot> {
  const files = source.files ?? diskFiles;
  const config = source.config ?? (await readDvcConfig(root));
  const stages: Stage[] = [];
  const pipelines: PipelineFile[] = [];
  const diagnostics: DvcDiagnostic[] = [];
  const found = await collectDvcFiles(
    root,
    async (path) => {
      const loaded = await cached(cache, path, (track) => (path.endsWith('.dvc') ? loadDataFile(root, path, files) : loadPipeline(root, path, config.parsing, track, files)));
      diagnostics.push(...loaded.diagnostics);
      stages.push(...loaded.stages);
      if (loaded.pipeline) pipelines.push(loaded.pipeline);
      return loaded.stages.flatMap((s) => s.outs.map((o) => o.absPath));
    },
    signal,
    files,
  );
  return { root, config, stages, pipelines, ignore: found.ignore, diagnostics };
}

async function loadDataFile(root: string, path: string, files: RepoFiles): Promise<{ stages: Stage[]; diagnostics: DvcDiagnostic[] }> {
  const text = await readTextOf(files, path);
  if (text === undefined) return { stages: [], diagnostics: [] };
  const { stage, diagnostics } = parseDvcFile(root, path, text);
  return { stages: stage ? [stage] : [], diagnostics };
}

export async function loadPipeline(root: string, path: string, parsing: ParsingConfig, track: (path: string) => void = () => {}, files: RepoFiles = diskFiles): Promise<Loaded> {
  const readValues = (p: string): Promise<PyValue> => (track(p), readValuesFile(p, files));
  const exists = async (p: string): Promise<boolean> => (track(p), (await files.kind(p)) !== undefined);
  const text = await readTextOf(files, path);
  if (text === undefined) return { stages: [], diagnostics: [] };
  const loaded = loadYaml(path, text);
  const diagnostics = [...loaded.diagnostics];
  const file = loaded.value;
  if (!file) return { stages: [], diagnostics };
  if (!isDict(file.value)) {
    diagnostics.push(diagnostic(path, { line: 1, column: 1 }, 'dvc.yaml must be a mapping'));
    return { stages: [], diagnostics };
  }
  const dir = dirname(path);
  const context = Context.empty();
  const vars = file.value['vars'] ?? null;
  try {
    if (containsPlaceholder(vars)) throw new TemplateError("'vars': interpolating is not allowed");
    await context.loadVars(vars, dir, readValues, exists, DEFAULT_PARAMS_FILE);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    // A params or vars file that cannot be read is reported in that file, at its line (as DVC names it).
    if (error instanceof UnreadableValuesFile) diagnostics.push(...error.diagnostics);
    else diagnostics.push(diagnostic(path, file.positionOf(['vars']), `failed to parse 'vars': ${error.message}`));
    return { stages: [], diagnostics };
  }
  const resolved = await resolveStages({ file, dir, context, config: parsing, read: readValues, exists }, file.value['stages'] ?? null);
  diagnostics.push(...resolved.diagnostics);
  const lockPath = join(dir, 'dvc.lock');
  track(lockPath);
  const lockText = await readTextOf(files, lockPath);
  const lock = lockText === undefined ? undefined : parseLockfile(lockPath, lockText);
  if (lock) diagnostics.push(...lock.diagnostics);
  const stages: Stage[] = [];
  for (const entry of resolved.stages) {
    const stage = buildStage(entry, { root, filePath: path }, lock?.lock?.stages.get(entry.name), diagnostics);
    if (stage) stages.push(stage);
  }
  return { stages, pipeline: topLevel(root, path, file.value, context, parsing, diagnostics), diagnostics };
}

function topLevel(root: string, path: string, value: Record<string, PyValue>, context: Context, parsing: ParsingConfig, diagnostics: DvcDiagnostic[]): PipelineFile {
  const section = (key: string): PyValue => {
    try {
      return resolveValue(value[key] ?? null, context, undefined, parsing);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      diagnostics.push(diagnostic(path, { line: 1, column: 1 }, `failed to parse '${key}': ${error.message}`));
      return null;
    }
  };
  const strings = (v: PyValue): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const plots = section('plots');
  const artifacts = section('artifacts');
  return {
    file: repoRelative(root, path),
    params: strings(section('params')),
    metrics: strings(section('metrics')),
    plots: Array.isArray(plots) ? plots : [],
    artifacts: isDict(artifacts) ? artifacts : {},
  };
}

/** A vars/params file as DVC's `load_path` reads it, for templating (errors are TemplateErrors). */
async function readValuesFile(path: string, files: RepoFiles): Promise<PyValue> {
  const state = await readParamsFile(path, files);
  if (state.kind === 'missing') throw new TemplateError(`'${path}' does not exist`);
  if (state.kind === 'unreadable') throw new UnreadableValuesFile(state.message, state.diagnostics);
  return state.value;
}

export async function readParamsFile(path: string, files: RepoFiles = diskFiles): Promise<ParamsFileState> {
  const kind = await files.kind(path);
  if (kind === 'dir') return unreadable(path, `'${path}' is a directory`);
  const file = kind === undefined ? undefined : await files.read(path);
  if (file === undefined) return { kind: 'missing' };
  try {
    return { kind: 'ok', value: parseValues(path, file) };
  } catch (error) {
    if (error instanceof ValuesFileError) return unreadable(path, error.message, error.at);
    throw error;
  }
}

/** An unreadable params file is reported in that file, at the line its parser names (else its start). */
function unreadable(path: string, message: string, at: { readonly line: number; readonly column: number } = { line: 1, column: 1 }): ParamsFileState {
  return { kind: 'unreadable', message, diagnostics: [diagnostic(path, at, message)] };
}
