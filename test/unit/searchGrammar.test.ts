/**
 * The filter grammars accept what MLflow accepts, with the same clauses, and reject the rest with
 * MLflow's message (texts copied from MLflow 3.17.2; sets listed sorted) plus a pointer to the token.
 */
import assert from 'node:assert/strict';
import test, { describe } from 'node:test';
import fc from 'fast-check';
import { TrackingError } from '../../src/core/tracking/errors';
import {
  parseExperimentFilter,
  parseModelVersionFilter,
  parseRegisteredModelFilter,
  parseRunFilter,
  parseRunOrderBy,
  parseExperimentOrderBy,
} from '../../src/core/tracking/search/index';

function rejects(parse: () => unknown, message: string): void {
  assert.throws(parse, (error: unknown) => {
    assert.ok(error instanceof TrackingError);
    assert.equal(error.reason, 'invalid-argument');
    assert.equal(error.message, message);
    return true;
  });
}

describe('run filters', () => {
  test('entity prefixes and their aliases, quoted keys, both quote styles', () => {
    assert.deepEqual(parseRunFilter("metrics.acc > 0.5 AND params.`learning-rate` = '0.1' and tags.\"my tag\" LIKE \"a%\""), [
      { type: 'metric', key: 'acc', comparator: '>', value: 0.5 },
      { type: 'parameter', key: 'learning-rate', comparator: '=', value: '0.1' },
      { type: 'tag', key: 'my tag', comparator: 'LIKE', value: 'a%' },
    ]);
    assert.deepEqual(
      ['metric.a = 1', "param.a = '1'", "parameters.a = '1'", "tag.a = '1'", "attr.status = '1'", "run.status = '1'", "datasets.name = '1'"].map(
        (f) => parseRunFilter(f)[0]!.type,
      ),
      ['metric', 'parameter', 'parameter', 'tag', 'attribute', 'attribute', 'dataset'],
    );
    assert.deepEqual(parseRunFilter('tags.mlflow.runName = "x"')[0], { type: 'tag', key: 'mlflow.runName', comparator: '=', value: 'x' });
    assert.deepEqual(parseRunFilter('`params`.b = \'x\'')[0]?.type, 'parameter');
  });

  test('attributes: no prefix, aliases, numbers, IN lists (Python literals) and IS NULL', () => {
    assert.deepEqual(parseRunFilter("status = 'FINISHED' AND created >= 1700000000000 AND \"Run Name\" = 'a' AND end_time < 1.5"), [
      { type: 'attribute', key: 'status', comparator: '=', value: 'FINISHED' },
      { type: 'attribute', key: 'start_time', comparator: '>=', value: 1700000000000 },
      { type: 'attribute', key: 'run_name', comparator: '=', value: 'a' },
      { type: 'attribute', key: 'end_time', comparator: '<', value: 1.5 },
    ]);
    assert.deepEqual(parseRunFilter("run_id in ('a', \"b\",) AND attributes.run_id NOT IN ('c' 'd')").map((c) => [c.comparator, c.value]), [
      ['IN', ['a', 'b']],
      ['NOT IN', ['cd']],
    ]);
    assert.deepEqual(parseRunFilter('params.p IS NULL AND tags.t is not null').map((c) => c.comparator), ['IS NULL', 'IS NOT NULL']);
    assert.deepEqual(parseRunFilter("dataset.context IN ('train') AND dataset.digest LIKE 'ab%'").map((c) => [c.key, c.value]), [
      ['context', ['train']],
      ['digest', 'ab%'],
    ]);
  });

  test("values keep MLflow's raw text between the quotes, numbers parse as Python's float", () => {
    assert.equal(parseRunFilter("params.b = 'it''s'")[0]!.value, "it''s");
    assert.deepEqual(['-1', '1e3', '.5', '1.', '1.5e-3'].map((n) => parseRunFilter(`metrics.a > ${n}`)[0]!.value), [-1, 1000, 0.5, 1, 0.0015]);
    assert.deepEqual(parseRunFilter(''), []);
    assert.deepEqual(parseRunFilter('metrics.a > 1 AND'), [{ type: 'metric', key: 'a', comparator: '>', value: 1 }]);
  });

  test("rejections carry MLflow's message and where the problem is", () => {
    rejects(() => parseRunFilter("metrics.a > 1 OR params.b = 'x'"), "Invalid clause(s) in filter string: 'OR' at position 15: 'OR'");
    rejects(() => parseRunFilter('(metrics.a > 1)'), "Invalid clause(s) in filter string: '(metrics.a > 1)' at position 1: '(metrics.a > 1)'");
    rejects(() => parseRunFilter('NOT metrics.a > 1'), "Invalid clause(s) in filter string: 'NOT' at position 1: 'NOT'");
    rejects(() => parseRunFilter("params.b = 'open"), "Invalid clause(s) in filter string: 'params.b', '=', ''', 'open' at position 1: 'params.b'");
    rejects(() => parseRunFilter("status = 'A';metrics.a > 1"), 'Search filter contained multiple expression "status = \'A\';metrics.a > 1". Provide AND-ed expression list.');
    rejects(() => parseRunFilter("metrics.a = 'x'"), "Expected numeric value type for metric. Found 'x' at position 13: ''x''");
    rejects(() => parseRunFilter('params.b = x'), 'Parameter value is either not quoted or unidentified quote types used for string value x. Use either single or double quotes. at position 12: \'x\'');
    rejects(() => parseRunFilter("foo.b = 'x'"), "Invalid entity type 'foo'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset'] at position 1: 'foo.b'");
    rejects(() => parseRunFilter("dataset.foo = 'x'"), "Invalid dataset key 'foo' specified. Valid keys are '{'context', 'digest', 'name'}' at position 1: 'dataset.foo'");
    rejects(() => parseRunFilter("run_name IN ('a')"), "Only ['run_id'] attributes support comparison with a list of quoted string values. at position 13: '('a')'");
    rejects(() => parseRunFilter('run_id IN ()'), 'While parsing a list in the query, expected a non-empty list of string values, but got empty list at position 11: \'()\'');
    rejects(() => parseRunFilter('run_id IN (1, 2)'), 'While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: (1, 2) at position 11: \'(1, 2)\'');
    rejects(() => parseRunFilter('metrics.a IS NULL'), "IS NULL / IS NOT NULL is only supported for tags and params, not for 'metric' 'a' at position 1: 'metrics.a'");
    rejects(() => parseRunFilter("'x' = params.b"), "Invalid comparison clause. Expected 'Identifier' found ''x'' at position 1: ''x''");
    rejects(() => parseRunFilter('metrics.a == 1'), "Invalid comparator '==' not one of '{'!=', '<', '<=', '=', '>', '>='} at position 11: '=='");
    rejects(() => parseRunFilter("params.b > 'x'"), "Invalid comparator '>' not one of '{'!=', '=', 'ILIKE', 'IS NOT NULL', 'IS NULL', 'LIKE'}' at position 10: '>'");
    rejects(() => parseRunFilter('start_time LIKE 1'), "Invalid comparator 'LIKE' not one of '{'!=', '=', 'ILIKE', 'IN', 'LIKE', 'NOT IN'} at position 12: 'LIKE'");
  });

  test('round trip: any back-ticked or double-quoted key and any quoted value come back as written', () => {
    // No backslashes: sqlparse reads \" as an escaped quote, so MLflow cannot quote such keys either.
    const key = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/[`"\\\n\r]/.test(s));
    const value = fc.string({ maxLength: 12 }).filter((s) => !/['\\\n\r]/.test(s));
    fc.assert(
      fc.property(fc.constantFrom('params', 'tags'), key, fc.constantFrom('`', '"'), value, fc.constantFrom('=', '!=', 'LIKE', 'ILIKE'), (entity, k, quote, v, op) => {
        const [clause] = parseRunFilter(`${entity}.${quote}${k}${quote} ${op} '${v}'`);
        assert.deepEqual(clause, { type: entity === 'params' ? 'parameter' : 'tag', key: k, comparator: op, value: v });
      }),
    );
  });

  test('round trip: IN lists of strings with Python escapes', () => {
    const item = fc.string({ maxLength: 8 }).filter((s) => !/['"\\\n\r]/.test(s));
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 5 }), (items) => {
        const [clause] = parseRunFilter(`run_id IN (${items.map((s) => `'${s}'`).join(', ')})`);
        assert.deepEqual(clause?.value, items);
      }),
    );
  });

  test('any filter string either parses or raises an invalid-argument TrackingError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (filter) => {
        try {
          parseRunFilter(filter);
        } catch (error) {
          assert.ok(error instanceof TrackingError && error.reason === 'invalid-argument', String(error));
        }
      }),
    );
  });
});

