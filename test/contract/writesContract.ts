/**
 * The TrackingWriter contract, run on a store by writes.test.ts (SQLite, file store, a plain
 * server) and teamServer.test.ts (the PostgreSQL + S3 server): each write goes through our writer,
 * then MLflow's own client reads the result back. Values that a shell or a Python literal would
 * interpret must arrive byte for byte, and nothing else may happen.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { TrackingError } from '../../src/core/tracking/errors.js';
import type { ModelVersion } from '../../src/core/tracking/entities.js';
import type { TrackingWriter } from '../../src/core/tracking/writes/writer.js';
import { env, pythonEnv } from '../support/python';

const execFileAsync = promisify(execFile);

/** What the writes need, made by MLflow's client in the store under test. */
const SETUP = `
import json, sys
import mlflow
from mlflow import MlflowClient
uri = sys.argv[1]
mlflow.set_tracking_uri(uri)
mlflow.set_registry_uri(uri)
c = MlflowClient(uri, registry_uri=uri)
exp = c.create_experiment("writes-contract")
runs = {}
for name in ("w-rename", "w-tags", "w-delete", "w-deleted-before"):
    run = c.create_run(exp, run_name=name)
    c.set_terminated(run.info.run_id)
    runs[name] = run.info.run_id
c.set_tag(runs["w-tags"], "to-delete", "x")
c.delete_run(runs["w-deleted-before"])
model = c.create_logged_model(exp, name="w-model", source_run_id=runs["w-tags"])
c.finalize_logged_model(model.model_id, "READY")
c.create_registered_model("w-registry", tags={"drop": "me"})
for _ in range(2):
    c.create_model_version("w-registry", "runs:/%s/model" % runs["w-tags"], run_id=runs["w-tags"], tags={"drop": "me"})
c.set_registered_model_alias("w-registry", "challenger", "1")
print(json.dumps({"runs": runs, "model_id": model.model_id}))
`;

/** MLflow's view of the runs and registered models named in argv[2]. */
const READ = `
import json, sys
import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
uri, spec = sys.argv[1], json.loads(sys.argv[2])
mlflow.set_tracking_uri(uri)
mlflow.set_registry_uri(uri)
c = MlflowClient(uri, registry_uri=uri)
out = {"runs": {}, "models": {}}
for rid in spec["runs"]:
    run = c.get_run(rid)
    out["runs"][rid] = {"name": run.info.run_name, "stage": run.info.lifecycle_stage, "tags": run.data.tags}
for name in spec["models"]:
    model = c.get_registered_model(name)
    aliases = {alias: str(version) for alias, version in model.aliases.items()}
    entry = {"description": model.description, "tags": model.tags, "aliases": aliases, "by_alias": {}, "versions": {}}
    for alias in spec["aliases"]:
        try:
            entry["by_alias"][alias] = str(c.get_model_version_by_alias(name, alias).version)
        except MlflowException:
            entry["by_alias"][alias] = None
    for v in c.search_model_versions("name = '%s'" % name):
        entry["versions"][str(v.version)] = {"description": v.description, "tags": v.tags, "source": v.source,
                                             "run_id": v.run_id, "model_id": v.model_id}
    out["models"][name] = entry
print(json.dumps(out))
`;

interface Setup {
  readonly runs: Record<'w-rename' | 'w-tags' | 'w-delete' | 'w-deleted-before', string>;
  readonly model_id: string;
}

interface RunView {
  readonly name: string;
  readonly stage: string;
  readonly tags: Record<string, string>;
}

interface ModelView {
  readonly description: string | null;
  readonly tags: Record<string, string>;
  readonly aliases: Record<string, string>;
  readonly by_alias: Record<string, string | null>;
  readonly versions: Record<string, { description: string | null; tags: Record<string, string>; source: string; run_id: string | null; model_id: string | null }>;
}

interface View {
  readonly runs: Record<string, RunView>;
  readonly models: Record<string, ModelView>;
}

async function mlflow(script: string, ...args: string[]): Promise<unknown> {
  const python = await pythonEnv();
  const { stdout } = await execFileAsync(python.python, ['-c', script, ...args], { cwd: tmpdir(), env: env(python), maxBuffer: 64 << 20 });
  // MLflow's client prints to stdout too ("View run … at …" for a server): the answer is the last line.
  return JSON.parse(stdout.trimEnd().split('\n').at(-1) ?? '') as unknown;
}

