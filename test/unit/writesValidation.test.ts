/**
 * MLflow's input rules (mlflow/utils/validation.py) applied before any write: a refused input is
 * a typed 'invalid-argument' TrackingError with an exact message, and nothing is executed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TrackingError } from '../../src/core/tracking/errors.js';
import { modelIdOfSource, type WriteOperation } from '../../src/core/tracking/writes/operations.js';
import { validateOperation } from '../../src/core/tracking/writes/validation.js';
import { OperationWriter } from '../../src/core/tracking/writes/writer.js';

const RUN = '0123456789abcdef0123456789abcdef';

function refused(operation: WriteOperation, message: string): void {
  assert.throws(
    () => validateOperation(operation),
    (error: unknown) => {
      assert.ok(error instanceof TrackingError, String(error));
      assert.equal(error.reason, 'invalid-argument');
      assert.equal(error.message, message);
      return true;
    },
  );
}

/** Records what reaches `execute`: nothing must, for a refused input. */
class RecordingWriter extends OperationWriter {
  readonly label = 'recording';
  readonly executed: WriteOperation[] = [];
  protected async execute(operation: WriteOperation): Promise<unknown> {
    this.executed.push(operation);
    return operation.op === 'create_model_version' ? { name: operation.name, version: '1' } : undefined;
  }
  dispose(): void {}
}

describe('run ids and names', () => {
  test('run ids are letters, digits, _ and -, starting with a letter or digit', () => {
    validateOperation({ op: 'delete_run', run_id: RUN });
    validateOperation({ op: 'delete_run', run_id: 'a-b_c' });
    refused({ op: 'delete_run', run_id: '' }, 'Run id must not be empty');
    refused({ op: 'delete_run', run_id: '../etc' }, "Invalid run id '../etc': MLflow run ids are letters, digits, '_' and '-', at most 256 characters");
    refused({ op: 'restore_run', run_id: '-abc' }, "Invalid run id '-abc': MLflow run ids are letters, digits, '_' and '-', at most 256 characters");
    refused({ op: 'delete_run', run_id: 'a'.repeat(257) }, `Invalid run id '${'a'.repeat(257)}': MLflow run ids are letters, digits, '_' and '-', at most 256 characters`);
  });

  test('run names: not blank, at most 250 characters counted as code points', () => {
    validateOperation({ op: 'rename_run', run_id: RUN, name: '🚀'.repeat(250) });
    refused({ op: 'rename_run', run_id: RUN, name: '' }, 'Run name must not be empty');
    refused({ op: 'rename_run', run_id: RUN, name: '   ' }, 'Run name must not be empty');
    refused({ op: 'rename_run', run_id: RUN, name: 'x'.repeat(251) }, 'Run name is 251 characters long; MLflow allows at most 250');
    refused({ op: 'set_run_tag', run_id: RUN, key: 'mlflow.runName', value: 'x'.repeat(251) }, 'Run name is 251 characters long; MLflow allows at most 250');
  });
});

describe('tags', () => {
  test('keys: MLflow characters only, colon included', () => {
    validateOperation({ op: 'set_run_tag', run_id: RUN, key: 'team/owner: ünï_code-1.0', value: '' });
    refused({ op: 'set_run_tag', run_id: RUN, key: '', value: 'v' }, 'Tag key must not be empty');
    refused(
      { op: 'set_run_tag', run_id: RUN, key: 'a;b', value: 'v' },
      "Invalid tag key 'a;b': names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colons (:) and slashes (/)",
    );
    refused(
      { op: 'delete_run_tag', run_id: RUN, key: 'line\nbreak' },
      "Invalid tag key 'line\nbreak': names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colons (:) and slashes (/)",
    );
  });

  test('keys that resolve to another path are refused (path_not_unique)', () => {
    refused({ op: 'set_run_tag', run_id: RUN, key: 'a/../b', value: 'v' }, "Invalid tag key 'a/../b': MLflow may store it as a file path, and it would resolve to 'b'");
    refused({ op: 'set_run_tag', run_id: RUN, key: '../up', value: 'v' }, "Invalid tag key '../up': MLflow may store it as a file path, and it would resolve to '../up'");
    refused({ op: 'set_run_tag', run_id: RUN, key: '/abs', value: 'v' }, "Invalid tag key '/abs': MLflow may store it as a file path, and it would resolve to '/abs'");
    refused({ op: 'set_run_tag', run_id: RUN, key: 'a//b', value: 'v' }, "Invalid tag key 'a//b': MLflow may store it as a file path, and it would resolve to 'a/b'");
    refused({ op: 'set_run_tag', run_id: RUN, key: 'dir/', value: 'v' }, "Invalid tag key 'dir/': MLflow may store it as a file path, and it would resolve to 'dir'");
    refused({ op: 'set_run_tag', run_id: RUN, key: '.', value: 'v' }, "Invalid tag key '.': MLflow may store it as a file path, and it would resolve to '.'");
  });

  test('key ≤ 250; run tag value ≤ 8000; registry tag value ≤ 100000', () => {
    validateOperation({ op: 'set_run_tag', run_id: RUN, key: 'k'.repeat(250), value: 'v'.repeat(8000) });
    refused({ op: 'set_run_tag', run_id: RUN, key: 'k'.repeat(251), value: 'v' }, 'Tag key is 251 characters long; MLflow allows at most 250');
    refused({ op: 'set_run_tag', run_id: RUN, key: 'k', value: 'v'.repeat(8001) }, 'Tag value is 8001 characters long; MLflow allows at most 8000');
    validateOperation({ op: 'set_registered_model_tag', name: 'm', key: 'k', value: 'v'.repeat(100_000) });
    refused({ op: 'set_model_version_tag', name: 'm', version: '1', key: 'k', value: 'v'.repeat(100_001) }, 'Tag value is 100001 characters long; MLflow allows at most 100000');
  });

  test('values are free text: shell and quote characters, newlines', () => {
    validateOperation({ op: 'set_run_tag', run_id: RUN, key: 'k', value: `'; rm -rf ~ #\n$(touch x)\r\n"` });
  });
});

