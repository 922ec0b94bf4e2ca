/**
 * MLflow's `log_image(..., key=, step=)` images, read by the Plots panel's reader: runs logged by
 * real MLflow (test/fixtures/log_images.py) into a SQLite store; our (key, step) per image equals
 * what was logged, the bytes we show equal what MLflow's client downloads, the last image logged
 * at a step wins, thumbnails are not images of their own, and a file under images/ that is not an
 * image is refused by its bytes.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { listLoggedImages } from '../../src/core/plots/mlflowImages';
import type { ImageGroupPlot, PlotsModel } from '../../src/core/plots/model';
import { PlotsSession } from '../../src/core/plots/session';
import { openTrackingStore } from '../../src/core/tracking/open';
import type { TrackingStore } from '../../src/core/tracking/store';
import { env, pythonEnv, REPO_ROOT } from '../support/python';

const run = promisify(execFile);

interface Logged {
  readonly id: string;
  readonly logged: [string, number][];
  readonly files: Record<string, string>;
}

describe('images logged with mlflow.log_image, read by the Plots panel', () => {
  let dir: string;
  let runs: Record<'a' | 'b', Logged>;
  let store: TrackingStore;
  let session: PlotsSession;
  let model: PlotsModel;

  before(async () => {
    const python = await pythonEnv();
    dir = mkdtempSync(join(tmpdir(), 'mlw-images-'));
    const { stdout } = await run(python.python, [join(REPO_ROOT, 'test', 'fixtures', 'log_images.py'), '--out', dir], { env: env(python), maxBuffer: 1 << 20, timeout: 300_000 });
    runs = JSON.parse(stdout) as typeof runs;
    store = openTrackingStore(`sqlite:///${join(dir, 'mlflow.db')}`, { cwd: dir });
    session = new PlotsSession({ runs: [{ runId: runs.a.id, store }, { runId: runs.b.id, store }] });
    model = await session.load();
  });

  after(() => {
    session?.dispose();
    (store as { dispose?: () => void } | undefined)?.dispose?.();
    rmSync(dir, { recursive: true, force: true });
  });

  test('each (key, step) logged is one image, at the path MLflow wrote; thumbnails and the static image apart', async () => {
    for (const name of ['a', 'b'] as const) {
      const images = await listLoggedImages(store, runs[name].id);
      const stepped = images.filter((i) => i.step !== undefined);
      const logged = [...new Map(runs[name].logged.map(([k, s]) => [`${k}@${s}`, [k, s]])).values()].sort();
      assert.deepEqual(stepped.map((i) => [i.key, i.step]).sort(), logged, name);
      for (const image of stepped) assert.ok(image.path in runs[name].files, `${name}: ${image.path} is not one of MLflow's files`);
      assert.ok(images.every((i) => !i.path.endsWith('.webp')));
    }
    const plain = (await listLoggedImages(store, runs.a.id)).filter((i) => i.step === undefined);
    assert.deepEqual(plain.map((i) => i.path), ['plots/roc.png']);
  });

  test('the bytes shown are the bytes MLflow downloads; at a step logged twice, the last one', async () => {
    const digits = model.plots.find((p) => p.id === 'mlflow:key:digits') as ImageGroupPlot;
    assert.deepEqual(digits.steps, [0, 1, 2]);
    assert.deepEqual(digits.columns, [`mlflow:${runs.a.id}`, `mlflow:${runs.b.id}`]);
    let compared = 0;
    for (const cell of digits.cells) {
      const owner = cell.rev === `mlflow:${runs.a.id}` ? runs.a : runs.b;
      const image = await session.readImage(cell.key);
      assert.equal(image.mime, 'image/png');
      assert.equal(createHash('sha256').update(image.bytes).digest('hex'), owner.files[cell.name], cell.name);
      compared++;
    }
    assert.equal(compared, 5);
    const bStep2 = Object.keys(runs.b.files).filter((p) => p.startsWith('images/digits+step+2+') && p.endsWith('.png'));
    assert.equal(bStep2.length, 2);
    const shown = digits.cells.find((c) => c.rev === `mlflow:${runs.b.id}` && c.step === 2)!;
    const timestamps = bStep2.map((p) => Number(p.split('+')[4]));
    assert.equal(Number(shown.name.split('+')[4]), Math.max(...timestamps));
  });

  test('nested keys come back with their slash; a file under images/ that is not an image is refused by its bytes', async () => {
    assert.ok(model.plots.some((p) => p.id === 'mlflow:key:nested/key'));
    const broken = model.plots.find((p) => p.id === 'mlflow:key:broken') as ImageGroupPlot;
    await assert.rejects(session.readImage(broken.cells[0]!.key), (e: Error & { reason?: string }) => e.reason === 'not-an-image');
    assert.deepEqual(model.revisions.map((r) => [r.label, r.kind]), [['a', 'mlflow-run'], ['b', 'mlflow-run']]);
  });
});
