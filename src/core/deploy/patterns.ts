/**
 * The four ways a model reaches an application, and which fits how the application uses it. One
 * table feeds the Deploy… quick pick and the README's scheme matrix (a unit test keeps the README
 * equal to schemeMatrixMarkdown()).
 */

export type Pattern = 'precompute' | 'model-as-service' | 'model-as-dependency' | 'model-on-demand';
export type Usage = 'batch' | 'request-response' | 'streaming' | 'embedded';
export type Scheme = 'batch-forecast' | 'web-service' | 'online-learning' | 'automl';

/** What a pattern's step does; the host maps each to a command. */
export type PatternAction = 'addBatchStage' | 'useModelInCode' | 'addQueueWorker' | 'serveModel' | 'generateDockerfile' | 'buildDockerImage' | 'kubernetesManifests';

export interface PatternInfo {
  readonly title: string;
  readonly summary: string;
  readonly actions: readonly PatternAction[];
}

export const PATTERNS: Readonly<Record<Pattern, PatternInfo>> = {
  precompute: {
    title: 'Precompute',
    summary: 'Predictions made in batch by a DVC stage and stored; the application reads them.',
    actions: ['addBatchStage'],
  },
  'model-as-service': {
    title: 'Model-as-Service',
    summary: "The model behind its own REST endpoint (MLflow's scoring server, in a container or on Kubernetes).",
    actions: ['serveModel', 'generateDockerfile', 'buildDockerImage', 'kubernetesManifests'],
  },
  'model-as-dependency': {
    title: 'Model-as-Dependency',
    summary: "The model loaded inside the application's own Python process, its requirements merged into the project's.",
    actions: ['useModelInCode'],
  },
  'model-on-demand': {
    title: 'Model-on-Demand',
    summary: 'Requests through a message broker (Redis); workers predict and publish results asynchronously.',
    actions: ['addQueueWorker'],
  },
};

export interface UsageInfo {
  readonly label: string;
  readonly detail: string;
}

export const USAGES: Readonly<Record<Usage, UsageInfo>> = {
  batch: { label: 'Batch', detail: 'Whole tables on a schedule: forecasts, nightly scores, reports' },
  'request-response': { label: 'Request-response', detail: 'One request at a time, answered right away: a web or mobile app, an API' },
  streaming: { label: 'Streaming', detail: 'A flow of events answered asynchronously, absorbing spikes of load' },
  embedded: { label: 'Embedded', detail: "Inside the application's own Python process: a service, a job, a notebook" },
};

export interface Recommendation {
  readonly pattern: Pattern;
  readonly fit: 'best' | 'also';
  readonly reason: string;
}

const RECOMMENDATIONS: Readonly<Record<Usage, readonly Recommendation[]>> = {
  batch: [
    { pattern: 'precompute', fit: 'best', reason: 'The inputs are known ahead: predict them all in one DVC stage, versioned with the data they came from.' },
    { pattern: 'model-on-demand', fit: 'also', reason: 'When batches arrive at unpredictable times from other systems.' },
  ],
  'request-response': [
    { pattern: 'model-as-service', fit: 'best', reason: 'A stable HTTP API; the model is updated without touching the application.' },
    { pattern: 'model-as-dependency', fit: 'also', reason: 'Lowest latency, when the application is Python and can carry the model’s requirements.' },
  ],
  streaming: [
    { pattern: 'model-on-demand', fit: 'best', reason: 'A broker buffers the flow; workers scale out, and none of the requests is lost when one dies.' },
    { pattern: 'model-as-service', fit: 'also', reason: 'When the producer can wait for each answer.' },
  ],
  embedded: [
    { pattern: 'model-as-dependency', fit: 'best', reason: 'No network hop: load the model in-process with its pinned requirements.' },
    { pattern: 'precompute', fit: 'also', reason: 'When the process only needs predictions for inputs known ahead.' },
  ],
};

export function recommendPatterns(usage: Usage): readonly Recommendation[] {
  return RECOMMENDATIONS[usage];
}

export type Fit = 'best' | 'good' | 'possible' | 'poor';

/** How each way a model learns and predicts (the rows) suits each serving pattern (the columns). */
export const SCHEME_MATRIX: readonly { readonly scheme: Scheme; readonly label: string; readonly fits: Readonly<Record<Pattern, Fit>> }[] = [
  { scheme: 'batch-forecast', label: 'Batch forecast', fits: { precompute: 'best', 'model-as-service': 'possible', 'model-as-dependency': 'possible', 'model-on-demand': 'possible' } },
  { scheme: 'web-service', label: 'Web service (request-response)', fits: { precompute: 'poor', 'model-as-service': 'best', 'model-as-dependency': 'good', 'model-on-demand': 'good' } },
  { scheme: 'online-learning', label: 'Online / incremental learning', fits: { precompute: 'poor', 'model-as-service': 'good', 'model-as-dependency': 'poor', 'model-on-demand': 'best' } },
  { scheme: 'automl', label: 'AutoML (the model is replaced often)', fits: { precompute: 'good', 'model-as-service': 'best', 'model-as-dependency': 'poor', 'model-on-demand': 'good' } },
];

export const PATTERN_ORDER: readonly Pattern[] = ['precompute', 'model-as-service', 'model-as-dependency', 'model-on-demand'];

const FIT_MARK: Readonly<Record<Fit, string>> = { best: '**best**', good: 'good', possible: 'possible', poor: '—' };

/** The README's table. */
export function schemeMatrixMarkdown(): string {
  const header = `| Scheme | ${PATTERN_ORDER.map((pattern) => PATTERNS[pattern].title).join(' | ')} |`;
  const rule = `|---|${PATTERN_ORDER.map(() => '---').join('|')}|`;
  const rows = SCHEME_MATRIX.map((row) => `| ${row.label} | ${PATTERN_ORDER.map((pattern) => FIT_MARK[row.fits[pattern]]).join(' | ')} |`);
  return [header, rule, ...rows].join('\n');
}
