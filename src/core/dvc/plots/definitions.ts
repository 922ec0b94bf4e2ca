/**
 * A revision's plot definitions as DVC collects them (dvc/repo/plots/__init__.py
 * `_collect_pipeline_files`, `_resolve_definitions`, `_collect_output_plots`, `unpack_if_dir`;
 * dvc/utils/plots.py `group_definitions_by_id`): the top-level `plots:` of every dvc.yaml (an id
 * that is a path is joined with the dvc.yaml's folder; x/y file keys too), then every stage out
 * flagged as a plot (config file ""); a directory becomes one plot per file in it. An id defined
 * in several dvc.yaml files is told apart as `dvc.yaml::id`.
 */
import type { PipelineFile, Stage } from '../entities.js';
import type { PyValue } from '../pyValue.js';
import type { PlotProps } from './datapoints.js';
import type { PlotProblem } from './model.js';
import { normalizeRepoPath } from '../revision/files.js';

export interface PlotDefinition {
  /** The plot id within its config file: a repo path for path ids, else the name. */
  readonly innerId: string;
  readonly props: PlotProps;
}

export interface RevisionDefinitions {
  /** Plot id (as DVC prints it) → definition, in DVC's order. */
  readonly plots: Map<string, PlotDefinition>;
  /** Per data file: the props of a stage `plots` out (its `header` decides how a CSV is read). */
  readonly outProps: ReadonlyMap<string, PlotProps>;
  readonly problems: PlotProblem[];
}

export interface DirectoryLister {
  listDirectory(repoPath: string): Promise<string[] | undefined>;
}

export async function collectDefinitions(rev: string, pipelines: readonly PipelineFile[], stages: readonly Stage[], files: DirectoryLister): Promise<RevisionDefinitions> {
  const byConfig = new Map<string, Map<string, PlotProps>>();
  const problems: PlotProblem[] = [];
  const configOf = (file: string): Map<string, PlotProps> => {
    if (!byConfig.has(file)) byConfig.set(file, new Map());
    return byConfig.get(file)!;
  };
  for (const pipeline of pipelines) {
    const config = configOf(pipeline.file);
    await topLevel(pipeline, config, files, (message) => problems.push({ rev, source: pipeline.file, reason: 'bad-definition', message }));
  }
  const outProps = new Map<string, PlotProps>();
  for (const stage of stages) {
    for (const out of stage.outs) {
      if (out.kind !== 'plots') continue;
      const props = toProps(out.plot ?? {});
      for (const path of (await files.listDirectory(out.repoPath).catch(() => undefined)) ?? [out.repoPath]) {
        merge(configOf(''), path, props);
        outProps.set(path, props);
      }
    }
  }
  return { plots: groupById(byConfig), outProps, problems };
}

async function topLevel(pipeline: PipelineFile, config: Map<string, PlotProps>, files: DirectoryLister, problem: (message: string) => void): Promise<void> {
  const dir = pipeline.file.includes('/') ? pipeline.file.slice(0, pipeline.file.lastIndexOf('/')) : '';
  const join = (path: string): string | undefined => normalizeRepoPath(dir ? `${dir}/${path}` : path);
  const entries: [string, PyValue][] = [];
  for (const item of pipeline.plots) {
    if (typeof item === 'string') entries.push([item, null]);
    else if (typeof item === 'object' && item !== null && !Array.isArray(item)) entries.push(...Object.entries(item).slice(0, 1));
  }
  const pathIds = entries.map(([id]) => join(id)).filter((p): p is string => p !== undefined);
  for (const [id, raw] of entries) {
    const props = toProps(raw ?? {});
    if (isFileMap(props.y)) {
      const adjusted = adjustSources(props, join);
      if (adjusted) merge(config, id, adjusted);
      else problem(`plot '${id}': a data file is outside the repository`);
      continue;
    }
    const path = join(id);
    if (path === undefined) {
      problem(`plot '${id}' is outside the repository`);
      continue;
    }
    const listed = await files.listDirectory(path).catch(() => undefined);
    // A file in a folder with a more specific definition of its own belongs to that one.
    const mine = listed?.filter((file) => closestParent(file, pathIds) === path);
    for (const file of mine ?? [path]) merge(config, file, props);
  }
}

