/**
 * RestTrackingStore against a real `mlflow server` (SQLite in a temp folder), filled through the
 * server by MLflow's own client; every answer must equal what MlflowClient(url) returns,
 * serialised as the server's handler serialises it (test/support/mlflow_rest_reference.py).
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { TrackingError, type TrackingErrorReason } from '../../src/core/tracking/errors.js';
import type { Run } from '../../src/core/tracking/entities.js';
import { loadRestOptions, restOptionsFromEnvironment } from '../../src/core/tracking/rest/environment.js';
import type { CredentialsRequest } from '../../src/core/tracking/rest/http.js';
import { RestTrackingStore } from '../../src/core/tracking/rest/restStore.js';
import { jsonDiff } from './jsonDiff';
import { runCli } from '../support/fixtures';
import { startMlflowServer, type MlflowServer } from '../support/mlflowServer';
import { startTlsProxy, type TlsProxy } from '../support/tlsProxy';
import { env, pythonEnv, REPO_ROOT } from '../support/python';

interface Populated {
  readonly experiments: Readonly<Record<'contract-main' | 'contract-other', string>>;
  readonly runs: Readonly<Record<string, string>>;
  readonly logged_model: string;
}

const SCRIPT = join(REPO_ROOT, 'test', 'support', 'mlflow_rest_reference.py');

async function reference(command: 'populate' | 'query', url: string, input = ''): Promise<unknown> {
  const python = await pythonEnv();
  const child = spawn(python.python, [SCRIPT, command, '--tracking-uri', url], { env: env(python, { MLFLOW_TRACKING_URI: url }), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin.end(input);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`mlflow_rest_reference.py ${command} exited ${code}:\n${stderr}`);
  return JSON.parse(stdout);
}

/** Protobuf JSON leaves out empty repeated fields: so does the reference. */
function response<K extends string, T>(key: K, items: readonly T[]): Partial<Record<K, readonly T[]>> {
  return (items.length === 0 ? {} : { [key]: items }) as Partial<Record<K, readonly T[]>>;
}

function rejectsWith(reason: TrackingErrorReason, pattern?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof TrackingError, `expected a TrackingError, got ${String(error)}`);
    assert.equal(error.reason, reason, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

/**
 * The server leaves unset registry and logged-model fields out of its JSON; MlflowClient's
 * entities turn them into proto defaults when they are serialised again (ModelVersion.user_id '',
 * RegisteredModel.deployment_job_state UNSPECIFIED, LoggedModel.status_message ''). Those are not
 * what the server said, so the reference drops them.
 */
function withoutClientDefaults(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutClientDefaults);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).filter(
    ([key, field]) => !((key === 'user_id' || key === 'status_message') && field === '') && !(key === 'deployment_job_state' && field === 'DEPLOYMENT_JOB_CONNECTION_STATE_UNSPECIFIED'),
  );
  return Object.fromEntries(entries.map(([key, field]) => [key, withoutClientDefaults(field)]));
}

const names = (runs: readonly Run[]): (string | undefined)[] => runs.map((run) => run.info.run_name);

let server: MlflowServer;
let authStarting: Promise<MlflowServer> | undefined;
let ids: Populated;
let store: RestTrackingStore;
let main: string;
let expected: Record<string, any>;

