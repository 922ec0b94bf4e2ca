/**
 * DVC plots for a set of revisions, as the Plots panel and `ml-workbench plots-diff` read them.
 *
 * A vega plot's `datapoints` per revision are exactly DVC's (the `<DVC_METRIC_DATA>` of
 * `dvc plots diff --json --split`): the records of its data files, with `rev`, the x field (`step`
 * as the row index when no x is given), `dvc_inferred_y_value` / `dvc_inferred_x_value` when
 * several fields share an axis, and `field` / `filename` (or `filename::field`) when several
 * sources share a plot. Values keep their file's types: every CSV/TSV value is a string.
 */

import type { FileRef } from '../revision/files.js';
import type { RevisionInfo } from '../revision/resolve.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type Datapoint = Record<string, JsonValue>;

/** dvc-render's templates (vega_templates.py TEMPLATES). */
export const PLOT_TEMPLATES = ['linear', 'simple', 'scatter', 'scatter_jitter', 'smooth', 'confusion', 'confusion_normalized', 'bar_horizontal', 'bar_horizontal_sorted'] as const;
export type PlotTemplate = (typeof PLOT_TEMPLATES)[number];

export function isPlotTemplate(name: string): name is PlotTemplate {
  return (PLOT_TEMPLATES as readonly string[]).includes(name);
}

export type PlotErrorReason =
  /** The file is not in this revision (nor in the DVC cache, for a DVC-tracked file). */
  | 'missing'
  /** The file cannot be parsed (malformed CSV/JSON/YAML, not UTF-8). */
  | 'malformed'
  /** The extension is not one DVC plots (JSON, YAML, CSV, TSV, images). */
  | 'unsupported-format'
  /** An image plot whose bytes are not a PNG, JPEG, GIF or SVG image. */
  | 'not-an-image'
  /** A template that is neither built in nor one we can draw (custom `.dvc/plots` templates). */
  | 'unknown-template'
  /** The definition does not fit the data: a field not in the file, x and y of different lengths. */
  | 'bad-definition'
  /** The file is larger than the reader allows. */
  | 'too-large'
  /** The revision names no commit, experiment or the workspace, or its files cannot be read. */
  | 'bad-revision';

export class PlotError extends Error {
  override readonly name = 'PlotError';
  constructor(
    readonly reason: PlotErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** One problem, tied to a revision and (where it has one) a data file. */
export interface PlotProblem {
  readonly rev: string;
  /** The data file, repo-relative; absent for a problem of the definition. */
  readonly source?: string;
  readonly reason: PlotErrorReason;
  readonly message: string;
}

/** How the lines of one revision are told apart when a plot has several sources. */
export type SeriesKey = 'field' | 'filename' | 'filename::field';

export interface VegaPlot {
  readonly kind: 'vega';
  /** DVC's plot id: the definition's name or the data file's path (`file::id` when ids collide). */
  readonly id: string;
  /** The template as written (`linear` when none); `known` says whether we can draw it. */
  readonly template: string;
  readonly known: boolean;
  readonly title: string;
  /** The fields to draw: after DVC's inference (`step`, `dvc_inferred_y_value`, …). */
  readonly x: string;
  readonly y: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** The key that separates a revision's series, when there are several (else absent). */
  readonly series?: SeriesKey;
  /** The revisions with datapoints, in the order asked for. */
  readonly revisions: readonly string[];
  /** Per revision (the keys of `revisions`). */
  readonly datapoints: Readonly<Record<string, readonly Datapoint[]>>;
  readonly errors: readonly PlotProblem[];
}

export type { FileRef as PlotFileRef } from '../revision/files.js';
export type { RevisionInfo } from '../revision/resolve.js';

export interface ImageRevision {
  readonly rev: string;
  readonly ref: FileRef;
  readonly format: 'png' | 'jpeg' | 'gif' | 'svg';
  readonly mime: string;
  readonly bytes: number;
}

export interface ImagePlot {
  readonly kind: 'image';
  /** The image's path, repo-relative (DVC's plot id for an image). */
  readonly id: string;
  /**
   * Images that differ only by a step number in their path (`step_3/x.png`, `img/3.png`) share a
   * `group` (the path with `{step}` in place of the number), for a step slider.
   */
  readonly step?: { readonly group: string; readonly value: number };
  readonly revisions: readonly ImageRevision[];
  readonly errors: readonly PlotProblem[];
}

export interface PlotsResult {
  readonly revisions: readonly RevisionInfo[];
  readonly plots: readonly (VegaPlot | ImagePlot)[];
  /** Problems not tied to one plot: a revision that cannot be read, a dvc.yaml that does not parse. */
  readonly errors: readonly PlotProblem[];
}