function closestParent(path: string, parents: readonly string[]): string {
  let best = '';
  for (const parent of parents) {
    const common = commonPath(path, parent);
    if (common.length > best.length) best = common;
  }
  return best;
}

function commonPath(a: string, b: string): string {
  const x = a.split('/');
  const y = b.split('/');
  const out: string[] = [];
  for (let i = 0; i < Math.min(x.length, y.length) && x[i] === y[i]; i++) out.push(x[i]!);
  return out.join('/');
}

function isFileMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `_adjust_sources`: file keys of x/y maps become repo paths. */
function adjustSources(props: PlotProps, join: (path: string) => string | undefined): PlotProps | undefined {
  const out: Record<string, unknown> = { ...props };
  for (const axis of ['x', 'y'] as const) {
    const value = props[axis];
    if (!isFileMap(value)) continue;
    const adjusted: Record<string, unknown> = {};
    for (const [file, fields] of Object.entries(value)) {
      const path = join(file);
      if (path === undefined) return undefined;
      adjusted[path] = fields;
    }
    out[axis] = adjusted;
  }
  return out as PlotProps;
}

function merge(config: Map<string, PlotProps>, id: string, props: PlotProps): void {
  config.set(id, { ...(config.get(id) ?? {}), ...props });
}

/** `group_definitions_by_id`: an id in one config file keeps its name, else `config::id`. */
function groupById(byConfig: ReadonlyMap<string, ReadonlyMap<string, PlotProps>>): Map<string, PlotDefinition> {
  const configsOf = new Map<string, string[]>();
  for (const [config, plots] of byConfig) for (const id of plots.keys()) configsOf.set(id, [...(configsOf.get(id) ?? []), config]);
  const out = new Map<string, PlotDefinition>();
  for (const [config, plots] of byConfig) {
    for (const [id, props] of plots) {
      const shared = configsOf.get(id)!.length > 1;
      out.set(shared && config ? `${config}::${id}` : id, { innerId: id, props });
    }
  }
  return out;
}

/** Props as written, keeping only values of the right shape (a bad one is as if absent). */
export function toProps(raw: PyValue): PlotProps {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
  const props: Record<string, unknown> = {};
  for (const key of ['template', 'title', 'x_label', 'y_label'] as const) if (typeof raw[key] === 'string') props[key] = raw[key];
  if (typeof raw['header'] === 'boolean') props['header'] = raw['header'];
  const x = axis(raw['x'], false);
  const y = axis(raw['y'], true);
  if (x !== undefined) props['x'] = x;
  if (y !== undefined) props['y'] = y;
  return props as PlotProps;
}

function axis(value: PyValue | undefined, listAllowed: boolean): PlotProps['x'] {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && listAllowed && value.every((v) => typeof v === 'string')) return value as string[];
  if (isFileMap(value)) {
    const out: Record<string, string | string[]> = {};
    for (const [file, fields] of Object.entries(value)) {
      if (typeof fields === 'string') out[file] = fields;
      else if (Array.isArray(fields) && fields.every((f) => typeof f === 'string')) out[file] = fields as string[];
    }
    return out;
  }
  return undefined;
}

/** `infer_data_sources`: the files a definition reads (y's files, or the id; x's first file). */
export function dataSources(innerId: string, props: PlotProps): string[] {
  const sources = isFileMap(props.y) ? Object.keys(props.y) : [innerId];
  if (isFileMap(props.x)) {
    const first = Object.keys(props.x)[0];
    if (first !== undefined) sources.push(first);
  }
  return [...new Set(sources)];
}

