/** MLflow's search filter, order_by and page token semantics, for stores that read runs themselves. */
export type { ClauseValue } from './grammar.js';
export { parseRunFilter, type RunClause, type RunEntity } from './runGrammar.js';
export { compareRuns, filterRuns, orderRuns, parseRunOrderBy, type RunOrderClause, runMatches, searchRunsInMemory } from './runs.js';
export {
  compareExperiments,
  type ExperimentClause,
  type ExperimentOrderClause,
  filterExperiments,
  orderExperiments,
  parseExperimentFilter,
  parseExperimentOrderBy,
  searchExperimentsInMemory,
} from './experiments.js';
export { filterModelVersions, filterRegisteredModels, parseModelVersionFilter, parseRegisteredModelFilter, type RegistryClause } from './registry.js';
export { createPageToken, paginate, parsePageToken } from './paging.js';
export { orderModelVersions, orderRegisteredModels } from './registryOrder.js';