before(
  async () => {
    // Both start at once (~15 s each); the auth server is awaited by its own tests only.
    authStarting = startMlflowServer({ basicAuth: true });
    authStarting.catch(() => undefined);
    server = await startMlflowServer();
    ids = (await reference('populate', server.url)) as Populated;
    main = ids.experiments['contract-main'];
    const both = [main, ids.experiments['contract-other']];
    const queries = {
      experiments: { kind: 'experiments' },
      runs: { kind: 'runs', experiment_ids: both },
      filtered: { kind: 'runs', experiment_ids: [main], filter: 'metrics.acc > 0.5', order_by: ['metrics.acc DESC'] },
      oddRun: { kind: 'run', run_id: ids.runs['odd-values'] },
      alphaRun: { kind: 'run', run_id: ids.runs['alpha'] },
      history: { kind: 'history', run_id: ids.runs['alpha'], key: 'loss' },
      registeredModels: { kind: 'registered_models' },
      modelVersions: { kind: 'model_versions' },
      loggedModels: { kind: 'logged_models', experiment_ids: [main] },
      artifacts: { kind: 'artifact_tree', run_id: ids.runs['odd-values'] },
    };
    const answers = (await reference('query', server.url, JSON.stringify(Object.values(queries)))) as unknown[];
    expected = Object.fromEntries(Object.keys(queries).map((key, index) => [key, answers[index]]));
    store = new RestTrackingStore(server.url);
  },
  { timeout: 240_000 },
);

after(async () => {
  store?.dispose();
  const auth = await authStarting?.catch(() => undefined);
  await Promise.all([server?.stop(), auth?.stop()]);
});

