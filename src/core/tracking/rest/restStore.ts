/**
 * Reads an MLflow tracking server over its REST API (mlflow/server/handlers.py). The server's
 * JSON is already the shape of entities.ts, so answers pass through unchanged: what we print is
 * what MLflow prints. Filters, orders and page sizes go to the server; without `maxResults`
 * every page is fetched at the largest size the server accepts.
 */
import { asWritable } from '../artifactDownload.js';
import { TrackingError } from '../errors.js';
import type { Experiment, FileInfo, LoggedModel, Metric, ModelVersion, RegisteredModel, Run } from '../entities.js';
import type {
  ArtifactSink,
  StreamArtifactOptions,
  ArtifactListing,
  BulkIntervalOptions,
  Listing,
  ModelRegistry,
  PageOptions,
  QueryOptions,
  ReadArtifactOptions,
  RunPagesOptions,
  RunsJsonPage,
  SearchExperimentsOptions,
  SearchLoggedModelsOptions,
  SearchRunsOptions,
  TrackingStore,
} from '../store.js';
import { RestClient, type JsonReply, type RestOptions } from './http.js';
import { MAX_JSON_DEPTH } from './jsonDepth.js';
import { runsPageBytes } from './runsPageBytes.js';
import { PageGuard } from './pageGuard.js';

const API = '/api/2.0/mlflow';
/** Page sizes: the servers' maxima (SEARCH_MAX_RESULTS_THRESHOLD, the registry handlers' checks). */
const EXPERIMENTS_PAGE = 50_000;
const RUNS_PAGE = 50_000;
/** Pages of a runs listing asked for at once from a server whose page tokens are MLflow's offsets. */
const PAGES_AHEAD = 3;

/** MLflow's page token for a start offset (SearchUtils.create_page_token: base64 of json.dumps({"offset": N})). */
function offsetToken(offset: number): string {
  return Buffer.from(`{"offset": ${offset}}`, 'utf8').toString('base64');
}

/** searchRunPages' default page: MlflowClient.search_runs' (SEARCH_MAX_RESULTS_DEFAULT). */
const STREAM_RUNS_PAGE = 1_000;
const REGISTERED_MODELS_PAGE = 1_000;
/** The Python client's page (SEARCH_MODEL_VERSION_MAX_RESULTS_DEFAULT); the server allows 200000. */
const MODEL_VERSIONS_PAGE = 10_000;
/** GET_METRIC_HISTORY_MAX_RESULTS, what MlflowClient.get_metric_history pages by. */
const METRIC_HISTORY_PAGE = 25_000;
/** MAX_RUNS_GET_METRIC_HISTORY_BULK: run_ids per get-history-bulk-interval call. */
const BULK_INTERVAL_RUNS = 100;
/** The artifact proxy's download route (mlflow/server/handlers.py `_download_artifact`). */
const ARTIFACT_PROXY = '/api/2.0/mlflow-artifacts/artifacts';
/** Runs whose artifact root is remembered (a run's artifact_uri never changes). */
const ARTIFACT_ROOTS = 256;

interface Page<T> {
  readonly items: readonly T[] | undefined;
  readonly next_page_token?: string;
}

/** A runs/search answer read as objects; runs that are there but not a list are the server's error. */
function parseRunsPage(reply: JsonReply): { runs: Run[]; token: string | undefined } {
  const parsed = reply.parse<{ runs?: Run[] | null; next_page_token?: string }>();
  if (parsed.runs != null && !Array.isArray(parsed.runs)) throw reply.failure('JSON whose runs is not a list');
  return { runs: parsed.runs ?? [], token: parsed.next_page_token || undefined };
}

export class RestTrackingStore implements TrackingStore, ModelRegistry {
  readonly label: string;
  /** Shared with writers to the same server: one set of connections, credentials asked once. */
  readonly client: RestClient;
  private readonly artifactRoots = new Map<string, string>();

  constructor(
    readonly uri: string,
    options: RestOptions = {},
  ) {
    this.client = new RestClient(uri, options);
    this.label = `server: ${this.client.host}`;
  }

  searchExperiments(options: SearchExperimentsOptions = {}): Promise<Listing<Experiment>> {
    return this.pages(`POST ${API}/experiments/search`, options, EXPERIMENTS_PAGE, async (max_results, page_token) => {
      const body = { max_results, page_token, filter: options.filter, order_by: options.orderBy, view_type: options.viewType };
      const page = await this.client.json<{ experiments?: Experiment[]; next_page_token?: string }>('POST', `${API}/experiments/search`, { body, signal: options.signal });
      return { items: page.experiments, next_page_token: page.next_page_token };
    });
  }

