/** Reads what planBatchStage (and planDriftCheckStage) decide on: the files they edit, what exists, what DVC tracks. */
import { lstat, readFile, realpath } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { loadSnapshot } from '../dvc/load.js';
import type { BatchStageContext } from './batchStage.js';
import { BATCH_PARAMS_FILE } from './batchStage.js';
import { DeployError } from './errors.js';
import { projectPath } from './paths.js';
import { readTemplate, type TemplateName } from './templates.js';

export interface BatchContextOptions {
  /** The DVC repository root (where `.dvc/` is). */
  readonly dvcRoot: string;
  /** The folder of the dvc.yaml the stage goes into (the root, or a folder below it). */
  readonly dvcDir: string;
  /** The paths the stage names (relative to dvcDir): checked for existence and for symlinks out of the project. */
  readonly paths: readonly string[];
  readonly templateDir: string;
  /** Which template the stage's script comes from (default: batch_predict.py). */
  readonly template?: TemplateName;
  readonly signal?: AbortSignal;
}

export async function gatherBatchStageContext(options: BatchContextOptions): Promise<BatchStageContext> {
  const { dvcRoot, dvcDir } = options;
  const [dvcYaml, params, template, snapshot] = await Promise.all([
    readOptional(join(dvcDir, 'dvc.yaml')),
    readOptional(join(dvcDir, BATCH_PARAMS_FILE)),
    readTemplate(options.templateDir, options.template ?? 'batchPredict'),
    loadSnapshot(dvcRoot, options.signal),
  ]);
  const existing = new Set<string>();
  for (const given of options.paths) {
    const path = projectPath(given, 'path');
    await checkInside(dvcDir, path);
    if (await exists(join(dvcDir, path))) existing.add(path);
  }
  const tracked = snapshot.stages.flatMap((stage) => stage.outs.map((out) => relative(dvcDir, out.absPath).split(sep).join('/'))).filter((path) => path !== '' && !path.startsWith('..'));
  return { dvcYaml, params, existing, tracked, template };
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DeployError('invalid-file', `${path} cannot be read: ${(error as Error).message}`, path, { cause: error });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** The nearest existing ancestor of `path` must resolve inside the project: no writing through a symlink out of it. */
async function checkInside(projectDir: string, path: string): Promise<void> {
  const root = await realpath(projectDir);
  let current = join(projectDir, path);
  for (;;) {
    try {
      const real = await realpath(current);
      const inside = relative(root, real);
      if (inside.startsWith('..') || inside.startsWith(sep) || /^[A-Za-z]:/.test(inside)) {
        throw new DeployError('invalid-argument', `${path} leads outside the project folder (through a symbolic link).`, path);
      }
      return;
    } catch (error) {
      if (error instanceof DeployError) throw error;
      const parent = dirname(current);
      if (parent === current) return;
      current = parent;
    }
  }
}
