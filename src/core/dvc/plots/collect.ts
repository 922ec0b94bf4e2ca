/**
 * The plots of a DVC repo across revisions — what `dvc plots diff --json --split REV…` prints,
 * read natively: each revision's definitions from its own dvc.yaml/dvc.lock, each data file from
 * git, the workspace or the DVC cache, joined per plot id across revisions (the first revision's
 * props win, as dvc/render/match.py `_squash_plots_properties` does). A problem belongs to its
 * plot and revision (or its data file); every other plot and revision is still returned.
 *
 *   const plots = new DvcPlots(root);
 *   const result = await plots.diff(['workspace', 'main', 'exp-four'], { signal });
 *   const png = await plots.readFile(image.revisions[0].ref);
 *   plots.dispose();
 */
import { relative, sep } from 'node:path';
import type { Git } from '../../git/index.js';
import { RevisionFileError, type FileRef } from '../revision/files.js';
import { RevisionLoader, type LoadedRevision as Loaded } from '../revision/load.js';
import { RevisionError, RevisionResolver, WORKSPACE } from '../revision/resolve.js';
import { convert, finishDatapoints, seriesKeyOf, type Converted, type PlotProps } from './datapoints.js';
import { collectDefinitions, dataSources, type PlotDefinition, type RevisionDefinitions } from './definitions.js';
import { PlotError, isPlotTemplate, type Datapoint, type ImagePlot, type ImageRevision, type JsonValue, type PlotProblem, type PlotsResult, type VegaPlot } from './model.js';
import { IMAGE_MIME, isImagePath, parsePlotData, sniffImage } from './parse.js';
import { stepGroups } from './steps.js';

export interface PlotsOptions {
  readonly signal?: AbortSignal;
  /** Largest data or image file read (default 64 MiB). */
  readonly maxFileBytes?: number;
}

interface LoadedRevision extends Loaded {
  readonly definitions: RevisionDefinitions;
  readonly sources: Map<string, Promise<Source>>;
}

type Entry = { readonly revision: LoadedRevision; readonly definition: PlotDefinition };

export class DvcPlots {
  private readonly loader: RevisionLoader;

  constructor(
    readonly root: string,
    git?: Git,
  ) {
    this.loader = new RevisionLoader(root, git);
  }

  async diff(revisions: readonly string[], options: PlotsOptions = {}): Promise<PlotsResult> {
    const resolver = new RevisionResolver(this.loader.git);
    const errors: PlotProblem[] = [];
    // dvc/repo/plots/__init__.py `collect`: the workspace comes first, as DVC's brancher yields it.
    const ordered = [...new Set(revisions.includes(WORKSPACE) ? [WORKSPACE, ...revisions] : revisions)];
    const loaded = await Promise.all(
      ordered.map(async (name) => {
        try {
          return await this.load(await resolver.resolve(name, options.signal), options);
        } catch (error) {
          if (!(error instanceof RevisionError) && !isGitError(error)) throw error;
          errors.push({ rev: name, reason: 'bad-revision', message: (error as Error).message });
          return undefined;
        }
      }),
    );
    const present = loaded.filter((r): r is LoadedRevision => r !== undefined);
    for (const revision of present) errors.push(...revision.definitions.problems);
    const groups = new Map<string, Entry[]>();
    for (const revision of present) {
      for (const [id, definition] of revision.definitions.plots) groups.set(id, [...(groups.get(id) ?? []), { revision, definition }]);
    }
    const plots: (VegaPlot | ImagePlot)[] = [];
    for (const [id, entries] of groups) {
      options.signal?.throwIfAborted();
      plots.push(isImagePath(entries[0]!.definition.innerId) ? await imagePlot(id, entries) : await vegaPlot(id, entries));
    }
    const steps = stepGroups(plots.filter((p) => p.kind === 'image').map((p) => p.id));
    const withSteps = plots.map((p) => (p.kind === 'image' && steps.has(p.id) ? { ...p, step: steps.get(p.id)! } : p));
    return { revisions: present.map((r) => r.info), plots: withSteps, errors };
  }

  /** The bytes behind an image's (or any plot file's) reference; refuses paths outside the repo and cache. */
  readFile(ref: FileRef): Promise<Buffer> {
    return this.loader.read(ref);
  }

  dispose(): void {
    this.loader.dispose();
  }

  private async load(info: LoadedRevision['info'], options: PlotsOptions): Promise<LoadedRevision> {
    const loaded = await this.loader.load(info, options);
    const definitions = await collectDefinitions(info.name, loaded.pipelines, loaded.stages, loaded.files);
    for (const d of loaded.diagnostics) {
      if (d.severity === 'error') definitions.problems.push({ rev: info.name, source: relative(this.root, d.file).split(sep).join('/'), reason: 'bad-definition', message: `${d.line}:${d.column}: ${d.message}` });
    }
    return { ...loaded, definitions, sources: new Map() };
  }
}