  async searchRuns(options: SearchRunsOptions): Promise<Listing<Run>> {
    if (options.experimentIds.length === 0) return { items: [], problems: [] };
    return this.pages(`POST ${API}/runs/search`, options, RUNS_PAGE, async (max_results, page_token) => {
      const body = {
        experiment_ids: options.experimentIds,
        filter: options.filter,
        run_view_type: options.viewType,
        max_results,
        order_by: options.orderBy,
        page_token,
      };
      const page = await this.client.json<{ runs?: Run[]; next_page_token?: string }>('POST', `${API}/runs/search`, { body, signal: options.signal });
      return { items: page.runs, next_page_token: page.next_page_token };
    });
  }

  async *searchRunPages(options: RunPagesOptions): AsyncIterable<Listing<Run>> {
    // Each answer waits as its bytes and is parsed when its turn comes: its objects die young.
    yield* this.runPages(
      options,
      (reply) => reply,
      (reply) => {
        const parsed = parseRunsPage(reply);
        return { page: { items: parsed.runs, problems: [] }, token: parsed.token };
      },
    );
  }

  /**
   * searchRunPages' pages as the server's JSON text, no run ever made an object (what the CLI
   * prints: at 100,000 runs, parsing each page only to print it again is where the memory went).
   * Each answer is checked to be JSON and compacted as it arrives (runsPageBytes.ts), and only its
   * runs are kept while it waits its turn (MLflow indents its answers: half their size). One it does
   * not read that way is parsed as searchRunPages does and printed from its objects.
   */
  async *searchRunPagesJson(options: RunPagesOptions): AsyncIterable<RunsJsonPage> {
    yield* this.runPages(
      options,
      (reply): { page: RunsJsonPage; token: string | undefined } | JsonReply => {
        const bytes = runsPageBytes(reply.body, MAX_JSON_DEPTH);
        // A copy of the runs alone: the whole answer is let go now.
        return bytes ? { page: { json: Buffer.from(bytes.runs), count: bytes.count }, token: bytes.nextPageToken } : reply;
      },
      (arrived) => {
        if (!('body' in arrived)) return arrived;
        const parsed = parseRunsPage(arrived);
        return { page: { json: Buffer.from(parsed.runs.map((run) => JSON.stringify(run)).join(',')), count: parsed.runs.length }, token: parsed.token };
      },
    );
  }

