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
  monitoring: 'mlWorkbench.monitoring',
} as const;

export const Commands = {
  refreshRuns: 'mlWorkbench.refreshRuns',
  showRun: 'mlWorkbench.showRun',
  selectTrackingStore: 'mlWorkbench.selectTrackingStore',
  signInToTrackingServer: 'mlWorkbench.signInToTrackingServer',
  copyRunId: 'mlWorkbench.copyRunId',
  copyArtifactUri: 'mlWorkbench.copyArtifactUri',
  showLog: 'mlWorkbench.showLog',
  filterRuns: 'mlWorkbench.filterRuns',
  clearRunFilter: 'mlWorkbench.clearRunFilter',
  showOnlyRunningRuns: 'mlWorkbench.showOnlyRunningRuns',
  showOnlyFailedRuns: 'mlWorkbench.showOnlyFailedRuns',
  showAllRunStatuses: 'mlWorkbench.showAllRunStatuses',
  showDeletedRuns: 'mlWorkbench.showDeletedRuns',
  hideDeletedRuns: 'mlWorkbench.hideDeletedRuns',
  sortRuns: 'mlWorkbench.sortRuns',
  chooseKeyMetric: 'mlWorkbench.chooseKeyMetric',
  loadMoreRuns: 'mlWorkbench.loadMoreRuns',
  openMetric: 'mlWorkbench.openMetric',
  compareRuns: 'mlWorkbench.compareRuns',
  openMetrics: 'mlWorkbench.openMetrics',
  openMetricCsv: 'mlWorkbench.openMetricCsv',
  renameRun: 'mlWorkbench.renameRun',
  setRunTag: 'mlWorkbench.setRunTag',
  deleteRunTag: 'mlWorkbench.deleteRunTag',
  deleteRun: 'mlWorkbench.deleteRun',
  restoreRun: 'mlWorkbench.restoreRun',
  openRunInMlflowUi: 'mlWorkbench.openRunInMlflowUi',
  revealRunCommit: 'mlWorkbench.revealRunCommit',
  refreshModels: 'mlWorkbench.refreshModels',
  openModelSourceRun: 'mlWorkbench.openModelSourceRun',
  setModelAlias: 'mlWorkbench.setModelAlias',
  deleteModelAlias: 'mlWorkbench.deleteModelAlias',
  setModelTag: 'mlWorkbench.setModelTag',
  deleteModelTag: 'mlWorkbench.deleteModelTag',
  editModelDescription: 'mlWorkbench.editModelDescription',
  copyModelUri: 'mlWorkbench.copyModelUri',
  registerModel: 'mlWorkbench.registerModel',
  runStage: 'mlWorkbench.runStage',
  runStageDownstream: 'mlWorkbench.runStageDownstream',
  runPipeline: 'mlWorkbench.runPipeline',
  runExperiment: 'mlWorkbench.runExperiment',
  debugStage: 'mlWorkbench.debugStage',
  runEntryPoint: 'mlWorkbench.runEntryPoint',
  debugEntryPoint: 'mlWorkbench.debugEntryPoint',
  runPythonFile: 'mlWorkbench.runPythonFile',
  serveModel: 'mlWorkbench.serveModel',
  predictFile: 'mlWorkbench.predictFile',
  buildDockerImage: 'mlWorkbench.buildDockerImage',
  sendTestRequest: 'mlWorkbench.sendTestRequest',
  copyCurl: 'mlWorkbench.copyCurl',
  stopServer: 'mlWorkbench.stopServer',
  openServerLogs: 'mlWorkbench.openServerLogs',
  removeServer: 'mlWorkbench.removeServer',
  refreshServing: 'mlWorkbench.refreshServing',
  refreshMonitoring: 'mlWorkbench.refreshMonitoring',
  showDriftOverTime: 'mlWorkbench.showDriftOverTime',
  openCaptureLog: 'mlWorkbench.openCaptureLog',
  driftReport: 'mlWorkbench.driftReport',
  driftReportOfServer: 'mlWorkbench.driftReportOfServer',
  // DVC: Pipeline and Data views.
  refreshPipeline: 'mlWorkbench.refreshPipeline',
  showPipelineDag: 'mlWorkbench.showPipelineDag',
  openStagePart: 'mlWorkbench.openStagePart',
  refreshData: 'mlWorkbench.refreshData',
  diffDataWithWorkspace: 'mlWorkbench.diffDataWithWorkspace',
  diffDataVersions: 'mlWorkbench.diffDataVersions',
  checkoutDataVersion: 'mlWorkbench.checkoutDataVersion',
  // Team scale: DVC remotes, the local team server, artifact downloads.
  pushData: 'mlWorkbench.pushData',
  pullData: 'mlWorkbench.pullData',
  fetchData: 'mlWorkbench.fetchData',
  startTeamServer: 'mlWorkbench.startTeamServer',
  downloadArtifacts: 'mlWorkbench.downloadArtifacts',
  // Getting started: the walkthrough's steps and New ML Project.
  newProject: 'mlWorkbench.newProject',
  selectInterpreter: 'mlWorkbench.selectInterpreter',
  installPythonPackages: 'mlWorkbench.installPythonPackages',
  initGit: 'mlWorkbench.initGit',
  initDvc: 'mlWorkbench.initDvc',
  setUpTrackingStore: 'mlWorkbench.setUpTrackingStore',
  addDvcRemote: 'mlWorkbench.addDvcRemote',
  openWalkthrough: 'mlWorkbench.openWalkthrough',
  // Plots: DVC plots and MLflow logged images of several revisions.
  showPlots: 'mlWorkbench.showPlots',
  // Lineage and the Go/No-Go gate.
  showLineage: 'mlWorkbench.showLineage',
  promoteModelVersion: 'mlWorkbench.promoteModelVersion',
  revealModelVersion: 'mlWorkbench.revealModelVersion',
  revealDataVersion: 'mlWorkbench.revealDataVersion',
  // Deployment patterns.
  deploy: 'mlWorkbench.deploy',
  addBatchStage: 'mlWorkbench.addBatchStage',
  addDriftCheckStage: 'mlWorkbench.addDriftCheckStage',
  recordBatchModelVersion: 'mlWorkbench.recordBatchModelVersion',
  useModelInCode: 'mlWorkbench.useModelInCode',
  addQueueWorker: 'mlWorkbench.addQueueWorker',
  startRedis: 'mlWorkbench.startRedis',
  generateDockerfile: 'mlWorkbench.generateDockerfile',
  kubernetesManifests: 'mlWorkbench.kubernetesManifests',
  // The Experiments table.
  openExperimentsTable: 'mlWorkbench.openExperimentsTable',
} as const;

