/**
 * One Plots panel's data: the DVC plots of a project's revisions and the logged images of MLflow
 * runs, shaped into one PlotsModel (a colour per revision, a chart per plot, image groups by
 * step), and the bytes behind each image cell on demand — checked to be an image by their magic
 * bytes, never trusted by name.
 *
 *   const session = new PlotsSession({ dvcRoot, revisions: ['workspace', 'exp-a'], runs: [{ runId, store }] });
 *   const model = await session.load({ signal });
 *   const image = await session.readImage(model.plots[3].cells[0].key);
 *   session.dispose();
 */
import { DvcPlots } from '../dvc/plots/collect.js';
import { PlotError, type ImagePlot, type PlotFileRef, type RevisionInfo } from '../dvc/plots/model.js';
import { sniffImage, type ImageFormat, IMAGE_MIME } from '../dvc/plots/parse.js';
import type { Git } from '../git/index.js';
import type { Run } from '../tracking/entities.js';
import { runDisplayName } from '../tracking/runTree.js';
import type { TrackingStore } from '../tracking/store.js';
import { revisionColors } from './colors.js';
import { listLoggedImages, type LoggedImage } from './mlflowImages.js';
import type { ImageCell, ImageGroupPlot, PanelPlot, PanelProblem, PanelRevision, PlotsModel } from './model.js';
import { shapeVegaPlot } from './shape.js';

export interface RunSource {
  readonly runId: string;
  readonly store: TrackingStore;
}

export interface PlotsSessionOptions {
  readonly dvcRoot?: string;
  readonly revisions?: readonly string[];
  readonly runs?: readonly RunSource[];
  readonly git?: Git;
  /** Largest image sent to the panel (default 16 MiB). */
  readonly maxImageBytes?: number;
}

type ImageSource = { readonly kind: 'dvc'; readonly ref: PlotFileRef; readonly name: string } | { readonly kind: 'mlflow'; readonly store: TrackingStore; readonly runId: string; readonly path: string };

export interface LoadedImage {
  readonly mime: string;
  readonly format: ImageFormat;
  readonly bytes: Uint8Array;
}

export const MLFLOW_PREFIX = 'mlflow:';

export class PlotsSession {
  private readonly dvc: DvcPlots | undefined;
  private images = new Map<string, ImageSource>();

  constructor(private readonly options: PlotsSessionOptions) {
    this.dvc = options.dvcRoot !== undefined && (options.revisions?.length ?? 0) > 0 ? new DvcPlots(options.dvcRoot, options.git) : undefined;
  }

  async load(options: { readonly signal?: AbortSignal } = {}): Promise<PlotsModel> {
    const images = new Map<string, ImageSource>();
    const problems: PanelProblem[] = [];
    const addImage = (source: ImageSource): string => {
      const key = `img${images.size}`;
      images.set(key, source);
      return key;
    };
    const [dvc, runs] = await Promise.all([this.loadDvc(options.signal), this.loadRuns(options.signal)]);
    problems.push(...dvc.problems, ...runs.problems);
    const colors = revisionColors([...dvc.revisions, ...runs.revisions].map((r) => r.id));
    const revisions: PanelRevision[] = [...dvc.revisions, ...runs.revisions].map((r) => ({ ...r, color: colors.get(r.id)! }));
    const order = revisions.map((r) => r.id);
    const plots: PanelPlot[] = [];
    const imagePlots: ImagePlot[] = [];
    for (const plot of dvc.plots) {
      if (plot.kind === 'image') imagePlots.push(plot);
      else plots.push(shapeVegaPlot(plot, plot.errors, `DVC plot · ${plot.template}`));
    }
    // Image groups with the most steps first (a slider to compare across revisions), single images last.
    const groups = [...dvcImageGroups(imagePlots, order, addImage), ...mlflowImageGroups(runs.images, order, addImage)];
    plots.push(...groups.sort((a, b) => b.steps.length - a.steps.length));
    this.images = images;
    const labels = revisions.map((r) => r.label);
    const title = labels.length <= 3 ? `Plots: ${labels.join(', ') || 'nothing selected'}` : `Plots: ${labels.length} revisions`;
    return { title, revisions, plots, problems };
  }

