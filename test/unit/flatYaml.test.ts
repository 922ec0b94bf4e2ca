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

/** Keys YAML 1.1 reads as booleans or null are not names: PyYAML would quote them. */
const KEY = fc.stringMatching(/^[a-z_]{1,8}$/).filter((key) => !/^(y|n|yes|no|on|off|true|false|null)$/.test(key));
const text = (fields: Record<string, string>): string => `${Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('\n')}\n`;

/** What PyYAML's safe_dump writes for the values of a meta.yaml, as it writes them. */
const META_VALUE = fc.oneof(
  // Names, ids and URIs it leaves plain: a word start, no YAML indicator, no number shape.
  fc.tuple(fc.constantFrom('run-', 'model_', 'file:///tmp/mlruns/', 'baseline ', 'lr_', 'v', 'mlflow-artifacts:/'), fc.string({ unit: fc.constantFrom(...'abcdefxyz0123456789_-./'.split('')), minLength: 1, maxLength: 16 })).map(([head, tail]) => head + tail),
  fc.integer().map(String),
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'.split('')), minLength: 31, maxLength: 31 }).map((id) => `f${id}`),
  // Anything else it single-quotes, doubling the quote.
  fc.string({ unit: fc.constantFrom(...' abcXYZ019yesno.:#-_\'"@/'.split('')), maxLength: 16 }).map((value) => `'${value.replaceAll("'", "''")}'`),
  fc.constantFrom('', 'null', 'true', 'false', '[]', '{}', "''"),
);

test('every flat document of the shape MLflow writes is read by the fast path, as the YAML 1.1 parser reads it', () => {
  fc.assert(
    fc.property(fc.dictionary(KEY, META_VALUE, { minKeys: 1, maxKeys: 8 }), (fields) => {
      const document = text(fields);
      const fast = parseFlatYaml(document);
      assert.notEqual(fast, undefined, `the fast path declined ${JSON.stringify(document)}`);
      assert.deepEqual(fast, parse(document, { version: '1.1' }), JSON.stringify(document));
    }),
    { numRuns: 3000 },
  );
});

test('on any flat document the fast path either declines or agrees with the YAML 1.1 parser, and both happen', () => {
  const scalar = fc.oneof(
    fc.string({ unit: fc.constantFrom(...'abcXYZ019 ./:_-+@#\'"yesnotrue~'.split('')), maxLength: 12 }),
    fc.integer().map(String),
    fc.constantFrom('null', '~', '', 'true', 'false', 'yes', 'No', 'on', '0o17', '0x1F', '1e3', '.inf', "''", "'a''b'", '[]', '{}'),
  );
  const outcomes = { answered: 0, declined: 0 };
  fc.assert(
    fc.property(fc.dictionary(fc.stringMatching(/^[a-z_]{1,8}$/), scalar, { minKeys: 1, maxKeys: 6 }), (fields) => {
      const document = text(fields);
      const fast = parseFlatYaml(document);
      if (fast === undefined) {
        outcomes.declined++;
        return;
      }
      outcomes.answered++;
      let full: unknown;
      try {
        full = parse(document, { version: '1.1' });
      } catch {
        assert.fail(`the fast path accepted what YAML rejects: ${JSON.stringify(document)}`);
      }
      assert.deepEqual(fast, full, JSON.stringify(document));
    }),
    { numRuns: 3000 },
  );
  // A generator whose cases all went one way would compare nothing (or check no declining).
  assert.ok(outcomes.answered >= 300 && outcomes.declined >= 300, JSON.stringify(outcomes));
});
