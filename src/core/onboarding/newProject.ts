/**
 * New ML Project from start to plan: the data's head read, its schema inferred, the template
 * rendered, the folder inspected; then what has to run once the files are written (git init,
 * dvc init, dvc add of the incoming data). The host asks the questions and runs the steps; the
 * contract test runs the same functions with real git, DVC and MLflow.
 */
import { basename, sep } from 'node:path';
import type { TaskSpec } from '../tasks/spec.js';
import { dvcAdd, dvcInit, gitInit } from './commands.js';
import { readCsvHead, type CsvHead } from './csv.js';
import type { ProjectState } from './projectState.js';
import { decidePlan, inspectEntries, projectEntries, projectNames, type ProjectNames, type ScaffoldPlan } from './scaffold.js';
import { inferSchema, schemaYaml, targetProblem } from './schema.js';
import { dataFileName, templateFiles, type TemplateInfo, type TemplateSet } from './templates.js';

export interface ProjectRequest {
  readonly templates: TemplateSet;
  readonly template: TemplateInfo;
  /** The project folder (empty or not). */
  readonly root: string;
  /** The user's CSV file, or a bundled sample. */
  readonly dataSource: string;
  readonly target: string;
  /** The head already read (the host reads it to offer the columns), else it is read here. */
  readonly head?: CsvHead;
}

export interface ProjectPlan {
  readonly plan: ScaffoldPlan;
  readonly names: ProjectNames;
  /** The data file's name in data/incoming/. */
  readonly dataFile: string;
  /** Why the target does not suit the template, when it does not (the user decides). */
  readonly targetWarning?: string;
}

export async function planProject(request: ProjectRequest): Promise<ProjectPlan> {
  const head = request.head ?? (await readCsvHead(request.dataSource));
  const dataFile = dataFileName(request.dataSource);
  const schema = inferSchema(head, request.target, request.template.id);
  const choice = {
    template: request.template,
    folderName: basename(request.root),
    dataSource: request.dataSource,
    dataFile,
    target: request.target,
    schemaYaml: schemaYaml(schema, { file: basename(request.dataSource), rowsRead: head.rows.length, complete: head.complete }),
  };
  const entries = projectEntries(await templateFiles(request.templates, request.template.id), choice);
  const plan = decidePlan(entries, await inspectEntries(request.root, entries));
  const warning = targetProblem(head, request.target, request.template.id);
  return { plan, names: projectNames(choice.folderName, request.template), dataFile, ...(warning ? { targetWarning: warning } : {}) };
}

/** What runs after the files are written, in order: only what the folder does not have yet. */
export function setupSteps(state: ProjectState, python: string, root: string, dataFile: string): TaskSpec[] {
  const steps: TaskSpec[] = [];
  if (!state.gitRoot) steps.push(gitInit(root));
  // A DVC project at or above the folder holds the new pipeline; one in a child folder does not.
  const covered = state.dvcRoot !== undefined && (root === state.dvcRoot || root.startsWith(state.dvcRoot + sep));
  if (!covered) steps.push(dvcInit(python, root, state.gitRoot));
  steps.push(dvcAdd(python, root, `data/incoming/${dataFile}`));
  return steps;
}
