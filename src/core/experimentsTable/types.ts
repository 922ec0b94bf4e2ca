/** The table's types the webview shares (through src/protocol): no imports, so the browser build stays free of Node. */
export type CellValue = string | number | boolean | null;

export type ColumnGroup = 'attributes' | 'params' | 'metrics' | 'tags';

export interface TableColumn {
  readonly id: string;
  readonly group: ColumnGroup;
  readonly label: string;
  readonly numeric: boolean;
}

export interface SortKey {
  readonly column: string;
  readonly descending: boolean;
}

export interface Completion {
  readonly label: string;
  /** Replaces the text from `from` to `to`. */
  readonly insert: string;
  readonly detail: string;
}

export interface Completions {
  readonly from: number;
  readonly to: number;
  readonly items: readonly Completion[];
}

export interface RenderedRow {
  readonly kind: 'row';
  readonly id: string;
  readonly source: 'mlflow' | 'dvc';
  readonly rowKind: 'run' | 'workspace' | 'baseline' | 'experiment' | 'commit';
  readonly depth: number;
  readonly hasChildren: boolean;
  readonly expanded: boolean;
  /** Kept only because a descendant matches the filter. */
  readonly context: boolean;
  readonly label: string;
  readonly shortId: string;
  readonly status: string | null;
  readonly starred: boolean;
  readonly problems: readonly string[];
  /** Aligned with the columns sent beside them. */
  readonly cells: readonly string[];
}

export interface RenderedGroup {
  readonly kind: 'group';
  readonly id: string;
  readonly label: string;
  readonly count: number;
  /** Per column: a metric's mean (min–max in `details`), a param's or tag's one value or count of distinct values. */
  readonly cells: readonly string[];
  readonly details: readonly string[];
}

export type RenderedEntry = RenderedRow | RenderedGroup;

/** Over a run's whole history of a metric: its minimum, maximum, or value at one step. */
export type MetricAggregate = 'min' | 'max' | 'step';

export interface MetricView {
  /** The metric's key (`loss`), as in `metrics.loss`. */
  readonly key: string;
  readonly aggregate: MetricAggregate;
  /** The step, for `step`. */
  readonly step?: number;
}