function isGitError(error: unknown): boolean {
  return error instanceof Error && error.name === 'GitError';
}

type Source = { readonly content: JsonValue } | { readonly problem: PlotProblem };

/** A data file of a revision, parsed once however many plots read it. */
function source(revision: LoadedRevision, path: string): Promise<Source> {
  let pending = revision.sources.get(path);
  if (!pending) {
    const header = revision.definitions.outProps.get(path)?.header ?? true;
    pending = revision.files.read(path).then(
      (file) => ({ content: parsePlotData(path, file.bytes, header) }),
      (error: unknown) => ({ problem: problem(revision.info.name, error, path) }),
    );
    pending = pending.catch((error: unknown) => ({ problem: problem(revision.info.name, error, path) }));
    revision.sources.set(path, pending);
  }
  return pending;
}

function problem(rev: string, error: unknown, source?: string): PlotProblem {
  if (!(error instanceof PlotError) && !(error instanceof RevisionFileError)) throw error;
  return { rev, ...(source === undefined ? {} : { source }), reason: error.reason, message: error.message };
}

/** `_squash_plots_properties`: every revision's props, the first revision's winning. */
function squash(entries: readonly Entry[]): PlotProps {
  let props: PlotProps = {};
  for (const entry of [...entries].reverse()) props = { ...props, ...entry.definition.props };
  return props;
}

async function vegaPlot(id: string, entries: readonly Entry[]): Promise<VegaPlot> {
  const props = squash(entries);
  const template = props.template ?? 'linear';
  const errors: PlotProblem[] = [];
  const revisions: string[] = [];
  const datapoints: Record<string, Datapoint[]> = {};
  let first: Converted | undefined;
  for (const { revision, definition } of entries) {
    const rev = revision.info.name;
    if (!isPlotTemplate(template)) errors.push({ rev, reason: 'unknown-template', message: `plot '${id}': template '${template}' is not one ML Workbench draws (${'linear, simple, scatter, scatter_jitter, smooth, confusion, confusion_normalized, bar_horizontal, bar_horizontal_sorted'})` });
    const data = new Map<string, JsonValue>();
    for (const path of dataSources(definition.innerId, definition.props)) {
      const loaded = await source(revision, path);
      if ('problem' in loaded) errors.push(loaded.problem);
      else data.set(path, loaded.content);
    }
    try {
      const converted = convert(definition.innerId, props, data, rev);
      if (converted.datapoints.length === 0) continue;
      first ??= converted;
      if (!revisions.includes(rev)) revisions.push(rev);
      datapoints[rev] = [...(datapoints[rev] ?? []), ...converted.datapoints];
    } catch (error) {
      errors.push(problem(rev, error));
    }
  }
  const series = first && seriesKeyOf(first.yDefinitions);
  for (const rev of revisions) finishDatapoints(datapoints[rev]!, series);
  const x = first?.x ?? (typeof props.x === 'string' ? props.x : 'step');
  const y = first?.y ?? (typeof props.y === 'string' ? props.y : '');
  const all = revisions.flatMap((rev) => datapoints[rev]!);
  for (const field of [x, y]) {
    if (all.length > 0 && field && !all.some((d) => field in d)) errors.push({ rev: revisions[0]!, reason: 'bad-definition', message: `plot '${id}': field '${field}' does not exist in the data` });
  }
  return {
    kind: 'vega',
    id,
    template,
    known: isPlotTemplate(template),
    title: props.title ?? id,
    x,
    y,
    xLabel: first?.xLabel ?? props.x_label ?? x,
    yLabel: first?.yLabel || props.y_label || y,
    ...(series ? { series } : {}),
    revisions,
    datapoints,
    errors,
  };
}

async function imagePlot(id: string, entries: readonly Entry[]): Promise<ImagePlot> {
  const revisions: ImageRevision[] = [];
  const errors: PlotProblem[] = [];
  for (const { revision, definition } of entries) {
    const rev = revision.info.name;
    try {
      const file = await revision.files.read(definition.innerId);
      const format = sniffImage(definition.innerId, file.bytes);
      revisions.push({ rev, ref: file.ref, format, mime: IMAGE_MIME[format], bytes: file.bytes.length });
    } catch (error) {
      errors.push(problem(rev, error, definition.innerId));
    }
  }
  return { kind: 'image', id, revisions, errors };
}
