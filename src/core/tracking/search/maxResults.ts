/**
 * The `max_results` MLflow's stores accept, with their own words when they refuse one: the SQL
 * store (mlflow/store/tracking/sqlalchemy_store.py, SEARCH_MAX_RESULTS_THRESHOLD), the file
 * store (file_store.py) and the registries (`SEARCH_REGISTERED_MODEL_MAX_RESULTS_THRESHOLD`,
 * `SEARCH_MODEL_VERSION_MAX_RESULTS_THRESHOLD`) do not all check alike.
 */
import { invalid } from './grammar.js';

export type Searched = 'runs' | 'experiments' | 'registered-models' | 'model-versions';
export type StoreKind = 'sqlite' | 'file';

type Words = 'supplied' | 'request' | 'registry';

interface Rule {
  readonly max: number;
  readonly over: Words;
  /** How a value below 1 is refused; undefined where that store answers it with an empty page. */
  readonly belowOne: Words | undefined;
}

const RULES: Readonly<Record<Searched, Readonly<Record<StoreKind, Rule>>>> = {
  runs: { sqlite: { max: 50_000, over: 'supplied', belowOne: 'supplied' }, file: { max: 50_000, over: 'request', belowOne: undefined } },
  experiments: { sqlite: { max: 50_000, over: 'supplied', belowOne: 'supplied' }, file: { max: 50_000, over: 'supplied', belowOne: 'supplied' } },
  'registered-models': { sqlite: { max: 1_000, over: 'request', belowOne: undefined }, file: { max: 1_000, over: 'request', belowOne: 'registry' } },
  'model-versions': { sqlite: { max: 200_000, over: 'request', belowOne: 'registry' }, file: { max: 200_000, over: 'request', belowOne: 'registry' } },
};

/** Throws MLflow's 'invalid-argument' where its store of this kind would refuse `maxResults`. */
export function checkMaxResults(searched: Searched, store: StoreKind, maxResults: number | undefined): void {
  if (maxResults === undefined) return;
  const rule = RULES[searched][store];
  if (maxResults > rule.max) invalid(tooMany(rule.over, maxResults, rule.max));
  if (maxResults < 1 && rule.belowOne) invalid(notPositive(rule.belowOne, maxResults));
}

function tooMany(words: Words, value: number, max: number): string {
  if (words === 'supplied') return `Invalid value ${value} for parameter 'max_results' supplied. It must be at most ${max}`;
  return `Invalid value for request parameter max_results. It must be at most ${max}, but got value ${value}`;
}

function notPositive(words: Words, value: number): string {
  if (words === 'supplied') return `Invalid value ${value} for parameter 'max_results' supplied. It must be a positive integer`;
  return `Invalid value for max_results. It must be a positive integer, but got ${value}`;
}
