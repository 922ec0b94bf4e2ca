/**
 * Team scale in a real VS Code (code-server + Chromium) against the team rig the contract tests use
 * (scripts/team-server.mjs: PostgreSQL, moto's S3 API, `mlflow server --serve-artifacts` to S3):
 * - the Runs view lists the runs of the PostgreSQL-backed server, as MLflow's client finds them;
 * - the Data view's remote badges equal what real `dvc status -c --json` says, before and after a
 *   Push of one path (from its context menu) and of everything (from the palette, with its progress
 *   notification on screen: screenshots), and a Fetch of a path the cache lost, the S3 credentials
 *   coming from the environment only, and a Pull over an edited file (asked first, then the
 *   recorded bytes back from the remote);
 * - an artifact downloaded through the server's proxy lands byte for byte.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { startTeamServer, type TeamServer } from '../support/teamServer';
import { pythonEnv } from '../support/python';
import { demoProject, dvc, git, toolEnv } from './support/dvcProject';
import { removeTree } from './support/processes';
import { answerDialog, contextMenu, mlflowClient, notification, setPaneExpanded } from './support/interactions';
import { expandPath, poll, quickInput, rowLocator, rows, waitForPath, type Row } from './support/runsTree';
import { screenshotVariants } from './support/themes';
import { ensureVsix } from './support/vsix';
import { startWorkbench, type Workbench } from './support/workbench';

const CONTAINER = 'ML Workbench';
const DATA = 'Data';
const RUNS = 'Runs';
const EXPERIMENT = 'team-e2e';
/** Enough small files that pushing them all takes a while (the progress is on screen for the shots). */
const MANY_FILES = 1500;

let rig: TeamServer;
let workbench: Workbench;
let project: string;
let runNames: string[] = [];
let artifactBytes: Buffer;

before(async () => {
  const python = (await pythonEnv()).python;
  const vsix = ensureVsix();
  [rig, project] = await Promise.all([startTeamServer(), demoProject()]);
  // A DVC remote on the rig's bucket; its credentials stay in the environment (never in a file).
  await dvc(project, 'remote', 'add', '-d', 'storage', rig.dvcRemoteUrl);
  await dvc(project, 'remote', 'modify', 'storage', 'endpointurl', rig.s3.endpointUrl);
  const many = join(project, 'data', 'many');
  mkdirSync(many, { recursive: true });
  for (let i = 0; i < MANY_FILES; i++) writeFileSync(join(many, `f${String(i).padStart(5, '0')}.txt`), `row ${i}\n`);
  await dvc(project, 'add', 'data/many');
  git(project, 'add', '.');
  git(project, '-c', 'user.name=e2e', '-c', 'user.email=e2e@example.com', 'commit', '-qm', 'a remote and many files');
  // Two runs on the server, one with an artifact uploaded through its proxy (to S3).
  artifactBytes = randomBytes(3 * 1024 * 1024);
  const upload = join(dirname(project), 'weights.bin');
  writeFileSync(upload, artifactBytes);
  runNames = await mlflowClient<string[]>(
    rig.trackingUri,
    [
      'experiment = client.create_experiment(args[0])',
      'names = []',
      'for name in ["baseline", "tuned"]:',
      '    run = client.create_run(experiment, run_name=name)',
      '    client.log_metric(run.info.run_id, "accuracy", 0.9 if name == "tuned" else 0.8)',
      '    if name == "tuned": client.log_artifact(run.info.run_id, args[1])',
      '    client.set_terminated(run.info.run_id)',
      '    names.append(name)',
      'out(names)',
    ].join('\n'),
    EXPERIMENT,
    upload,
  );
  workbench = await startWorkbench({
    workspace: project,
    vsix,
    env: { AWS_ACCESS_KEY_ID: rig.s3.accessKeyId, AWS_SECRET_ACCESS_KEY: rig.s3.secretAccessKey, AWS_DEFAULT_REGION: rig.s3.region },
    // The DOM terminal renderer: the task terminal's text is read from the page.
    settings: { 'mlWorkbench.python': python, 'mlWorkbench.trackingUri': rig.trackingUri, 'workbench.view.alwaysShowHeaderActions': true, 'terminal.integrated.gpuAcceleration': 'off' },
  });
  await workbench.openContainer(CONTAINER);
});