  /** An image cell's bytes; a PlotError ('missing', 'not-an-image', 'too-large') when they cannot be shown. */
  async readImage(key: string, options: { readonly signal?: AbortSignal } = {}): Promise<LoadedImage> {
    const source = this.images.get(key);
    if (!source) throw new PlotError('missing', 'This image is no longer part of the panel: refresh it');
    const max = this.options.maxImageBytes ?? 16 << 20;
    let bytes: Uint8Array;
    let name: string;
    if (source.kind === 'dvc') {
      bytes = await this.dvc!.readFile(source.ref);
      name = source.name;
    } else {
      bytes = await source.store.readArtifact(source.runId, source.path, { maxBytes: max, ...(options.signal ? { signal: options.signal } : {}) });
      name = source.path;
    }
    if (bytes.length > max) throw new PlotError('too-large', `'${name}' is ${bytes.length} bytes, more than the ${max} the panel shows`);
    const format = sniffImage(name, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { mime: IMAGE_MIME[format], format, bytes };
  }

  dispose(): void {
    this.dvc?.dispose();
  }

  private async loadDvc(signal: AbortSignal | undefined): Promise<{ revisions: Omit<PanelRevision, 'color'>[]; plots: Awaited<ReturnType<DvcPlots['diff']>>['plots']; problems: PanelProblem[] }> {
    if (!this.dvc) return { revisions: [], plots: [], problems: [] };
    const result = await this.dvc.diff(this.options.revisions ?? [], signal ? { signal } : {});
    return { revisions: result.revisions.map(dvcRevision), plots: result.plots, problems: [...result.errors] };
  }

  private async loadRuns(signal: AbortSignal | undefined): Promise<{ revisions: Omit<PanelRevision, 'color'>[]; images: Map<string, { readonly source: RunSource; readonly images: LoggedImage[] }>; problems: PanelProblem[] }> {
    const revisions: Omit<PanelRevision, 'color'>[] = [];
    const images = new Map<string, { readonly source: RunSource; readonly images: LoggedImage[] }>();
    const problems: PanelProblem[] = [];
    const loaded = await Promise.all(
      (this.options.runs ?? []).map(async (source) => {
        const id = MLFLOW_PREFIX + source.runId;
        try {
          const run = await source.store.getRun(source.runId, signal ? { signal } : {});
          const logged = await listLoggedImages(source.store, source.runId, signal ? { signal } : {});
          return { id, run, source, logged };
        } catch (error) {
          if (signal?.aborted) throw error;
          return { id, problem: { rev: id, reason: reasonOf(error), message: `MLflow run ${source.runId}: ${(error as Error).message}` } };
        }
      }),
    );
    for (const entry of loaded) {
      if ('problem' in entry) {
        problems.push(entry.problem!);
        continue;
      }
      if (images.has(entry.id)) continue;
      revisions.push(runRevision(entry.id, entry.run!));
      images.set(entry.id, { source: entry.source!, images: entry.logged! });
    }
    return { revisions, images, problems };
  }
}

function reasonOf(error: unknown): string {
  const reason = (error as { reason?: unknown }).reason;
  return typeof reason === 'string' ? reason : 'unreadable';
}

function dvcRevision(info: RevisionInfo): Omit<PanelRevision, 'color'> {
  const short = (sha: string | undefined): string => sha?.slice(0, 7) ?? '';
  if (info.kind === 'workspace') return { id: info.name, label: 'workspace', kind: 'workspace', detail: 'The workspace: files as they are on disk now' };
  if (info.kind === 'experiment') return { id: info.name, label: info.name, kind: 'experiment', detail: `DVC experiment ${info.name} · ${short(info.commit)} on baseline ${short(info.baseline)}` };
  const label = /^[0-9a-f]{8,40}$/.test(info.name) ? short(info.name) : info.name;
  return { id: info.name, label, kind: 'commit', detail: `Commit ${info.commit ?? info.name}${label === info.name ? '' : ` (${info.name})`}` };
}

function runRevision(id: string, run: Run): Omit<PanelRevision, 'color'> {
  const name = runDisplayName(run);
  return { id, label: name, kind: 'mlflow-run', detail: `MLflow run ${name} · ${run.info.run_id} · experiment ${run.info.experiment_id}` };
}

function byPanelOrder(order: readonly string[]): (a: string, b: string) => number {
  return (a, b) => order.indexOf(a) - order.indexOf(b);
}

/** DVC image plots: those whose paths differ only by a step form one group with a step slider. */
function dvcImageGroups(plots: readonly ImagePlot[], order: readonly string[], addImage: (source: ImageSource) => string): ImageGroupPlot[] {
  const groups = new Map<string, ImagePlot[]>();
  for (const plot of plots) {
    const id = plot.step?.group ?? plot.id;
    groups.set(id, [...(groups.get(id) ?? []), plot]);
  }
  return [...groups].map(([id, members]) => {
    const stepped = members[0]!.step !== undefined;
    const cells: ImageCell[] = [];
    for (const plot of members) {
      for (const image of plot.revisions) {
        const key = addImage({ kind: 'dvc', ref: image.ref, name: plot.id });
        cells.push({ rev: image.rev, ...(stepped ? { step: plot.step!.value } : {}), key, name: plot.id, bytes: image.bytes });
      }
    }
    const problems = members.flatMap((p) => p.errors);
    const steps = stepped ? [...new Set(members.map((p) => p.step!.value))].sort((a, b) => a - b) : [];
    const columns = [...new Set([...cells.map((c) => c.rev), ...problems.map((p) => p.rev)])].filter((r) => order.includes(r)).sort(byPanelOrder(order));
    return { kind: 'images', id, title: id, template: 'image', origin: stepped ? 'DVC images by step' : 'DVC image', steps, cells, columns, problems };
  });
}

/** MLflow images: one group per key across the runs (a step slider when logged with steps). */
function mlflowImageGroups(runs: ReadonlyMap<string, { readonly source: RunSource; readonly images: readonly LoggedImage[] }>, order: readonly string[], addImage: (source: ImageSource) => string): ImageGroupPlot[] {
  const groups = new Map<string, ImageCell[]>();
  for (const [rev, { source, images }] of runs) {
    for (const image of images) {
      const key = addImage({ kind: 'mlflow', store: source.store, runId: source.runId, path: image.path });
      const cell: ImageCell = { rev, ...(image.step === undefined ? {} : { step: image.step }), key, name: image.path, bytes: image.bytes ?? 0 };
      const id = `${image.step === undefined ? 'file' : 'key'}:${image.key}`;
      groups.set(id, [...(groups.get(id) ?? []), cell]);
    }
  }
  return [...groups].map(([id, cells]) => {
    const key = id.slice(id.indexOf(':') + 1);
    const stepped = id.startsWith('key:');
    const steps = stepped ? [...new Set(cells.map((c) => c.step!))].sort((a, b) => a - b) : [];
    const columns = [...new Set(cells.map((c) => c.rev))].sort(byPanelOrder(order));
    return { kind: 'images', id: `mlflow:${id}`, title: key, template: 'image', origin: stepped ? 'MLflow log_image by step' : 'MLflow image artifact', steps, cells, columns, problems: [] };
  });
}
