/**
 * What the Plots panel draws, decided here and only rendered by the webview: one column (colour)
 * per revision — the workspace, commits, DVC experiments and MLflow runs alike — and per plot the
 * shape its template asks for (lines or points, a confusion matrix, horizontal bars, an image
 * grid with a step slider). Problems belong to their plot and revision; the rest still draws.
 *
 * Plain JSON and no imports: the webview's type-check reads this file too.
 */

export type PanelRevisionKind = 'workspace' | 'commit' | 'experiment' | 'mlflow-run';

export interface PanelRevision {
  /** Unique in the panel: the DVC revision name, or `mlflow:<run id>`. */
  readonly id: string;
  /** Short, for the legend and column heads (experiment name, short commit, run name). */
  readonly label: string;
  readonly kind: PanelRevisionKind;
  /** Longer, for tooltips (full commit, baseline, run id, experiment). */
  readonly detail: string;
  /** Colour slot (webview: `--vscode-charts-*` colour i mod 6, dash ⌊i / 6⌋); see colors.ts. */
  readonly color: number;
}

export interface PanelProblem {
  /** The revision id, when the problem is of one revision. */
  readonly rev?: string;
  /** The data file, repo- or artifact-relative. */
  readonly source?: string;
  readonly reason: string;
  readonly message: string;
}

/** One line (or point cloud) of one revision: `name` tells a revision's sources apart when it has several. */
export interface XYSeries {
  readonly rev: string;
  readonly name?: string;
  /** Index of the source within the revision: the line's dash (the colour is the revision's). */
  readonly dash: number;
  readonly x: readonly number[];
  readonly y: readonly number[];
}

interface PlotBase {
  readonly id: string;
  readonly title: string;
  readonly template: string;
  /** Where the definition comes from, shown under the title (dvc.yaml, a stage, an MLflow key). */
  readonly origin: string;
  readonly problems: readonly PanelProblem[];
}

export interface XYPlot extends PlotBase {
  readonly kind: 'xy';
  /** `line`: linear, simple, smooth (points joined in x order); `point`: scatter, scatter_jitter. */
  readonly mark: 'line' | 'point';
  /** The smooth template: the view offers a smoothing slider. */
  readonly smooth: boolean;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly XYSeries[];
}

export interface ConfusionMatrix {
  readonly rev: string;
  /** Column heads: the x field's values (actual), ascending. */
  readonly columns: readonly string[];
  /** Row heads: the y field's values (predicted), ascending. */
  readonly rows: readonly string[];
  /** counts[row][column]: how many records have that (y, x) pair. */
  readonly counts: readonly (readonly number[])[];
  /** What each cell shows: the count, or (confusion_normalized) the count over its row's total, as DVC's template does. */
  readonly values: readonly (readonly number[])[];
}

export interface ConfusionPlot extends PlotBase {
  readonly kind: 'confusion';
  readonly normalized: boolean;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly matrices: readonly ConfusionMatrix[];
}

export interface BarGroup {
  readonly rev: string;
  readonly bars: readonly { readonly label: string; readonly value: number }[];
}

export interface BarPlot extends PlotBase {
  readonly kind: 'bars';
  readonly xLabel: string;
  readonly yLabel: string;
  readonly groups: readonly BarGroup[];
}

/** A template we cannot draw: the plot is listed with its problem. */
export interface UnsupportedPlot extends PlotBase {
  readonly kind: 'unsupported';
}

export interface ImageCell {
  readonly rev: string;
  /** The step of this image when the group has steps. */
  readonly step?: number;
  /** Fetch the bytes with this key (the host keeps what it points to). */
  readonly key: string;
  readonly name: string;
  readonly bytes: number;
}

export interface ImageGroupPlot extends PlotBase {
  readonly kind: 'images';
  /** Every step some revision has, ascending; empty when the images carry no step. */
  readonly steps: readonly number[];
  readonly cells: readonly ImageCell[];
  /** The revisions (in panel order) that have a cell or a problem here: the grid's columns. */
  readonly columns: readonly string[];
}

export type PanelPlot = XYPlot | ConfusionPlot | BarPlot | UnsupportedPlot | ImageGroupPlot;

export interface PlotsModel {
  readonly title: string;
  readonly revisions: readonly PanelRevision[];
  readonly plots: readonly PanelPlot[];
  /** Problems of no single plot: a revision that names nothing, a dvc.yaml that does not parse, a run that cannot be read. */
  readonly problems: readonly PanelProblem[];
}

/** What to show: a DVC project's revisions and MLflow runs (the `mlWorkbench.showPlots` argument). */
export interface PlotsRequest {
  readonly dvcRoot?: string;
  readonly revisions?: readonly string[];
  readonly mlflowRunIds?: readonly string[];
}