after(async () => {
  const problems = workbench?.extensionHostLog().split('\n').filter((line) => /\[(warning|error)\]/.test(line) && !/github|open-vsx|vsda|copilot/i.test(line));
  console.log(`[e2e team] extension log warnings/errors: ${problems?.length ? `\n${problems.join('\n')}` : 'none'}`);
  await workbench?.stop();
  await rig?.stop();
  if (project) await removeTree(dirname(project));
});

async function step(name: string, body: () => Promise<void>): Promise<void> {
  const started = Date.now();
  try {
    await body();
    console.log(`[e2e team] ${name}: passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    const shot = await workbench.screenshot(`team-${name}-failure`).catch((e: unknown) => `(no screenshot: ${String(e)})`);
    console.error(`[e2e team] ${name} failed; screenshot ${shot}\n${workbench.diagnostics()}\n----- rig -----\n${rig.output().slice(-4000)}`);
    throw error;
  }
}

/** What `dvc status -c --json` says, per tracked path as the Data view names it. */
async function dvcRemoteWords(paths: readonly string[]): Promise<Map<string, string>> {
  const { stdout } = await promisify(execFile)('dvc', ['status', '--cloud', '--json'], { cwd: project, env: { ...toolEnv(), ...rig.s3Env }, maxBuffer: 16 << 20 });
  const json = JSON.parse(stdout) as Record<string, 'new' | 'deleted' | 'missing'>;
  const words = new Map<string, string>();
  for (const path of paths) {
    const states = Object.entries(json).filter(([name]) => name === path || name.startsWith(`${path}/`)).map(([, state]) => state);
    words.set(path, states.includes('missing') ? 'remote: missing' : states.includes('new') ? 'remote: not pushed' : states.includes('deleted') ? 'remote: not in cache' : 'remote: in sync');
  }
  return words;
}

const remoteWord = (row: Row): string => /remote: [^·]+/.exec(row.description)?.[0].trim() ?? '(none)';
const CACHED = ['data/raw.csv', 'data/prepared', 'data/many', 'models/model.pkl'];

/** Waits until every cached path's badge is what real DVC says. */
async function badgesMatchDvc(what: string): Promise<Row[]> {
  const expected = await dvcRemoteWords(CACHED);
  const all = await poll(
    () => rows(workbench, DATA).catch(() => []),
    (shown) => CACHED.every((path) => { const row = shown.find((r) => r.label === path); return row !== undefined && remoteWord(row) === expected.get(path); }),
    120_000,
    250,
  );
  const shown = new Map(all.map((r) => [r.label, remoteWord(r)]));
  assert.deepEqual(Object.fromEntries(CACHED.map((p) => [p, shown.get(p)])), Object.fromEntries(expected), `${what}: badges as dvc status -c says`);
  return all;
}

test('team rig: runs from PostgreSQL, DVC remote badges and pushes, artifact download through the proxy', { timeout: 15 * 60_000 }, async () => {
  await step('runs-from-postgres', async () => {
    await expandPath(workbench, RUNS, [EXPERIMENT]);
    const shown = (await poll(() => rows(workbench, RUNS), (all) => runNames.every((name) => all.some((r) => r.label === name)), 60_000)).filter((r) => r.level === 2).map((r) => r.label);
    assert.deepEqual([...shown].sort(), [...runNames].sort(), 'the runs MLflow logged to the PostgreSQL-backed server');
  });

  await step('badges-before-push', async () => {
    await setPaneExpanded(workbench, RUNS, false);
    await setPaneExpanded(workbench, DATA, true);
    const all = await badgesMatchDvc('before any push');
    for (const path of CACHED) assert.equal(remoteWord(all.find((r) => r.label === path)!), 'remote: not pushed', path);
    const uncached = all.find((r) => r.label === 'models/mlflow_run.json');
    assert.equal(uncached && remoteWord(uncached), 'remote: —', 'an output with cache: false is not in dvc status -c');
    await screenshotVariants(workbench, 'team-badges-before');
  });

  await step('push-one-path', async () => {
    const row = await waitForPath(workbench, DATA, ['data/raw.csv']);
    await contextMenu(workbench.page, rowLocator(workbench, DATA, row), 'Push to DVC Remote');
    await poll(() => rows(workbench, DATA), (all) => remoteWord(all.find((r) => r.label === 'data/raw.csv')!) === 'remote: in sync', 120_000);
    const all = await badgesMatchDvc('after pushing data/raw.csv');
    assert.equal(remoteWord(all.find((r) => r.label === 'data/many')!), 'remote: not pushed', 'the other paths are not pushed');
  });

  await step('push-all-in-progress', async () => {
    await workbench.runCommand('ML Workbench: Push to DVC Remote');
    await notification(workbench.page, /Pushing all tracked data to the DVC remote/, 60_000);
    await screenshotVariants(workbench, 'team-push-in-progress');
    // DVC holds its repo lock while it pushes: ask it only once the view says the push is over.
    const inSync = (all: Row[]): boolean => CACHED.every((path) => { const row = all.find((r) => r.label === path); return row !== undefined && remoteWord(row) === 'remote: in sync'; });
    const shown = await poll(() => rows(workbench, DATA).catch(() => []), inSync, 600_000, 500);
    assert.ok(inSync(shown), `every cached path in sync after Push; rows: ${JSON.stringify(shown.map((r) => `${r.label} [${r.description}]`))}`);
    const all = await badgesMatchDvc('after pushing everything');
    for (const path of CACHED) assert.equal(remoteWord(all.find((r) => r.label === path)!), 'remote: in sync', path);
    await screenshotVariants(workbench, 'team-badges-after');
  });

  await step('fetch-one-path', async () => {
    // The cache loses data/raw.csv's object (as on a fresh clone): the remote has it, the cache not.
    const md5 = /md5: ([0-9a-f]{32})/.exec(readFileSync(join(project, 'data', 'raw.csv.dvc'), 'utf8'))![1]!;
    rmSync(join(project, '.dvc', 'cache', 'files', 'md5', md5.slice(0, 2), md5.slice(2)));
    await workbench.runCommand('ML Workbench: Refresh Data');
    await poll(() => rows(workbench, DATA), (all) => remoteWord(all.find((r) => r.label === 'data/raw.csv')!) === 'remote: not in cache', 120_000);
    await badgesMatchDvc('after the cache lost data/raw.csv');
    const row = await waitForPath(workbench, DATA, ['data/raw.csv']);
    await contextMenu(workbench.page, rowLocator(workbench, DATA, row), 'Fetch from DVC Remote (Cache Only)');
    await poll(() => rows(workbench, DATA), (all) => remoteWord(all.find((r) => r.label === 'data/raw.csv')!) === 'remote: in sync', 120_000);
    await badgesMatchDvc('after fetching data/raw.csv');
  });

  await step('pull-over-a-modified-file', async () => {
    // The workspace copy is edited and the cache lost its object again: Pull asks before it
    // replaces the edit, then brings the recorded bytes back from the remote (dvc pull --force).
    const file = join(project, 'data', 'raw.csv');
    const recorded = readFileSync(file);
    const md5 = /md5: ([0-9a-f]{32})/.exec(readFileSync(join(project, 'data', 'raw.csv.dvc'), 'utf8'))![1]!;
    rmSync(join(project, '.dvc', 'cache', 'files', 'md5', md5.slice(0, 2), md5.slice(2)));
    writeFileSync(file, 'edited,in,the,workspace\n');
    await workbench.runCommand('ML Workbench: Refresh Data');
    const rawState = (all: Row[]): string => all.find((r) => r.label === 'data/raw.csv')?.description ?? '';
    // As `dvc status` says: not in cache (the record's object is gone), whatever the workspace holds.
    const lost = /(^|· )not in cache( ·|$)/;
    assert.match(rawState(await poll(() => rows(workbench, DATA), (all) => lost.test(rawState(all)), 120_000)), lost);
    const row = await waitForPath(workbench, DATA, ['data/raw.csv']);
    await contextMenu(workbench.page, rowLocator(workbench, DATA, row), 'Pull from DVC Remote');
    assert.match(await answerDialog(workbench.page, 'Pull and Replace'), /Pull over modified data\?/);
    const restored = await poll(async () => readFileSync(file), (bytes) => bytes.equals(recorded), 120_000, 500);
    assert.ok(restored.equals(recorded), 'the recorded version, byte for byte, from the remote');
    const synced = /(^|· )in sync · .*remote: in sync/;
    assert.match(rawState(await poll(() => rows(workbench, DATA), (all) => synced.test(rawState(all)), 120_000)), synced);
    await badgesMatchDvc('after pulling data/raw.csv over an edit');
  });

  await step('artifact-download-through-proxy', async () => {
    await setPaneExpanded(workbench, DATA, false);
    await setPaneExpanded(workbench, RUNS, true);
    await expandPath(workbench, RUNS, [EXPERIMENT, 'tuned']);
    await expandPath(workbench, RUNS, [EXPERIMENT, 'tuned', 'Artifacts']);
    const row = await waitForPath(workbench, RUNS, [EXPERIMENT, 'tuned', 'Artifacts', 'weights.bin']);
    await contextMenu(workbench.page, rowLocator(workbench, RUNS, row), 'Download…');
    const input = quickInput(workbench.page);
    await input.waitFor({ state: 'visible' });
    // The simple file dialog opens at the workspace folder: accept it.
    await poll(() => input.inputValue(), (value) => value.replace(/\/$/, '').endsWith(project), 15_000);
    await workbench.page.keyboard.press('Enter');
    const target = join(project, 'weights.bin');
    const downloaded = await poll(async () => (existsSync(target) ? readFileSync(target) : Buffer.alloc(0)), (bytes) => bytes.length === artifactBytes.length, 120_000);
    assert.ok(downloaded.equals(artifactBytes), 'the artifact, byte for byte, through the server proxy');
    await notification(workbench.page, /Downloaded weights\.bin \(1 file\)/, 30_000);
  });

  await step('start-team-server-task', async () => {
    // The palette's helper task: the same script as this test's rig, in a terminal of its own, with
    // the folder's interpreter (mlWorkbench.python). It prints where everything listens.
    // Rig folders: /tmp (where the script puts one when PostgreSQL runs as its own user and the
    // workbench's temp folder is private, as this sandbox's is) and the sandboxes' temp folders.
    const rigFolders = (): string[] =>
      ['/tmp', ...readdirSync('/tmp').filter((n) => n.startsWith('mlwb-e2e-')).map((n) => join('/tmp', n, 'tmp'))].flatMap((base) => {
        try {
          return readdirSync(base).filter((n) => n.startsWith('mlw-team-')).map((n) => join(base, n));
        } catch {
          return [];
        }
      });
    const before = new Set(rigFolders());
    await workbench.runCommand('ML Workbench: Start Team Server (local)');
    const terminalText = (): Promise<string> => workbench.page.locator('.terminal-wrapper .xterm-rows').allInnerTexts().then((t) => t.join('\n').replace(/\u00a0/g, ' '));
    const printed = /export MLFLOW_TRACKING_URI=(http:\/\/127\.0\.0\.1:\d+)/;
    const started = await poll(terminalText, (text) => printed.test(text), 240_000, 1000);
    const uri = printed.exec(started)?.[1];
    assert.ok(uri, `the task's terminal prints the tracking URI; it shows:\n${started.slice(-3000)}`);
    const made = rigFolders().filter((f) => !before.has(f));
    assert.equal(made.length, 1, `one new rig folder: ${JSON.stringify(made)}`);
    const folder = made[0]!;
    assert.notEqual(uri, rig.trackingUri, 'a rig of its own, on another port');
    // MLflow's own client works against it (PostgreSQL behind it).
    const experiment = await mlflowClient<string>(uri, 'out(client.create_experiment("from-the-task"))');
    assert.match(experiment, /^\d+$/);
    await workbench.screenshot('team-start-task');
    // Killing its terminal stops the rig and removes what it stored.
    await workbench.runCommand('Terminal: Kill the Active Terminal Instance');
    const up = async (): Promise<boolean> => fetch(`${uri}/health`, { signal: AbortSignal.timeout(2_000) }).then(() => true, () => false);
    await poll(async () => (await up()) || existsSync(folder), (alive) => !alive, 60_000, 500);
    assert.equal(await up(), false, 'the server is stopped');
    assert.equal(existsSync(folder), false, 'its folder is removed');
  });
});
