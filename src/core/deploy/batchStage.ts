/**
 * Precompute: a DVC stage that runs a registered model over a DVC-tracked table and writes the
 * predictions as a tracked output. The model URI the user chose and the version it resolved to go
 * into params.yaml and the stage lists both, so recording a new version (when an alias moves)
 * makes `dvc status` report the stage and `dvc repro` predict again; the script loads exactly the
 * recorded version, so a run never mixes versions and an old commit reproduces its predictions.
 *
 * `planBatchStage` computes the edits (dvc.yaml and params.yaml edited in place, the script
 * created) for the user to review as diffs; it never replaces a stage, a params section or a file.
 */
import { shlexQuote } from '../tasks/pythonValues.js';
import { DeployError } from './errors.js';
import { parseModelUri } from './modelUri.js';
import { isWithin, projectPath } from './paths.js';
import { renderTemplate } from './templates.js';
import { insertMapEntry } from './yamlEdit.js';

export interface BatchStageRequest {
  /** The stage's name; also its params.yaml section. */
  readonly stageName: string;
  /** As the user chose it: `models:/iris@champion`, `models:/iris/3`, `models:/iris/latest`. */
  readonly modelUri: string;
  /** The version it resolves to now (see resolveModelUri). */
  readonly resolvedVersion: string;
  /** Relative to the dvc.yaml folder (as every path below). */
  readonly inputPath: string;
  readonly outputPath: string;
  readonly scriptPath: string;
  /** The program in the stage's cmd (default `python`: the interpreter DVC's shell finds). */
  readonly python?: string;
  /** Baked into the script for when MLFLOW_TRACKING_URI is not set. */
  readonly trackingUri?: string;
  /** Input columns copied into the predictions (an id, a timestamp). */
  readonly keepColumns?: readonly string[];
}

/** What is on disk now, read by gatherBatchStageContext. */
export interface BatchStageContext {
  readonly dvcYaml?: string;
  readonly params?: string;
  /** Paths (relative to the dvc.yaml folder) that exist already. */
  readonly existing: ReadonlySet<string>;
  /** DVC-tracked paths: `.dvc` outputs and stage outputs, relative to the dvc.yaml folder. */
  readonly tracked: readonly string[];
  /** The batch_predict.py template. */
  readonly template: string;
}

export interface FileEdit {
  /** Relative to the dvc.yaml folder. */
  readonly path: string;
  /** Undefined: a new file. */
  readonly before?: string;
  readonly after: string;
}

export interface BatchStagePlan {
  readonly stageName: string;
  readonly edits: readonly FileEdit[];
  /** The stage as it goes into dvc.yaml. */
  readonly stage: { readonly cmd: string; readonly deps: readonly string[]; readonly params: readonly string[]; readonly outs: readonly string[] };
}

const STAGE_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,99}$/;
export const BATCH_PARAMS_FILE = 'params.yaml';

export function planBatchStage(request: BatchStageRequest, context: BatchStageContext): BatchStagePlan {
  const name = request.stageName;
  if (!STAGE_NAME.test(name)) throw new DeployError('invalid-argument', `"${name}" cannot name a stage: use letters, digits, "_" and "-" (it also names the params.yaml section).`, name);
  const version = checkModel(request);
  const input = projectPath(request.inputPath, 'input');
  const output = projectPath(request.outputPath, 'output');
  const script = projectPath(request.scriptPath, 'script');
  checkPaths({ input, output, script }, context);

  const section = name;
  const cmd = commandOf(request, { input, output, script, section });
  const stage = { cmd, deps: [script, input], params: [`${section}.model_uri`, `${section}.model_version`], outs: [output] };
  const dvcYaml = insertMapEntry(context.dvcYaml, {
    parent: 'stages',
    key: name,
    value: stage,
    comment: [`Batch predictions of ${request.modelUri} (ML Workbench): the version is recorded in ${BATCH_PARAMS_FILE}.`],
    file: 'dvc.yaml',
    exists: () => new DeployError('stage-exists', `dvc.yaml already has a stage "${name}": choose another name (an existing stage is never replaced).`, name),
  });
  const params = insertMapEntry(context.params, {
    key: section,
    value: { model_uri: request.modelUri, model_version: Number(version) },
    comment: [`The model of the batch prediction stage "${name}": model_version is what model_uri resolved to`, 'when recorded. Set it to the new version when the alias moves: the stage re-runs on `dvc repro`.'],
    file: BATCH_PARAMS_FILE,
    exists: () => new DeployError('params-exist', `${BATCH_PARAMS_FILE} already has a section "${section}": choose another stage name (params are never replaced).`, section),
  });
  const scriptText = renderTemplate(context.template, { stage: name, script, tracking_uri: request.trackingUri ?? '' }, 'batch_predict.py');
  return {
    stageName: name,
    stage,
    edits: [
      { path: 'dvc.yaml', before: context.dvcYaml, after: dvcYaml },
      { path: BATCH_PARAMS_FILE, before: context.params, after: params },
      { path: script, after: scriptText },
    ],
  };
}

