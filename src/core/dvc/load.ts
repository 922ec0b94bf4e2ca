/**
 * Reads one DVC root the way `dvc status` loads its index: every dvc.yaml (templated, generators
 * expanded, joined with its dvc.lock by stage name) and every `.dvc` file the walk finds. Problems
 * in user files become diagnostics; what can be read still is.
 */
import { readFile, stat } from 'node:fs/promises';
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
import { Context, DEFAULT_PARAMS_FILE } from './templating/context.js';
import { resolveValue, TemplateError, type ParsingConfig } from './templating/interpolate.js';
import { paramsFormat, type ParamsFileState } from './status/params.js';

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

async function stampOf(path: string): Promise<string> {
  try {
    const s = await stat(path, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return 'missing';
  }
}

/** Loads a file through the cache, recording the stamps of what the load reads. */
async function cached(cache: ParseCache | undefined, path: string, load: (track: (p: string) => void) => Promise<Loaded>): Promise<Loaded> {
  const hit = await cache?.get(path);
  if (hit) return hit;
  const read = new Set<string>([path]);
  const stamps = new Map<string, string>();
  // Stamp before reading, so a change during the load invalidates the entry next time.
  const track = (p: string): void => void read.add(p);
  const before = await stampOf(path);
  const loaded = await load(track);
  stamps.set(path, before);
  for (const p of read) if (p !== path) stamps.set(p, await stampOf(p));
  cache?.set(path, stamps, loaded);
  return loaded;
}

export async function loadSnapshot(root: string, signal?: AbortSignal, cache?: ParseCache): Promise<Snapshot> {
  const config = await readDvcConfig(root);
  const stages: Stage[] = [];
  const pipelines: PipelineFile[] = [];
  const diagnostics: DvcDiagnostic[] = [];
  const files = await collectDvcFiles(
    root,
    async (path) => {
      const loaded = await cached(cache, path, (track) => (path.endsWith('.dvc') ? loadDataFile(root, path) : loadPipeline(root, path, config.parsing, track)));
      diagnostics.push(...loaded.diagnostics);
      stages.push(...loaded.stages);
      if (loaded.pipeline) pipelines.push(loaded.pipeline);
      return loaded.stages.flatMap((s) => s.outs.map((o) => o.absPath));
    },
    signal,
  );
  return { root, config, stages, pipelines, ignore: files.ignore, diagnostics };
}

async function loadDataFile(root: string, path: string): Promise<{ stages: Stage[]; diagnostics: DvcDiagnostic[] }> {
  const text = await readText(path);
  if (text === undefined) return { stages: [], diagnostics: [] };
  const { stage, diagnostics } = parseDvcFile(root, path, text);
  return { stages: stage ? [stage] : [], diagnostics };
}

export async function loadPipeline(root: string, path: string, parsing: ParsingConfig, track: (path: string) => void = () => {}): Promise<Loaded> {
  const readValues = (p: string): Promise<PyValue> => (track(p), readValuesFile(p));
  const exists = (p: string): Promise<boolean> => (track(p), fileExists(p));
  const text = await readText(path);
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
    diagnostics.push(diagnostic(path, file.positionOf(['vars']), `failed to parse 'vars': ${error.message}`));
    return { stages: [], diagnostics };
  }
  const resolved = await resolveStages({ file, dir, context, config: parsing, read: readValues, exists }, file.value['stages'] ?? null);
  diagnostics.push(...resolved.diagnostics);
  const lockPath = join(dir, 'dvc.lock');
  track(lockPath);
  const lockText = await readText(lockPath);
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

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function fileExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** A vars/params file as DVC's `load_path` reads it, for templating (errors are TemplateErrors). */
async function readValuesFile(path: string): Promise<PyValue> {
  const state = await readParamsFile(path);
  if (state.kind === 'missing') throw new TemplateError(`'${path}' does not exist`);
  if (state.kind === 'unreadable') throw new TemplateError(state.message);
  return state.value;
}

export async function readParamsFile(path: string): Promise<ParamsFileState> {
  let text: string;
  try {
    const info = await stat(path);
    if (info.isDirectory()) return { kind: 'unreadable', message: `'${path}' is a directory` };
    text = await readFile(path, 'utf8');
  } catch {
    return { kind: 'missing' };
  }
  const format = paramsFormat(path);
  if (format === 'toml' || format === 'py') return { kind: 'unreadable', message: `${format.toUpperCase()} params files are not read yet: '${path}'` };
  const loaded = loadYaml(path, text);
  if (!loaded.value) return { kind: 'unreadable', message: loaded.diagnostics[0]?.message ?? `cannot parse '${path}'` };
  return { kind: 'ok', value: loaded.value.value };
}