  /**
   * The runs/search answers of a listing: `arrive` takes each as it comes, `read` when its turn
   * comes. A server whose tokens are MLflow's offsets (SearchUtils.create_page_token: base64 of
   * {"offset": N}) is asked for the next pages before their tokens arrive, PAGES_AHEAD at a
   * time: its workers answer them side by side. Any other token: one page ahead, in turn.
   */
  private async *runPages<A, P>(options: RunPagesOptions, arrive: (reply: JsonReply) => A, read: (arrived: A) => { page: P; token: string | undefined }): AsyncIterable<P> {
    if (options.experimentIds.length === 0) return;
    const size = Math.max(1, Math.min(options.pageSize ?? STREAM_RUNS_PAGE, RUNS_PAGE));
    // When the listing ends (its last page, an error, or a caller who stops), the pages asked
    // for ahead are aborted: never left to be retried after the caller is gone.
    const ended = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, ended.signal]) : ended.signal;
    const fetchPage = (page_token: string | undefined): Promise<A> => {
      const body = { experiment_ids: options.experimentIds, filter: options.filter, run_view_type: options.viewType, max_results: size, order_by: options.orderBy, page_token };
      const pending = this.client.jsonReply('POST', `${API}/runs/search`, { body, signal }).then(arrive);
      // Handled here so that a caller who stops early (or a page asked for past the end) leaves no unhandled rejection behind.
      pending.catch(() => undefined);
      return pending;
    };
    const queue: { offset: number | undefined; arrived: Promise<A> }[] = [{ offset: options.pageToken === undefined ? 0 : undefined, arrived: fetchPage(options.pageToken) }];
    try {
      yield* this.pagesInTurn(queue, size, fetchPage, read);
    } finally {
      ended.abort(new Error('the listing ended'));
    }
  }

  private async *pagesInTurn<A, P>(
    queue: { offset: number | undefined; arrived: Promise<A> }[],
    size: number,
    fetchPage: (token: string | undefined) => Promise<A>,
    read: (arrived: A) => { page: P; token: string | undefined },
  ): AsyncIterable<P> {
    for (;;) {
      const head = queue.shift()!;
      const { page, token } = read(await head.arrived);
      const next = head.offset === undefined ? undefined : head.offset + size;
      if (token && next !== undefined && token === offsetToken(next)) {
        // Speculative pages past the end come back empty and are never shown.
        let last = queue.at(-1)?.offset ?? head.offset!;
        while (queue.length < PAGES_AHEAD) {
          last += size;
          queue.push({ offset: last, arrived: fetchPage(offsetToken(last)) });
        }
      } else if (token) {
        // Not a token that was foreseen: any page asked for ahead is dropped, the rest comes in turn.
        queue.length = 0;
        queue.push({ offset: undefined, arrived: fetchPage(token) });
      }
      yield page;
      if (!token) return;
    }
  }

  async getRun(runId: string, options: QueryOptions = {}): Promise<Run> {
    const response = await this.client.json<{ run: Run }>('GET', `${API}/runs/get`, { query: { run_id: runId }, signal: options.signal });
    return response.run;
  }

  async getMetricHistory(runId: string, metricKey: string, options: QueryOptions = {}): Promise<Metric[]> {
    const listing = await this.pages(`GET ${API}/metrics/get-history`, { signal: options.signal }, METRIC_HISTORY_PAGE, async (max_results, page_token) => {
      const query = { run_id: runId, metric_key: metricKey, max_results, page_token };
      const page = await this.client.json<{ metrics?: Metric[]; next_page_token?: string }>('GET', `${API}/metrics/get-history`, { query, signal: options.signal });
      return { items: page.metrics, next_page_token: page.next_page_token };
    });
    return [...listing.items];
  }

  /** Batches of 100 runs, the handler's limit; each batch's answer is appended in input order. */
  async getMetricHistoryBulkInterval(options: BulkIntervalOptions): Promise<Metric[]> {
    const metrics: Metric[] = [];
    for (let start = 0; start < options.runIds.length; start += BULK_INTERVAL_RUNS) {
      const query = {
        run_ids: options.runIds.slice(start, start + BULK_INTERVAL_RUNS),
        metric_key: options.metricKey,
        max_results: options.maxResults,
        start_step: options.startStep,
        end_step: options.endStep,
      };
      const page = await this.client.json<{ metrics?: Metric[] }>('GET', `${API}/metrics/get-history-bulk-interval`, { query, signal: options.signal });
      append(metrics, page.metrics);
    }
    return metrics;
  }

  async listArtifacts(runId: string, path?: string, options: QueryOptions = {}): Promise<ArtifactListing> {
    let rootUri = '';
    const listing = await this.pages(`GET ${API}/artifacts/list`, { signal: options.signal }, 0, async (_size, page_token) => {
      const query = { run_id: runId, path, page_token };
      const page = await this.client.json<{ root_uri?: string; files?: FileInfo[]; next_page_token?: string }>('GET', `${API}/artifacts/list`, { query, signal: options.signal });
      rootUri = page.root_uri ?? rootUri;
      return { items: page.files, next_page_token: page.next_page_token };
    });
    return { root_uri: rootUri, files: listing.items };
  }

  /** `/get-artifact` sits outside /api (mlflow/server/__init__.py) and answers the raw bytes. */
  readArtifact(runId: string, path: string, options: ReadArtifactOptions = {}): Promise<Uint8Array> {
    return this.client.bytes('/get-artifact', { query: { run_id: runId, path }, maxBytes: options.maxBytes, signal: options.signal });
  }

  /**
   * Through the server's artifact proxy when the run's artifacts are `mlflow-artifacts:` (a server
   * started with --serve-artifacts: the client needs no credentials of the object store), as
   * MLflow's MlflowArtifactsRepository downloads; else through `/get-artifact`.
   */
  async streamArtifact(runId: string, path: string, sink: ArtifactSink, options: StreamArtifactOptions = {}): Promise<number> {
    const proxied = proxiedPath(await this.artifactRoot(runId, options.signal), this.client.host);
    const stream = { open: (size: number | undefined) => asWritable(sink(size)), onData: options.onData, signal: options.signal };
    if (proxied === undefined) return this.client.stream('/get-artifact', { ...stream, query: { run_id: runId, path } });
    const segments = [...proxied.split('/'), ...path.split('/')].filter((segment) => segment !== '');
    return this.client.stream(`${ARTIFACT_PROXY}/${segments.map(encodeURIComponent).join('/')}`, stream);
  }

  private async artifactRoot(runId: string, signal: AbortSignal | undefined): Promise<string> {
    const known = this.artifactRoots.get(runId);
    if (known !== undefined) return known;
    const root = (await this.getRun(runId, { signal })).info.artifact_uri ?? '';
    if (this.artifactRoots.size >= ARTIFACT_ROOTS) this.artifactRoots.delete(this.artifactRoots.keys().next().value!);
    this.artifactRoots.set(runId, root);
    return root;
  }

  readLoggedModelArtifact(modelId: string, path: string, options: ReadArtifactOptions = {}): Promise<Uint8Array> {
    // The route MLflow's own UI uses (ajax-api): the REST API proper has no download for logged models.
    const route = `/ajax-api/2.0/mlflow/logged-models/${encodeURIComponent(modelId)}/artifacts/files`;
    return this.client.bytes(route, { query: { artifact_file_path: path }, maxBytes: options.maxBytes, signal: options.signal });
  }

  /** The page size is the store's default: the handler sets none, and the token embeds the query. */
  async searchLoggedModels(options: SearchLoggedModelsOptions): Promise<Listing<LoggedModel>> {
    if (options.experimentIds.length === 0) return { items: [], problems: [] };
    return this.pages(`POST ${API}/logged-models/search`, { signal: options.signal }, 0, async (_size, page_token) => {
      const body = { experiment_ids: options.experimentIds, page_token };
      const page = await this.client.json<{ models?: LoggedModel[]; next_page_token?: string }>('POST', `${API}/logged-models/search`, { body, signal: options.signal });
      return { items: page.models, next_page_token: page.next_page_token };
    });
  }

  searchRegisteredModels(options: PageOptions = {}): Promise<Listing<RegisteredModel>> {
    return this.pages(`GET ${API}/registered-models/search`, options, REGISTERED_MODELS_PAGE, async (max_results, page_token) => {
      const query = { filter: options.filter, max_results, order_by: options.orderBy, page_token };
      const page = await this.client.json<{ registered_models?: RegisteredModel[]; next_page_token?: string }>('GET', `${API}/registered-models/search`, { query, signal: options.signal });
      return { items: page.registered_models, next_page_token: page.next_page_token };
    });
  }

  searchModelVersions(options: PageOptions = {}): Promise<Listing<ModelVersion>> {
    return this.pages(`GET ${API}/model-versions/search`, options, MODEL_VERSIONS_PAGE, async (max_results, page_token) => {
      const query = { filter: options.filter, max_results, order_by: options.orderBy, page_token };
      const page = await this.client.json<{ model_versions?: ModelVersion[]; next_page_token?: string }>('GET', `${API}/model-versions/search`, { query, signal: options.signal });
      return { items: page.model_versions, next_page_token: page.next_page_token };
    });
  }

  dispose(): void {
    this.client.dispose();
  }

  /**
   * With `maxResults`: that one page and its token. Without: every page from `pageToken` on, at
   * `pageSize` (0: the server's default). Pages are fetched one after the other, never ahead,
   * and a server that stops advancing (PageGuard) ends the listing with an error, not a loop.
   */
  private async pages<T>(
    endpoint: string,
    options: PageOptions,
    pageSize: number,
    fetchPage: (maxResults: number | undefined, pageToken: string | undefined) => Promise<Page<T>>,
  ): Promise<Listing<T>> {
    if (options.maxResults !== undefined) {
      const page = await fetchPage(options.maxResults, options.pageToken);
      const items = [...(page.items ?? [])];
      return page.next_page_token ? { items, problems: [], nextPageToken: page.next_page_token } : { items, problems: [] };
    }
    const items: T[] = [];
    const guard = new PageGuard(this.client.host, endpoint, options.pageToken);
    let token = options.pageToken;
    do {
      const page = await fetchPage(pageSize || undefined, token);
      append(items, page.items);
      token = page.next_page_token || undefined;
      if (token !== undefined) guard.next(token, page.items ?? []);
    } while (token);
    return { items, problems: [] };
  }
}

/**
 * The path part of a `mlflow-artifacts:` URI (`mlflow-artifacts:/0/RUN/artifacts` or with this
 * server as authority), which the proxy route takes; undefined for any other scheme.
 */
export function proxiedPath(artifactUri: string, host: string): string | undefined {
  const match = /^mlflow-artifacts:(?:\/\/([^/]*))?(\/.*)?$/i.exec(artifactUri);
  if (!match) return undefined;
  const [, authority, path = '/'] = match;
  if (authority && authority.toLowerCase() !== host.toLowerCase()) {
    throw new TrackingError('unsupported-uri', `The artifacts at ${artifactUri} are served by ${authority}, not by the tracking server ${host}`, artifactUri);
  }
  return decodeURIComponent(path).replace(/^\/+/, '');
}

/** A loop, not push(...page): a page of 50000 runs would overflow the argument stack. */
function append<T>(target: T[], page: readonly T[] | undefined): void {
  for (const item of page ?? []) target.push(item);
}