function checkModel(request: BatchStageRequest): string {
  const uri = parseModelUri(request.modelUri);
  if (uri.kind === 'logged-model' || uri.kind === 'stage') {
    throw new DeployError('invalid-model-uri', `A batch stage follows a registered model version, alias or latest (models:/NAME/VERSION, models:/NAME@ALIAS); ${request.modelUri} is a ${uri.kind === 'stage' ? 'deprecated stage' : 'logged model id'}.`, request.modelUri);
  }
  if (!/^\d+$/.test(request.resolvedVersion)) throw new DeployError('invalid-argument', `The resolved version "${request.resolvedVersion}" is not a version number.`, request.resolvedVersion);
  if (uri.kind === 'version' && Number(uri.version) !== Number(request.resolvedVersion)) {
    throw new DeployError('invalid-argument', `${request.modelUri} is version ${uri.version}, not ${request.resolvedVersion}.`, request.modelUri);
  }
  return String(Number(request.resolvedVersion));
}

function checkPaths(paths: { input: string; output: string; script: string }, context: BatchStageContext): void {
  const { input, output, script } = paths;
  if (!context.tracked.some((tracked) => isWithin(input, tracked))) {
    throw new DeployError('input-not-tracked', `${input} is not tracked by DVC: track it first (\`dvc add ${input}\`, or make it a stage's output) so the predictions follow its versions.`, input);
  }
  if (output === input || output === script || isWithin(input, output)) throw new DeployError('invalid-argument', `The output ${output} would overwrite the stage's input or script.`, output);
  const overlapping = context.tracked.find((tracked) => isWithin(output, tracked) || isWithin(tracked, output));
  if (overlapping) throw new DeployError('invalid-argument', `The output ${output} overlaps ${overlapping}, which DVC tracks already: choose another output path.`, output);
  for (const [path, what] of [[output, 'output'], [script, 'script']] as const) {
    if (context.existing.has(path)) throw new DeployError('file-exists', `The ${what} ${path} exists already: choose another path (files are never overwritten).`, path);
  }
  if (!/\.(csv|parquet|jsonl)$/i.test(output)) throw new DeployError('invalid-argument', `The output ${output} must end in .csv, .parquet or .jsonl.`, output);
  if (!/\.py$/.test(script)) throw new DeployError('invalid-argument', `The script ${script} must be a .py file.`, script);
}

function commandOf(request: BatchStageRequest, paths: { input: string; output: string; script: string; section: string }): string {
  const words = [request.python ?? 'python', paths.script, '--params', BATCH_PARAMS_FILE, '--section', paths.section, '--input', paths.input, '--output', paths.output];
  const keep = (request.keepColumns ?? []).filter((column) => column !== '');
  if (keep.some((column) => column.includes(','))) throw new DeployError('invalid-argument', 'A kept column name cannot contain ",".', keep.join(','));
  if (keep.length > 0) words.push('--keep-columns', keep.join(','));
  // DVC runs `cmd` through a shell: every word is quoted for it.
  return words.map(shlexQuote).join(' ');
}