export const Settings = {
  trackingUri: 'trackingUri',
  pageSize: 'runs.pageSize',
  keyMetric: 'runs.keyMetric',
  pollIntervalSeconds: 'runs.pollIntervalSeconds',
  chartLiveSeconds: 'charts.liveIntervalSeconds',
  python: 'python',
  uiUrl: 'uiUrl',
  tasksEnvManager: 'tasks.envManager',
  tasksExperimentName: 'tasks.experimentName',
  keepServers: 'serving.keepServersOnClose',
  captureRequests: 'monitoring.captureRequests',
  captureFolder: 'monitoring.captureFolder',
  captureMaxMegabytes: 'monitoring.captureMaxMegabytes',
} as const;

/** Context keys used in `when` clauses of the manifest. */
export const ContextKeys = {
  /** 'ready' | 'missing' | 'error' | 'none': whether the Runs view has a store to read. */
  trackingState: 'mlWorkbench.trackingState',
  runsFiltered: 'mlWorkbench.runs.filtered',
  /** 'RUNNING' | 'FAILED' | 'all' */
  runsStatus: 'mlWorkbench.runs.status',
  runsShowDeleted: 'mlWorkbench.runs.showDeleted',
  /** The Getting Started walkthrough's steps, each true when the real state says it is done. */
  onboardingPython: 'mlWorkbench.onboarding.python',
  onboardingGit: 'mlWorkbench.onboarding.git',
  onboardingDvc: 'mlWorkbench.onboarding.dvc',
  onboardingPipeline: 'mlWorkbench.onboarding.pipeline',
  onboardingTrackingStore: 'mlWorkbench.onboarding.trackingStore',
  onboardingRemote: 'mlWorkbench.onboarding.remote',
  onboardingRepro: 'mlWorkbench.onboarding.repro',
  onboardingFirstRun: 'mlWorkbench.onboarding.firstRun',
} as const;

/** The walkthrough (package.json `contributes.walkthroughs`), as `workbench.action.openWalkthrough` names it. */
export const WALKTHROUGH_ID = 'mlWorkbench.gettingStarted';

/** `contextValue`s of tree items, matched by menus in the manifest. */
export const ContextValues = {
  monitoredModel: 'monitoredModel',
  experiment: 'experiment',
  run: 'run',
  deletedRun: 'deletedRun',
  group: 'group',
  entry: 'entry',
  metric: 'metric',
  artifactFile: 'artifactFile',
  artifactFolder: 'artifactFolder',
  loadMore: 'loadMore',
  tag: 'tag',
  loggedModel: 'loggedModel',
  error: 'error',
  registeredModel: 'registeredModel',
  modelVersion: 'modelVersion',
  modelAlias: 'modelAlias',
  modelTag: 'modelTag',
  modelSourceRun: 'modelSourceRun',
  server: 'server',
  stoppedServer: 'stoppedServer',
  dvcStage: 'dvcStage',
  dvcDataStage: 'dvcDataStage',
  dvcStagePart: 'dvcStagePart',
  dvcData: 'dvcData',
  dvcDataVersion: 'dvcDataVersion',
  dvcDataRun: 'dvcDataRun',
} as const;

/** Task types (package.json `taskDefinitions`). */
export const TaskTypes = {
  /** Training and deployment tasks (core/tasks TASK_TYPE). */
  workbench: 'mlWorkbench',
  /** The steps of a data checkout: `git checkout REV -- FILE`, `dvc checkout FILE`. */
  dvc: 'mlWorkbench.dvc',
  /** Deployment steps: generate-dockerfile, a local redis-server, a queue worker or client. */
  deploy: 'mlWorkbench.deploy',
} as const;

export const WebviewTypes = {
  run: 'mlWorkbench.run',
  metrics: 'mlWorkbench.metrics',
  compare: 'mlWorkbench.compare',
  plots: 'mlWorkbench.plots',
  pipelineGraph: 'mlWorkbench.pipelineGraph',
  dataDiff: 'mlWorkbench.dataDiff',
  lineage: 'mlWorkbench.lineage',
  gate: 'mlWorkbench.gate',
  experimentsTable: 'mlWorkbench.experimentsTable',
  drift: 'mlWorkbench.drift',
  evidentlyReport: 'mlWorkbench.evidentlyReport',
} as const;
