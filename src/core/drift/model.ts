/**
 * What a drift check answers: per column the test Evidently's DataDriftPreset picks, its score,
 * threshold and verdict, the data for a reference-vs-current chart, and every problem named on the
 * column, line or file it concerns. Plain JSON (no typed arrays), so the CLI prints it as it is and
 * a webview protocol can carry it.
 */

/** Evidently's column types (`evidently.legacy.core.ColumnType`), as it infers them from pandas dtypes. */
export type ColumnType = 'numerical' | 'categorical' | 'text' | 'datetime' | 'list' | 'unknown';

/** Evidently's stattest names (`StatTest.name`) for the tests DataDriftPreset picks by default. */
export type DriftMethodId = 'ks' | 'chisquare' | 'z' | 'wasserstein' | 'jensenshannon' | 'perc_text_content_drift' | 'abs_text_content_drift';

export interface DriftMethod {
  readonly id: DriftMethodId;
  /** Evidently's display name, as its report and `ValueDrift(method=…)` show it: "K-S p_value", … */
  readonly label: string;
  /** A p-value drifts below its threshold; a distance (and a text classifier's ROC AUC) above it. */
  readonly score: 'p_value' | 'distance' | 'roc_auc';
}

export type TableFormat = 'csv' | 'tsv' | 'jsonl' | 'parquet';

/** A problem on one column, one line or a whole file. `reason` is for code, `message` for people. */
export interface DriftProblem {
  readonly reason:
    | 'only-in-reference'
    | 'only-in-current'
    | 'retyped'
    | 'all-missing'
    | 'non-numeric'
    | 'not-computed'
    | 'not-tested'
    | 'malformed-line'
    | 'incomplete-last-line'
    | 'ragged-line'
    | 'empty-file'
    | 'unreadable';
  readonly message: string;
  readonly dataset?: 'reference' | 'current';
  readonly column?: string;
  /** 1-based line of the file (CSV/TSV/JSONL), when the problem is on one. */
  readonly line?: number;
}

export interface ColumnSummary {
  /** Rows where the column has a value (NaN, empty and the null markers pandas reads as missing left out). */
  readonly count: number;
  readonly missing: number;
  /** ±inf: pandas reads them as numbers, Evidently drops them before testing. */
  readonly infinite?: number;
  readonly unique?: number;
  readonly mean?: number;
  readonly std?: number;
  readonly min?: number;
  readonly max?: number;
  /** How pandas would hold the column: int64, float64, bool, object, category, datetime64, … */
  readonly dtype: string;
}

/** Reference vs current for one column: counts per bin (numbers) or per category. */
export type DriftHistogram =
  | {
      readonly kind: 'numeric';
      /** Bin edges (Doane's rule on both samples together, as Evidently's distribution chart). */
      readonly edges: readonly number[];
      readonly reference: readonly number[];
      readonly current: readonly number[];
    }
  | {
      readonly kind: 'categorical';
      /** The most frequent categories over both samples; the rest are summed in `other`. */
      readonly categories: readonly string[];
      readonly reference: readonly number[];
      readonly current: readonly number[];
      readonly other?: { readonly categories: number; readonly reference: number; readonly current: number };
    };

export interface ColumnDrift {
  readonly column: string;
  readonly type: ColumnType;
  /** tested: a score and verdict; not-computed: Evidently would test it but we do not (text); skipped: nothing to compare. */
  readonly status: 'tested' | 'not-computed' | 'skipped';
  readonly method?: DriftMethod;
  readonly score?: number;
  readonly threshold?: number;
  readonly drifted?: boolean;
  readonly reference?: ColumnSummary;
  readonly current?: ColumnSummary;
  readonly histogram?: DriftHistogram;
  readonly problems: readonly DriftProblem[];
}

export interface DatasetSummary {
  readonly path: string;
  readonly format: TableFormat;
  readonly rows: number;
  readonly columns: number;
  /** Which reader read it: the CSV/JSONL tokenizers here, or hyparquet for Parquet. */
  readonly reader: string;
}

export interface DatasetDrift {
  /** Columns with a verdict. */
  readonly tested: number;
  readonly drifted: number;
  /** drifted / tested (Evidently's share_of_drifted_columns), 0 when nothing was tested. */
  readonly share: number;
  /** Evidently's drift_share: the dataset drifts when share ≥ it. */
  readonly driftShare: number;
  readonly detected: boolean;
  /** Columns Evidently would count that have no verdict here (text columns). */
  readonly notComputed: number;
}

export interface DriftReport {
  readonly reference: DatasetSummary;
  readonly current: DatasetSummary;
  readonly dataset: DatasetDrift;
  readonly columns: readonly ColumnDrift[];
  /** Problems not tied to one column: unreadable lines, an incomplete last line, a file with no rows. */
  readonly problems: readonly DriftProblem[];
}
