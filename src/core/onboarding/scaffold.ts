/**
 * What New ML Project writes, and whether it may: the rendered template files, the inferred
 * schema.yaml and the data file copied into data/incoming/, checked against what the folder
 * already holds. Nothing existing is ever overwritten: a file with the same content is skipped, a
 * differing README.md / .gitignore / requirements.txt is kept as the user's, and any other
 * existing file (a dvc.yaml, a stage script…), a folder in the way or a symbolic link on the path
 * refuses the whole scaffold before anything is written.
 */
import { createHash } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { copyFile, lstat, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { MlTask } from './schema.js';
import { projectSlug, renderTemplate, type TemplateFile, type TemplateInfo } from './templates.js';

export type PlannedEntry =
  | { readonly path: string; readonly kind: 'text'; readonly text: string }
  | { readonly path: string; readonly kind: 'copy'; readonly source: string };

export interface ScaffoldChoice {
  readonly template: TemplateInfo;
  /** The project folder's name: the experiment and model names come from it. */
  readonly folderName: string;
  /** The user's data file, and its name in data/incoming/ (see dataFileName). */
  readonly dataSource: string;
  readonly dataFile: string;
  readonly target: string;
  readonly schemaYaml: string;
}

export interface ProjectNames {
  readonly project: string;
  readonly experiment: string;
  readonly model: string;
}

export function projectNames(folderName: string, template: TemplateInfo): ProjectNames {
  const slug = projectSlug(folderName);
  return { project: slug, experiment: slug, model: `${slug}-${template.modelSuffix}` };
}

/** Every file of the new project, rendered, in path order. */
export function projectEntries(files: readonly TemplateFile[], choice: ScaffoldChoice): PlannedEntry[] {
  const names = projectNames(choice.folderName, choice.template);
  const values: Record<string, string> = {
    project_name: names.project,
    experiment: names.experiment,
    model_name: names.model,
    target: choice.target,
    data_file: choice.dataFile,
    task: choice.template.id satisfies MlTask,
    task_label: choice.template.taskLabel,
  };
  const entries: PlannedEntry[] = files.map((file) => ({ path: file.path, kind: 'text', text: renderTemplate(file.text, values, file.path) }));
  entries.push({ path: 'schema.yaml', kind: 'text', text: choice.schemaYaml });
  entries.push({ path: `data/incoming/${choice.dataFile}`, kind: 'copy', source: choice.dataSource });
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export type EntryState =
  | { readonly kind: 'absent' }
  | { readonly kind: 'file'; readonly same: boolean }
  | { readonly kind: 'directory' }
  | { readonly kind: 'symlink'; readonly at: string }
  /** A parent path exists as a file. */
  | { readonly kind: 'blocked'; readonly by: string };

/** What the folder holds at each planned path (never following a symbolic link). */
export async function inspectEntries(root: string, entries: readonly PlannedEntry[]): Promise<Map<string, EntryState>> {
  const states = new Map<string, EntryState>();
  for (const entry of entries) states.set(entry.path, await inspect(root, entry));
  return states;
}

async function inspect(root: string, entry: PlannedEntry): Promise<EntryState> {
  const parts = entry.path.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const relative = parts.slice(0, i).join('/');
    const info = await lstat(join(root, relative)).catch(() => undefined);
    if (!info) return { kind: 'absent' };
    if (info.isSymbolicLink()) return { kind: 'symlink', at: relative };
    if (i < parts.length && !info.isDirectory()) return { kind: 'blocked', by: relative };
    if (i === parts.length) {
      if (info.isDirectory()) return { kind: 'directory' };
      return { kind: 'file', same: await sameContent(join(root, entry.path), entry) };
    }
  }
  return { kind: 'absent' };
}

async function sameContent(path: string, entry: PlannedEntry): Promise<boolean> {
  if (entry.kind === 'text') return (await readFile(path, 'utf8').catch(() => undefined)) === entry.text;
  const [a, b] = await Promise.all([fileHash(path), fileHash(entry.source)]);
  return a !== undefined && a === b;
}

function fileHash(path: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', () => resolve(undefined))
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Kept as the user's when they differ: the pipeline does not depend on them. */
const USER_OWNED = new Set(['README.md', '.gitignore', 'requirements.txt']);

export interface ScaffoldPlan {
  readonly create: readonly PlannedEntry[];
  /** Already there with the same content. */
  readonly same: readonly string[];
  /** There with other content, and kept: the project works with the user's version. */
  readonly kept: readonly string[];
  /** What makes the scaffold impossible without overwriting: nothing is written when any. */
  readonly conflicts: readonly { readonly path: string; readonly reason: string }[];
}

export function decidePlan(entries: readonly PlannedEntry[], states: ReadonlyMap<string, EntryState>): ScaffoldPlan {
  const create: PlannedEntry[] = [];
  const same: string[] = [];
  const kept: string[] = [];
  const conflicts: { path: string; reason: string }[] = [];
  for (const entry of entries) {
    const state = states.get(entry.path) ?? { kind: 'absent' };
    switch (state.kind) {
      case 'absent':
        create.push(entry);
        break;
      case 'file':
        if (state.same) same.push(entry.path);
        else if (USER_OWNED.has(entry.path)) kept.push(entry.path);
        else conflicts.push({ path: entry.path, reason: 'exists with other content' });
        break;
      case 'directory':
        conflicts.push({ path: entry.path, reason: 'is a folder' });
        break;
      case 'symlink':
        conflicts.push({ path: entry.path, reason: `${state.at} is a symbolic link (nothing is written through one)` });
        break;
      case 'blocked':
        conflicts.push({ path: entry.path, reason: `${state.by} is a file, not a folder` });
        break;
    }
  }
  return { create, same, kept, conflicts };
}

/**
 * Writes the plan's new files; refuses a plan with conflicts. Each file is created exclusively
 * (`wx`, COPYFILE_EXCL): one that appeared since the plan was made stops the write instead of
 * being overwritten. Returns the paths written.
 */
export async function writePlan(root: string, plan: ScaffoldPlan): Promise<string[]> {
  if (plan.conflicts.length > 0) throw new Error(`Not written: ${plan.conflicts.map((c) => `${c.path} ${c.reason}`).join('; ')}.`);
  const written: string[] = [];
  for (const entry of plan.create) {
    const target = join(root, entry.path);
    await mkdir(dirname(target), { recursive: true });
    if (entry.kind === 'text') await writeFile(target, entry.text, { flag: 'wx' });
    else await copyFile(entry.source, target, constants.COPYFILE_EXCL);
    written.push(entry.path);
  }
  return written;
}

/** A plain-text summary of the plan, for the confirmation. */
export function describePlan(plan: ScaffoldPlan): string {
  const lines: string[] = [];
  if (plan.create.length > 0) lines.push(`Creates ${plan.create.length} files: ${plan.create.map((e) => e.path).join(', ')}.`);
  if (plan.same.length > 0) lines.push(`Already there, unchanged: ${plan.same.join(', ')}.`);
  if (plan.kept.length > 0) lines.push(`Kept as they are (yours differ from the template's): ${plan.kept.join(', ')}.`);
  if (plan.conflicts.length > 0) lines.push(`In the way: ${plan.conflicts.map((c) => `${c.path} ${c.reason}`).join('; ')}.`);
  return lines.join('\n');
}