describe('a plain server', () => {
  test("experiments and runs equal MlflowClient's, in MLflow's order", async () => {
    assert.deepEqual(response('experiments', (await store.searchExperiments()).items), expected['experiments']);
    const runs = await store.searchRuns({ experimentIds: [main, ids.experiments['contract-other']] });
    assert.deepEqual(response('runs', runs.items), expected['runs']);
    assert.equal(runs.items.length, 8);
    assert.equal(runs.nextPageToken, undefined);
  });

  test('a filter and an order are pushed down and answer what MLflow answers', async () => {
    const runs = await store.searchRuns({ experimentIds: [main], filter: 'metrics.acc > 0.5', orderBy: ['metrics.acc DESC'] });
    assert.deepEqual(response('runs', runs.items), expected['filtered']);
    assert.deepEqual(names(runs.items), ['gamma', 'epsilon', 'beta', 'delta', 'child']);
  });

  test('pages of two runs, token after token, are the same runs as one page', async () => {
    const pages: Run[][] = [];
    let pageToken: string | undefined;
    do {
      const page = await store.searchRuns({ experimentIds: [main, ids.experiments['contract-other']], maxResults: 2, pageToken });
      pages.push([...page.items]);
      pageToken = page.nextPageToken;
    } while (pageToken);
    assert.deepEqual(
      pages.map((page) => page.length),
      [2, 2, 2, 2],
    );
    assert.deepEqual(response('runs', pages.flat()), expected['runs']);
  });

  test('getRun passes the JSON through: NaN as "NaN", infinities as the ±DBL_MAX SQLite stored', async () => {
    const run = await store.getRun(ids.runs['odd-values']!);
    assert.deepEqual({ run }, expected['oddRun']);
    assert.deepEqual({ run: await store.getRun(ids.runs['alpha']!) }, expected['alphaRun']);
    const values = Object.fromEntries((run.data.metrics ?? []).map((metric) => [metric.key, metric.value]));
    assert.deepEqual(values, { nan_metric: 'NaN', inf_metric: 1.7976931348623157e308, neg_inf_metric: -1.7976931348623157e308 });
  });

  test("metric history equals MlflowClient.get_metric_history's", async () => {
    const history = await store.getMetricHistory(ids.runs['alpha']!, 'loss');
    assert.deepEqual({ metrics: history }, expected['history']);
    assert.deepEqual(
      history.map((metric) => metric.step),
      [0, 1, 2, 3, 4, 5],
    );
  });

  test("registered models, model versions and logged models equal MlflowClient's, less the defaults its entities add", async () => {
    const registered = response('registered_models', (await store.searchRegisteredModels()).items);
    const versions = response('model_versions', (await store.searchModelVersions()).items);
    const logged = await store.searchLoggedModels({ experimentIds: [main] });
    assert.deepEqual(registered, withoutClientDefaults(expected['registeredModels']));
    assert.deepEqual(versions, withoutClientDefaults(expected['modelVersions']));
    assert.deepEqual(response('models', logged.items), withoutClientDefaults(expected['loggedModels']));
    assert.equal(logged.items[0]?.info.model_id, ids.logged_model);
    // Exactly these defaults, no other difference: the server's JSON is what passes through.
    assert.deepEqual(jsonDiff(registered, expected['registeredModels']), [
      '$.registered_models[0].deployment_job_state: missing, MLflow has "DEPLOYMENT_JOB_CONNECTION_STATE_UNSPECIFIED"',
      '$.registered_models[1].latest_versions[0].user_id: missing, MLflow has ""',
      '$.registered_models[1].deployment_job_state: missing, MLflow has "DEPLOYMENT_JOB_CONNECTION_STATE_UNSPECIFIED"',
    ]);
  });

  test('sampled histories of several runs carry their run ids', async () => {
    const metrics = await store.getMetricHistoryBulkInterval({ runIds: [ids.runs['alpha']!, ids.runs['beta']!], metricKey: 'loss', maxResults: 2500 });
    assert.deepEqual(
      metrics.map((metric) => [metric.run_id === ids.runs['alpha'] ? 'alpha' : 'beta', metric.step]).sort(),
      ['alpha', 'beta'].flatMap((name) => [0, 1, 2, 3, 4, 5].map((step) => [name, step])),
    );
  });

  test("every artifact folder lists, and every file reads, as MlflowClient's list_artifacts and download_artifacts", async () => {
    const runId = ids.runs['odd-values']!;
    const tree = expected['artifacts'] as { listings: Record<string, unknown>; files: Record<string, { size: number; base64: string }> };
    // The populated tree: nested folders, an empty file, a non-ASCII name, binary bytes.
    assert.deepEqual(Object.keys(tree.listings).sort(), ['', 'data', 'notes', 'notes/deep']);
    assert.ok(Object.keys(tree.files).length >= 5, JSON.stringify(Object.keys(tree.files)));
    for (const [path, listing] of Object.entries(tree.listings)) {
      assert.deepEqual(await store.listArtifacts(runId, path === '' ? undefined : path), listing, `listing of '${path}'`);
    }
    for (const [path, file] of Object.entries(tree.files)) {
      const bytes = Buffer.from(await store.readArtifact(runId, path));
      assert.equal(bytes.byteLength, file.size, `size of ${path}`);
      assert.equal(bytes.toString('base64'), file.base64, `content of ${path}`);
    }
  });

  test('a read over maxBytes is refused at the size MLflow reports; a path MLflow does not list is not found', async () => {
    const runId = ids.runs['odd-values']!;
    const tree = expected['artifacts'] as { files: Record<string, { size: number }> };
    const [path, { size }] = Object.entries(tree.files).sort(([, a], [, b]) => b.size - a.size)[0]!;
    assert.equal((await store.readArtifact(runId, path, { maxBytes: size })).byteLength, size);
    await assert.rejects(store.readArtifact(runId, path, { maxBytes: size - 1 }), rejectsWith('too-large', new RegExp(`${size} bytes`)));
    assert.equal(tree.files['notes/nope.txt'], undefined);
    await assert.rejects(store.readArtifact(runId, 'notes/nope.txt'), rejectsWith('not-found', /RESOURCE_DOES_NOT_EXIST: No such artifact/));
  });

  test("MLflow's errors keep their reason and message", async () => {
    await assert.rejects(store.getRun('nope'), rejectsWith('not-found', /answered 404 to GET \/api\/2.0\/mlflow\/runs\/get: RESOURCE_DOES_NOT_EXIST: Run with id=nope not found$/));
    await assert.rejects(store.searchRuns({ experimentIds: [main], maxResults: 50_001 }), rejectsWith('invalid-argument', /INVALID_PARAMETER_VALUE: Invalid value 50001 for parameter 'max_results'/));
    await assert.rejects(store.searchRuns({ experimentIds: [main], filter: 'metrics.acc >>> 1' }), rejectsWith('invalid-argument', /INVALID_PARAMETER_VALUE/));
  });
});

