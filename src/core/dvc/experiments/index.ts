/** Native DVC experiments (`dvc exp show`): the reader, its model and the live-refresh primitives. */
export { DvcExperiments, localIso, type DvcExperimentsOptions, type ExperimentsResult } from './experiments.js';
export * from './model.js';
export { ExperimentsThread, type ExperimentsThreadOptions } from './thread.js';
export { experimentRows, type ExperimentRow } from './rows.js';
export { classifyChange, watchPlan, type ExperimentsChange, type ExperimentsWatch } from './watch.js';
export { DvcliveHistory, historyFiles, parseHistory, type HistoryPlace, type HistoryPoint } from './history.js';
