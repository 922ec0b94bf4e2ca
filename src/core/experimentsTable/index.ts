/** The Experiments table: MLflow runs and DVC experiments as one row model (rows, view, completion, cells). */
export * from './rows.js';
export * from './view.js';
export * from './completion.js';
export * from './cells.js';
export * from './types.js';
export * from './runPages.js';
export * from './metricViews.js';
export * from './dvcHistory.js';