describe('aliases', () => {
  test('alphanumerics, _ and -', () => {
    validateOperation({ op: 'set_registered_model_alias', name: 'm', alias: 'champion_2-b', version: '1' });
    refused({ op: 'set_registered_model_alias', name: 'm', alias: '', version: '1' }, 'Alias must not be empty');
    refused({ op: 'set_registered_model_alias', name: 'm', alias: 'prod.1', version: '1' }, "Invalid alias 'prod.1': aliases may only contain alphanumerics, underscores (_) and dashes (-)");
    refused({ op: 'set_registered_model_alias', name: 'm', alias: 'a'.repeat(256), version: '1' }, 'Alias is 256 characters long; MLflow allows at most 255');
  });

  test("'latest' in any case and v<digits> are reserved when setting, not when deleting", () => {
    refused({ op: 'set_registered_model_alias', name: 'm', alias: 'LaTeSt', version: '1' }, "The alias 'LaTeSt' is reserved: 'latest' (in any case) always means the newest version");
    refused({ op: 'set_registered_model_alias', name: 'm', alias: 'v12', version: '1' }, "The alias 'v12' is reserved: v<number> names a version");
    refused({ op: 'set_registered_model_alias', name: 'm', alias: 'V3', version: '1' }, "The alias 'V3' is reserved: v<number> names a version");
    validateOperation({ op: 'set_registered_model_alias', name: 'm', alias: 'v1beta', version: '1' });
    validateOperation({ op: 'delete_registered_model_alias', name: 'm', alias: 'v12' });
  });
});

describe('registered models and versions', () => {
  test("model names: not blank, no '/' or ':', not path-changing", () => {
    refused({ op: 'update_registered_model_description', name: ' ', description: '' }, 'Model name must not be empty');
    refused({ op: 'set_registered_model_tag', name: 'team/model', key: 'k', value: 'v' }, "Invalid model name 'team/model': names cannot contain '/' or ':'");
    refused({ op: 'set_registered_model_tag', name: 'a:b', key: 'k', value: 'v' }, "Invalid model name 'a:b': names cannot contain '/' or ':'");
    refused({ op: 'set_registered_model_tag', name: '..', key: 'k', value: 'v' }, "Invalid model name '..': MLflow may store it as a file path, and it would resolve to '..'");
  });

  test('versions are whole numbers', () => {
    validateOperation({ op: 'update_model_version_description', name: 'm', version: '12', description: 'd' });
    refused({ op: 'set_registered_model_alias', name: 'm', alias: 'prod', version: 'latest' }, "Invalid model version 'latest': versions are whole numbers such as '3'");
    refused({ op: 'delete_model_version_tag', name: 'm', version: '1.0', key: 'k' }, "Invalid model version '1.0': versions are whole numbers such as '3'");
  });

  test('createModelVersion needs a source; the run id, when given, is checked', () => {
    refused({ op: 'create_model_version', name: 'm', source: '' }, 'Model source must not be empty');
    refused({ op: 'create_model_version', name: 'm', source: 'models:/m-1', run_id: 'x y' }, "Invalid run id 'x y': MLflow run ids are letters, digits, '_' and '-', at most 256 characters");
  });

  test('the logged model id of a models:/<id> source', () => {
    assert.equal(modelIdOfSource('models:/m-0123abcd'), 'm-0123abcd');
    assert.equal(modelIdOfSource('models:/iris/3'), undefined);
    assert.equal(modelIdOfSource('models:/iris@champion'), undefined);
    assert.equal(modelIdOfSource('runs:/abc/model'), undefined);
  });
});

describe('writers validate before executing', () => {
  test('a refused input never reaches execute', async () => {
    const writer = new RecordingWriter();
    await assert.rejects(writer.setRunTag(RUN, 'k', 'v'.repeat(8001)), { name: 'TrackingError', reason: 'invalid-argument' });
    await assert.rejects(writer.setRegisteredModelAlias('m', 'latest', '1'), { name: 'TrackingError', reason: 'invalid-argument' });
    assert.deepEqual(writer.executed, []);
  });

  test('createModelVersion passes the model id of a models:/ source, and an aborted signal stops it', async () => {
    const writer = new RecordingWriter();
    await writer.createModelVersion('m', 'models:/m-42', RUN);
    await writer.createModelVersion('m', 'file:///tmp/model', undefined, { modelId: 'm-7' });
    assert.deepEqual(writer.executed, [
      { op: 'create_model_version', name: 'm', source: 'models:/m-42', run_id: RUN, model_id: 'm-42' },
      { op: 'create_model_version', name: 'm', source: 'file:///tmp/model', model_id: 'm-7' },
    ]);
    await assert.rejects(writer.deleteRun(RUN, { signal: AbortSignal.abort() }), { name: 'AbortError' });
    assert.equal(writer.executed.length, 2);
  });
});
