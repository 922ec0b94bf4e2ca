/**
 * A registered version's files wherever MLflow keeps them (a logged model's artifacts, a run's
 * artifacts), read from stores real MLflow wrote: the MLmodel, the request body serving sends,
 * and the registry lookups behind the Models view and Serve.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { findVersion, modelFileReader, modelNameFilter, modelVersions, readMlModel, readModelFile } from '../../src/core/models/modelFiles.js';
import { payloadForVersion } from '../../src/core/tasks/servingPayload.js';
import { openTrackingStore } from '../../src/core/tracking/open.js';
import type { Store } from '../../src/core/tracking/storeState.js';
import { trackingFixture, type TrackingFixture } from '../support/fixtures.js';

let fixtures: { fixture: TrackingFixture; store: Store }[];

before(async () => {
  const made = await Promise.all([trackingFixture('sqlite'), trackingFixture('file')]);
  fixtures = made.map((fixture) => ({ fixture, store: openTrackingStore(fixture.uri, { cwd: fixture.dir }) }));
});

test('versions of a registered model come newest first; a missing version is an error naming it', async () => {
  for (const { fixture, store } of fixtures) {
    const versions = await modelVersions(store, 'iris-prod');
    assert.deepEqual(versions.map((v) => v.version), ['2', '1'], `${fixture.uri}: version 3 was deleted`);
    assert.equal((await findVersion(store, { name: 'iris-prod', version: '2' })).run_id, fixture.summary.runs['tuned-forest']);
    await assert.rejects(findVersion(store, { name: 'iris-prod', version: '3' }), /iris-prod has no version 3 in the registry/);
    assert.deepEqual(await modelVersions(store, "it's-not-there"), []);
  }
  assert.equal(modelNameFilter("it's"), "name = 'it\\'s'");
});

test("the MLmodel of a version logged with mlflow.sklearn.log_model: flavors and input example, through its logged model", async () => {
  for (const { fixture, store } of fixtures) {
    const [version] = await modelVersions(store, 'sk-iris');
    assert.match(version!.source ?? '', /^models:\/m-/, `${fixture.uri}: MLflow 3 registers the logged model`);
    const info = await readMlModel(store, version!);
    assert.ok(info.flavors.includes('sklearn') && info.flavors.includes('python_function'), info.flavors.join());
    assert.ok(info.inputExample, 'an input example was logged');
    const text = await modelFileReader(store, version!)('MLmodel');
    assert.match(text ?? '', /^artifact_path|flavors:/m);
    assert.equal(await modelFileReader(store, version!)('no-such-file.json'), undefined);
  }
});

test('a version registered from runs:/<id>/model reads from the run’s artifacts; a missing MLmodel is the store’s typed error', async () => {
  for (const { store } of fixtures) {
    const version = await findVersion(store, { name: 'iris-prod', version: '1' });
    assert.match(version.source ?? '', /^runs:\//);
    await assert.rejects(readModelFile(store, version, 'MLmodel'), (error: Error & { reason?: string }) => error.reason === 'not-found');
    await assert.rejects(readMlModel(store, version), (error: Error & { reason?: string }) => error.reason === 'not-found');
  }
});

test("a test request's body is the version's serving input example, and says where it came from", async () => {
  for (const { fixture, store } of fixtures) {
    const payload = await payloadForVersion(store, { trackingKey: 'f0', name: 'sk-iris', version: '1' });
    assert.equal(payload.source, 'serving-input-example', fixture.uri);
    assert.deepEqual(JSON.parse(payload.body), { inputs: [[5.1, 3.5], [4.9, 3.0]] });
    await assert.rejects(payloadForVersion(store, { trackingKey: 'f0', name: 'iris-prod', version: '1' }), /The MLmodel file of iris-prod version 1 could not be read \(source runs:\//);
  }
});