describe('a server with basic auth', () => {
  let url: string;
  let user: string;
  let password: string;
  before(async () => {
    const authServer = await authStarting!;
    url = authServer.url;
    user = authServer.adminUser!;
    password = authServer.adminPassword!;
  });

  test("no credentials is 'unauthenticated'", async () => {
    const anonymous = new RestTrackingStore(url);
    await assert.rejects(anonymous.searchExperiments(), rejectsWith('unauthenticated', /answered 401 to POST \/api\/2.0\/mlflow\/experiments\/search/));
    anonymous.dispose();
  });

  test('the right credentials from the environment, or from ~/.mlflow/credentials, are let in', async () => {
    const fromEnvironment = restOptionsFromEnvironment({ MLFLOW_TRACKING_USERNAME: user, MLFLOW_TRACKING_PASSWORD: password });
    const fromFile = restOptionsFromEnvironment({}, `[mlflow]\nmlflow_tracking_username = ${user}\nmlflow_tracking_password = ${password}\n`);
    for (const options of [fromEnvironment, fromFile]) {
      const admin = new RestTrackingStore(url, options);
      assert.deepEqual(
        (await admin.searchExperiments()).items.map((experiment) => experiment.name),
        ['Default'],
      );
      admin.dispose();
    }
  });

  test("a wrong password is 'unauthenticated', and the credentials callback is asked once and used", async () => {
    const wrong = new RestTrackingStore(url, restOptionsFromEnvironment({ MLFLOW_TRACKING_USERNAME: user, MLFLOW_TRACKING_PASSWORD: 'wrong' }));
    await assert.rejects(wrong.searchExperiments(), rejectsWith('unauthenticated'));
    wrong.dispose();
    let asked = 0;
    const credentials = async () => (asked++, { username: user, password: password });
    const prompted = new RestTrackingStore(url, { credentials });
    assert.equal((await prompted.searchExperiments()).items.length, 1);
    assert.equal((await prompted.searchRegisteredModels()).items.length, 0);
    assert.equal(asked, 1);
    prompted.dispose();
  });
});

describe('TLS with a custom CA (MLFLOW_TRACKING_SERVER_CERT_PATH), through an HTTPS proxy with a CA made by openssl', () => {
  let proxy: TlsProxy;
  before(async () => {
    proxy = await startTlsProxy(server.url);
  });
  after(() => proxy?.stop());

  test('the CA bundle from the environment lets us in; the answer is the plain server\'s', async () => {
    const secure = new RestTrackingStore(proxy.url, restOptionsFromEnvironment({ MLFLOW_TRACKING_SERVER_CERT_PATH: proxy.caPath }));
    const before = proxy.forwarded();
    assert.deepEqual(response('experiments', (await secure.searchExperiments()).items), expected['experiments']);
    assert.ok(proxy.forwarded() > before);
    secure.dispose();
  });

  test("without it, the self-made CA is refused as a typed 'network' error naming the certificate problem; MLFLOW_TRACKING_INSECURE_TLS skips the check", async () => {
    const plain = new RestTrackingStore(proxy.url, restOptionsFromEnvironment({}));
    await assert.rejects(plain.searchExperiments(), rejectsWith('network', /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|self.signed certificate/i));
    plain.dispose();
    const insecure = new RestTrackingStore(proxy.url, restOptionsFromEnvironment({ MLFLOW_TRACKING_INSECURE_TLS: 'true' }));
    assert.equal((await insecure.searchExperiments()).items.length, (expected['experiments'] as { experiments: unknown[] }).experiments.length);
    insecure.dispose();
  });

  test("the CLI with MLFLOW_TRACKING_SERVER_CERT_PATH prints what MLflow's own client gets through the same proxy and CA", async () => {
    const python = await pythonEnv();
    const environment = { ...process.env, MLFLOW_TRACKING_SERVER_CERT_PATH: proxy.caPath };
    const ours = await runCli(['experiments', '--tracking-uri', proxy.url, '--json'], { env: environment });
    assert.equal(ours.code, 0, ours.stderr);
    const script = 'import json, sys; from mlflow import MlflowClient; print(json.dumps(sorted(e.name for e in MlflowClient(sys.argv[1]).search_experiments())))';
    const { stdout } = await promisify(execFile)(python.python, ['-c', script, proxy.url], { env: env(python, { MLFLOW_TRACKING_SERVER_CERT_PATH: proxy.caPath }) });
    const names = (JSON.parse(ours.stdout) as { experiments: { name: string }[] }).experiments.map((e) => e.name).sort();
    assert.deepEqual(names, JSON.parse(stdout.trim().split('\n').at(-1)!));
  });
});

