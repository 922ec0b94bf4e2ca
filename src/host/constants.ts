/**
 * Every id the manifest (package.json `contributes`) and the code share. A unit test checks this
 * module against package.json in both directions.
 */
export const EXTENSION_ID = 'ml-workbench.ml-workbench';
export const CONFIG_SECTION = 'mlWorkbench';

export const ViewContainer = { id: 'mlWorkbench' } as const;

export const Views = {
  runs: 'mlWorkbench.runs',
  models: 'mlWorkbench.models',
  pipeline: 'mlWorkbench.pipeline',
  data: 'mlWorkbench.data',
  serving: 'mlWorkbench.serving',
} as const;

export const Commands = {
  refreshRuns: 'mlWorkbench.refreshRuns',
  showRun: 'mlWorkbench.showRun',
  setTrackingUri: 'mlWorkbench.setTrackingUri',
  copyRunId: 'mlWorkbench.copyRunId',
  showLog: 'mlWorkbench.showLog',
} as const;

export const Settings = {
  trackingUri: 'trackingUri',
} as const;

/** Context keys used in `when` clauses of the manifest. */
export const ContextKeys = {
  /** 'ready' | 'missing' | 'error': whether the Runs view has a store to read. */
  trackingState: 'mlWorkbench.trackingState',
} as const;

/** `contextValue`s of tree items, matched by menus in the manifest. */
export const ContextValues = {
  experiment: 'experiment',
  run: 'run',
  group: 'group',
  entry: 'entry',
  error: 'error',
} as const;

export const WebviewTypes = {
  run: 'mlWorkbench.run',
} as const;