describe('run order_by', () => {
  test("identifiers, directions and MLflow's rejections", () => {
    assert.deepEqual(parseRunOrderBy(['metrics.`a b` desc', 'params."lr" ASC', 'created', 'tags.t']), [
      { type: 'metric', key: 'a b', ascending: false },
      { type: 'parameter', key: 'lr', ascending: true },
      { type: 'attribute', key: 'start_time', ascending: true },
      { type: 'tag', key: 't', ascending: true },
    ]);
    rejects(() => parseRunOrderBy(['metrics.a DOWN']), "Invalid ordering key in order_by clause 'metrics.a DOWN'.");
    rejects(() => parseRunOrderBy(['metrics.a DESC x']), "Invalid order_by clause 'metrics.a DESC x'. Could not be parsed.");
    rejects(() => parseRunOrderBy([' metrics.a']), "Invalid order_by clause ' metrics.a'. Could not be parsed.");
    rejects(() => parseRunOrderBy(['created', 'start_time DESC']), "`order_by` contains duplicate fields: ['created', 'start_time DESC']");
    rejects(() => parseRunOrderBy(['dataset.name']), "Invalid identifier type 'dataset'");
  });
});

describe('experiment, registered model and model version filters', () => {
  test('experiments: attribute/tag prefixes only, comparators as written', () => {
    assert.deepEqual(parseExperimentFilter("name LIKE 'a%' AND tags.t IS NULL AND creation_time > 5 AND experiment_id IN ('1')"), [
      { type: 'attribute', key: 'name', comparator: 'LIKE', value: 'a%' },
      { type: 'tag', key: 't', comparator: 'IS NULL', value: null },
      { type: 'attribute', key: 'creation_time', comparator: '>', value: 5 },
      { type: 'attribute', key: 'experiment_id', comparator: 'IN', value: ['1'] },
    ]);
    rejects(() => parseExperimentFilter("attributes.name = 'x'"), "Invalid entity type 'attributes'. Valid entity types are ('attribute', 'tag', 'tags') at position 1: 'attributes.name'");
    rejects(() => parseExperimentFilter("name like 'x'"), "Invalid comparator 'like' not one of '{'!=', '=', 'ILIKE', 'IN', 'LIKE', 'NOT IN'}' at position 6: 'like'");
    rejects(() => parseExperimentFilter("name = 'a' OR name = 'b'"), 'Invalid clause(s) in filter string: OR at position 12: \'OR\'');
    rejects(() => parseExperimentFilter("experiment_id > '1'"), 'Invalid comparator for experiment_id: > at position 15: \'>\'');
    assert.deepEqual(parseExperimentOrderBy(['name']), [
      { key: 'name', ascending: true },
      { key: 'experiment_id', ascending: false },
    ]);
  });

  test('registered models and model versions', () => {
    assert.deepEqual(parseRegisteredModelFilter("name ilike 'm%' AND tags.`mlflow.prompt.is_prompt` != 'true'"), [
      { type: 'attribute', key: 'name', comparator: 'ILIKE', value: 'm%' },
      { type: 'tag', key: 'mlflow.prompt.is_prompt', comparator: '!=', value: 'true' },
    ]);
    assert.deepEqual(parseModelVersionFilter("run_id IN ('a') AND version_number > 2 AND source_path LIKE 's3://%'").map((c) => c.value), [['a'], 2, 's3://%']);
    rejects(() => parseRegisteredModelFilter("version_number = '1'"), "Invalid attribute key 'version_number' specified. Valid keys are '{'name'}' at position 1: 'version_number'");
    rejects(() => parseModelVersionFilter('name = 1'), "Only the '{'creation_timestamp', 'last_updated_timestamp', 'version_number'}' attributes support comparison with numeric values. at position 8: '1'");
  });
});
