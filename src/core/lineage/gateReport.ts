/** The Go/No-Go report (gate.ts), as the CLI prints it and the report panel shows it: plain JSON types. */

export interface CriterionResult {
  readonly kind: 'metric-min' | 'metric-max' | 'vs-champion' | 'tag' | 'signature' | 'input-example' | 'current-data';
  readonly description: string;
  readonly metric: string | null;
  readonly candidate: number | string | boolean | null;
  readonly champion: number | string | boolean | null;
  /** The bound the candidate had to meet (for vs-champion: champion ∓ tolerance). */
  readonly threshold: number | string | null;
  readonly pass: boolean;
  readonly detail: string;
}

export interface GateReport {
  readonly model: string;
  readonly version: string;
  readonly alias: string;
  /** The version the alias names now; null when none does. */
  readonly champion: string | null;
  readonly decision: 'go' | 'no-go';
  readonly criteriaFile: string;
  readonly criteriaSha256: string;
  readonly criteria: readonly CriterionResult[];
  readonly evaluatedAt: string;
}