describe('a session whose password changes on the server (basic auth)', () => {
  let url: string;
  let admin: RestTrackingStore;
  before(async () => {
    const authServer = await authStarting!;
    url = authServer.url;
    admin = new RestTrackingStore(url, { auth: { username: authServer.adminUser!, password: authServer.adminPassword! } });
  });
  after(() => admin?.dispose());

  test('loadRestOptions reads ~/.mlflow/credentials of the home it is given, under the environment', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mlw-home-'));
    mkdirSync(join(home, '.mlflow'));
    const authServer = await authStarting!;
    writeFileSync(join(home, '.mlflow', 'credentials'), `[mlflow]\nmlflow_tracking_username = ${authServer.adminUser}\nmlflow_tracking_password = ${authServer.adminPassword}\n`);
    const fromFile = new RestTrackingStore(url, await loadRestOptions({ env: {}, home }));
    assert.deepEqual((await fromFile.searchExperiments()).items.map((e) => e.name), ['Default']);
    fromFile.dispose();
    const overridden = new RestTrackingStore(url, await loadRestOptions({ env: { MLFLOW_TRACKING_PASSWORD: 'not it' }, home }));
    await assert.rejects(overridden.searchExperiments(), (error: unknown) => {
      rejectsWith('unauthenticated')(error);
      assert.equal((error as TrackingError).authentication?.sent, 'given');
      return true;
    });
    overridden.dispose();
    rmSync(home, { recursive: true, force: true });
  });

  test('a 401 mid-session asks the callback once (told the last answer was refused), retries, and carries on', async () => {
    const user = `ada-${Date.now()}`;
    let password = 'first-Password-1';
    await admin.client.json('POST', '/api/2.0/mlflow/users/create', { body: { username: user, password } });
    const requests: CredentialsRequest[] = [];
    const store = new RestTrackingStore(url, { credentials: async (request) => (requests.push(request), { username: user, password }) });
    assert.deepEqual((await store.searchExperiments()).items.map((e) => e.name), ['Default']);
    assert.equal((await store.searchExperiments()).items.length, 1);
    assert.deepEqual(requests, [{ host: new URL(url).host, scheme: 'Basic', realm: 'mlflow', refused: false }]);
    // The administrator changes the password while the session goes on.
    password = 'second-Password-2';
    await admin.client.json('PATCH', '/api/2.0/mlflow/users/update-password', { body: { username: user, password } });
    assert.equal((await store.searchExperiments()).items.length, 1);
    assert.deepEqual(
      requests.map((r) => r.refused),
      [false, true],
    );
    store.dispose();
    // A wrong answer: the 401 is typed, and says that what was entered was refused.
    const declined = new RestTrackingStore(url, { credentials: async () => ({ username: user, password: 'wrong' }) });
    await assert.rejects(declined.searchExperiments(), (error: unknown) => {
      rejectsWith('unauthenticated', /refused the credentials entered/)(error);
      assert.deepEqual((error as TrackingError).authentication, { scheme: 'Basic', realm: 'mlflow', sent: 'asked' });
      return true;
    });
    declined.dispose();
  });
});
