/**
 * Where a folder stands on the way to a working ML project, read from disk (never from what the
 * user clicked): a git work tree, a DVC project, a pipeline, a first `dvc repro` recorded in
 * dvc.lock, a default DVC remote. The Getting Started walkthrough shows these.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseConfigText } from '../dvc/files/config.js';
import { parseLockfile } from '../dvc/files/lockfile.js';
import { loadYaml } from '../dvc/files/yamlFile.js';

export interface ProjectState {
  /** The folder holding `.git` (the folder or one above it). */
  readonly gitRoot?: string;
  /** The DVC project of the folder: the folder or one above it, else the first child folder with `.dvc/`. */
  readonly dvcRoot?: string;
  /** The DVC project has a dvc.yaml. */
  readonly hasPipeline: boolean;
  /** Stages recorded in its dvc.lock (0: never reproduced). */
  readonly reproducedStages: number;
  /** Stages its dvc.yaml declares (a `foreach` counts once). */
  readonly pipelineStages: number;
  /** `core.remote` of its config, when that remote is defined. */
  readonly defaultRemote?: { readonly name: string; readonly url: string };
}

const MAX_LOCK_BYTES = 8 << 20;

export async function projectState(folder: string): Promise<ProjectState> {
  const gitRoot = await findUp(folder, '.git', () => true);
  const dvcRoot = (await findUp(folder, '.dvc', isDirectory)) ?? (await childWith(folder, '.dvc'));
  if (!dvcRoot) return { ...(gitRoot ? { gitRoot } : {}), hasPipeline: false, reproducedStages: 0, pipelineStages: 0 };
  const pipelineStages = await declaredStages(join(dvcRoot, 'dvc.yaml'));
  const hasPipeline = pipelineStages !== undefined;
  const reproducedStages = await lockedStages(join(dvcRoot, 'dvc.lock'));
  const defaultRemote = await readDefaultRemote(dvcRoot);
  return { ...(gitRoot ? { gitRoot } : {}), dvcRoot, hasPipeline, reproducedStages, pipelineStages: pipelineStages ?? 0, ...(defaultRemote ? { defaultRemote } : {}) };
}

/** Whether every stage dvc.yaml declares has a record in dvc.lock: the pipeline ran through once. */
export function pipelineHasRun(state: ProjectState): boolean {
  return state.hasPipeline && state.pipelineStages > 0 && state.reproducedStages >= state.pipelineStages;
}

async function findUp(start: string, name: string, accept: (path: string) => Promise<boolean> | boolean): Promise<string | undefined> {
  for (let dir = start; ; dir = dirname(dir)) {
    if ((await exists(join(dir, name))) && (await accept(join(dir, name)))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

async function childWith(folder: string, name: string): Promise<string | undefined> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules' && (await isDirectory(join(folder, entry.name, name)))) return join(folder, entry.name);
  }
  return undefined;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** The number of stages of a dvc.yaml; undefined when there is none. */
async function declaredStages(path: string): Promise<number | undefined> {
  const size = await stat(path).then((s) => s.size, () => -1);
  if (size < 0) return undefined;
  if (size > MAX_LOCK_BYTES) return 0;
  const loaded = loadYaml(path, await readFile(path, 'utf8').catch(() => ''));
  const stages = (loaded.value?.value as { stages?: unknown } | undefined)?.stages;
  return stages && typeof stages === 'object' && !Array.isArray(stages) ? Object.keys(stages).length : 0;
}

async function lockedStages(path: string): Promise<number> {
  const size = await stat(path).then((s) => s.size, () => -1);
  if (size < 0 || size > MAX_LOCK_BYTES) return 0;
  const text = await readFile(path, 'utf8').catch(() => '');
  return parseLockfile(path, text).lock?.stages.size ?? 0;
}

/** DVC's own rule: `[core] remote = NAME` in config or config.local (the local one wins), naming a `['remote "NAME"']` section. */
export async function readDefaultRemote(dvcRoot: string): Promise<{ name: string; url: string } | undefined> {
  const sections = new Map<string, Map<string, string>>();
  for (const file of ['config', 'config.local']) {
    const text = await readFile(join(dvcRoot, '.dvc', file), 'utf8').catch(() => undefined);
    if (text !== undefined) parseConfigText(text, sections);
  }
  const name = sections.get('core')?.get('remote');
  const url = name ? sections.get(`remote "${name}"`)?.get('url') : undefined;
  return name && url ? { name, url } : undefined;
}

/** The names of the remotes the config defines. */
export async function remoteNames(dvcRoot: string): Promise<string[]> {
  const sections = new Map<string, Map<string, string>>();
  for (const file of ['config', 'config.local']) {
    const text = await readFile(join(dvcRoot, '.dvc', file), 'utf8').catch(() => undefined);
    if (text !== undefined) parseConfigText(text, sections);
  }
  return [...sections.keys()].flatMap((key) => /^remote "(.+)"$/.exec(key)?.slice(1, 2) ?? []);
}
