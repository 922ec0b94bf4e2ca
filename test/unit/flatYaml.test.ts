import assert from 'node:assert/strict';
import test from 'node:test';
import fc from 'fast-check';
import { parse } from 'yaml';
import { parseFlatYaml } from '../../src/core/tracking/fileReading.js';

// A run meta.yaml as MLflow 3.17 writes it (PyYAML safe_dump, sorted keys).
const RUN_META = `artifact_uri: file:///tmp/mlruns/297403524971903687/6b34fb7b3c4743b1aaca174401353f51/artifacts
deleted_time: null
end_time: 1735689900000
entry_point_name: ''
experiment_id: '297403524971903687'
lifecycle_stage: active
run_id: 6b34fb7b3c4743b1aaca174401353f51
run_name: baseline-logreg
source_name: ''
source_type: 4
source_version: ''
start_time: 1735689600000
status: 3
tags: []
user_id: unknown
`;

test('the fast path reads a run meta.yaml exactly as the YAML 1.1 parser does', () => {
  assert.deepEqual(parseFlatYaml(RUN_META), parse(RUN_META, { version: '1.1' }));
  assert.equal(parseFlatYaml(RUN_META)!.experiment_id, '297403524971903687');
});

test('anything the fast path is unsure of goes to the full parser', () => {
  for (const text of ['name: yes\n', 'name: 0123\n', 'name: 1.5\n', 'a:\n  b: 1\n', 'name: "x\\ty"\n', "name: 'it''s' x\n", 'name: a: b\n', 'name: 1:30\n', 'name: ünï\n', 'd: |\n  text\n']) {
    assert.equal(parseFlatYaml(text), undefined, text);
  }
  assert.deepEqual(parseFlatYaml("name: 'it''s'\n"), { name: "it's" });
  assert.deepEqual(parseFlatYaml('name: regression run 2\n'), { name: 'regression run 2' });
});

test('whenever the fast path answers, it agrees with the YAML 1.1 parser', () => {
  const scalar = fc.oneof(
    fc.string({ unit: fc.constantFrom(...'abcXYZ019 ./:_-+@#\'"yesnotrue~'.split('')), maxLength: 12 }),
    fc.integer().map(String),
    fc.constantFrom('null', '~', '', 'true', 'false', 'yes', 'No', 'on', '0o17', '0x1F', '1e3', '.inf', "''", "'a''b'", '[]', '{}'),
  );
  fc.assert(
    fc.property(fc.dictionary(fc.stringMatching(/^[a-z_]{1,8}$/), scalar, { minKeys: 1, maxKeys: 6 }), (fields) => {
      const text = Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('\n') + '\n';
      const fast = parseFlatYaml(text);
      if (fast === undefined) return;
      let full: unknown;
      try {
        full = parse(text, { version: '1.1' });
      } catch {
        assert.fail(`the fast path accepted what YAML rejects: ${JSON.stringify(text)}`);
      }
      assert.deepEqual(fast, full, JSON.stringify(text));
    }),
    { numRuns: 3000 },
  );
});