const marker = join(mkdtempSync(join(tmpdir(), 'mlw-writes-marker-')), 'pwned');
/** A shell would run these; Python's syntax would choke on them; MLflow must store them verbatim. */
const SHELL_VALUE = `'; rm -rf ~ #`;
const TRICKY_VALUE = `$(touch ${marker})\n\`touch ${marker}\`\r\n"double" 'single' \\ back\\slash\ttab ünïcode ✓ 🚀 %s {0} \\u0041\n`;
const TRICKY_NAME = `renamed "$(touch ${marker})" ü 🚀`;

export interface Target {
  readonly uri: string;
  readonly writer: TrackingWriter;
  readonly cleanup: () => Promise<void>;
}

export function writesContract(label: string, open: () => Promise<Target>): void {
  describe(`TrackingWriter on ${label}`, { timeout: 600_000 }, () => {
    let target: Target;
    let setup: Setup;
    let first: View;
    let second: View;
    const failures = new Map<string, unknown>();
    let created: ModelVersion | undefined;
    let createdAgain: ModelVersion | undefined;
    const timings: string[] = [];

    async function attempt<T>(name: string, write: () => Promise<T>): Promise<T | undefined> {
      const started = Date.now();
      try {
        return await write();
      } catch (error) {
        failures.set(name, error);
        return undefined;
      } finally {
        timings.push(`${name} ${Date.now() - started} ms`);
      }
    }

    function succeeded(...names: string[]): void {
      for (const name of names) assert.equal(failures.get(name), undefined, `${name} failed: ${String(failures.get(name))}`);
    }

    async function read(): Promise<View> {
      const spec = { runs: Object.values(setup.runs), models: ['w-registry', 'w-new-model'], aliases: ['champion', 'challenger'] };
      return (await mlflow(READ, target.uri, JSON.stringify(spec))) as View;
    }

    before(async () => {
      target = await open();
      setup = (await mlflow(SETUP, target.uri)) as Setup;
      const { writer } = target;
      const runs = setup.runs;
      await attempt('renameRun', () => writer.renameRun(runs['w-rename'], TRICKY_NAME));
      await attempt('setRunTag', () => writer.setRunTag(runs['w-tags'], 'team', 'ml-platform'));
      await attempt('setRunTag shell', () => writer.setRunTag(runs['w-tags'], 'shell', SHELL_VALUE));
      await attempt('setRunTag tricky', () => writer.setRunTag(runs['w-tags'], 'tricky', TRICKY_VALUE));
      await attempt('deleteRunTag', () => writer.deleteRunTag(runs['w-tags'], 'to-delete'));
      await attempt('deleteRun', () => writer.deleteRun(runs['w-delete']));
      await attempt('restoreRun', () => writer.restoreRun(runs['w-deleted-before']));
      await attempt('setRegisteredModelAlias', () => writer.setRegisteredModelAlias('w-registry', 'champion', '1'));
      await attempt('setRegisteredModelTag', () => writer.setRegisteredModelTag('w-registry', 'owner', TRICKY_VALUE));
      await attempt('deleteRegisteredModelTag', () => writer.deleteRegisteredModelTag('w-registry', 'drop'));
      await attempt('setModelVersionTag', () => writer.setModelVersionTag('w-registry', '2', 'validated', 'true'));
      await attempt('deleteModelVersionTag', () => writer.deleteModelVersionTag('w-registry', '1', 'drop'));
      await attempt('updateRegisteredModelDescription', () => writer.updateRegisteredModelDescription('w-registry', 'Iris **model**\nsecond line ü'));
      await attempt('updateModelVersionDescription', () => writer.updateModelVersionDescription('w-registry', '1', TRICKY_VALUE));
      created = await attempt('createModelVersion new model', () => writer.createModelVersion('w-new-model', `models:/${setup.model_id}`, runs['w-tags']));
      createdAgain = await attempt('createModelVersion existing model', () => writer.createModelVersion('w-registry', `models:/${setup.model_id}`, runs['w-tags']));
      first = await read();
      await attempt('restoreRun after deleteRun', () => writer.restoreRun(runs['w-delete']));
      await attempt('setRegisteredModelAlias move', () => writer.setRegisteredModelAlias('w-registry', 'champion', '2'));
      await attempt('deleteRegisteredModelAlias', () => writer.deleteRegisteredModelAlias('w-registry', 'challenger'));
      second = await read();
    });

    after(async () => {
      console.log(`# ${label}: ${timings.join(', ')}`);
      target?.writer.dispose();
      await target?.cleanup();
    });

    test('renameRun: get_run(id).info.run_name and the mlflow.runName tag are the new name', () => {
      succeeded('renameRun');
      const run = first.runs[setup.runs['w-rename']];
      assert.equal(run?.name, TRICKY_NAME);
      assert.equal(run?.tags['mlflow.runName'], TRICKY_NAME);
    });

    test('setRunTag / deleteRunTag: tags as MLflow reads them, shell and newline values byte-identical', () => {
      succeeded('setRunTag', 'setRunTag shell', 'setRunTag tricky', 'deleteRunTag');
      const tags = first.runs[setup.runs['w-tags']]?.tags ?? {};
      assert.equal(tags['team'], 'ml-platform');
      assert.equal(tags['shell'], SHELL_VALUE);
      assert.equal(tags['tricky'], TRICKY_VALUE);
      assert.equal(Buffer.compare(Buffer.from(tags['tricky'] ?? ''), Buffer.from(TRICKY_VALUE)), 0);
      assert.equal('to-delete' in tags, false);
    });

    test('nothing a value spells out is executed', () => {
      assert.equal(existsSync(marker), false, `${marker} was created`);
    });

    test('deleteRun is a soft delete that restoreRun undoes', () => {
      succeeded('deleteRun', 'restoreRun', 'restoreRun after deleteRun');
      assert.equal(first.runs[setup.runs['w-delete']]?.stage, 'deleted');
      assert.equal(first.runs[setup.runs['w-deleted-before']]?.stage, 'active');
      assert.equal(second.runs[setup.runs['w-delete']]?.stage, 'active');
    });

    test('aliases: set, moved to another version, deleted (get_model_version_by_alias)', () => {
      succeeded('setRegisteredModelAlias', 'setRegisteredModelAlias move', 'deleteRegisteredModelAlias');
      assert.deepEqual(first.models['w-registry']?.by_alias, { champion: '1', challenger: '1' });
      assert.deepEqual(second.models['w-registry']?.by_alias, { champion: '2', challenger: null });
      assert.deepEqual(second.models['w-registry']?.aliases, { champion: '2' });
    });

    test('registered model and model version tags: set and deleted', () => {
      succeeded('setRegisteredModelTag', 'deleteRegisteredModelTag', 'setModelVersionTag', 'deleteModelVersionTag');
      const model = first.models['w-registry'];
      assert.deepEqual(model?.tags, { owner: TRICKY_VALUE });
      assert.deepEqual(model?.versions['1']?.tags, {});
      assert.deepEqual(model?.versions['2']?.tags, { drop: 'me', validated: 'true' });
    });

    test('descriptions of a registered model and of a version', () => {
      succeeded('updateRegisteredModelDescription', 'updateModelVersionDescription');
      assert.equal(first.models['w-registry']?.description, 'Iris **model**\nsecond line ü');
      assert.equal(first.models['w-registry']?.versions['1']?.description, TRICKY_VALUE);
    });

    test("createModelVersion registers a run's logged model, creating the registered model when missing", () => {
      succeeded('createModelVersion new model', 'createModelVersion existing model');
      const source = `models:/${setup.model_id}`;
      assert.equal(created?.name, 'w-new-model');
      assert.equal(created?.version, '1');
      assert.equal(created?.source, source);
      assert.equal(created?.run_id, setup.runs['w-tags']);
      assert.equal(createdAgain?.version, '3');
      // MLflow's SQL and file registries keep no model_id column: the source names the logged model.
      const expected = { description: null, tags: {}, source, run_id: setup.runs['w-tags'] };
      const normalise = (version: ModelView['versions'][string] | undefined) => ({ description: version?.description || null, tags: version?.tags, source: version?.source, run_id: version?.run_id });
      assert.deepEqual(normalise(first.models['w-new-model']?.versions['1']), expected);
      assert.deepEqual(normalise(first.models['w-registry']?.versions['3']), expected);
    });

    test("MLflow's refusals are typed: a missing run is 'not-found'", async () => {
      await assert.rejects(target.writer.setRunTag('f'.repeat(32), 'k', 'v'), (error: unknown) => {
        assert.ok(error instanceof TrackingError, String(error));
        assert.equal(error.reason, 'not-found', error.message);
        return true;
      });
    });
  });
}

after(() => rmSync(join(marker, '..'), { recursive: true, force: true }));
