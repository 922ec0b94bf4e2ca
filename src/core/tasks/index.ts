/**
 * Tasks core: everything the Task provider, "Debug Stage/Entry Point" and the Serving view need
 * that is not VS Code. The host turns a TaskSpec into
 * `new vscode.ProcessExecution(spec.command, [...spec.args], { cwd: spec.cwd, env: spec.env })`
 * (never a ShellExecution: an argv array reaches the program as-is, so a parameter value such as
 * `'; rm -rf ~ #` is one literal argument), and a DebugLaunchConfig into `vscode.debug.startDebugging`.
 *
 * Builders (pure; throw TaskError with a `reason` — see spec.ts):
 * - DVC (dvc.ts), as `<python> -m dvc`: `dvcRepro({ python, cwd, targets?, downstream?, force? })`
 *   (no targets: the whole pipeline), `dvcExpRun({ …, setParams: { 'train.lr': '0.01' }, name? })`,
 *   `dvcCheckout({ targets, force? })`, `dataVersionCheckout({ revision, dvcFile })` → [git, dvc],
 *   `dvcPush` / `dvcFetch` / `dvcPull({ targets?, remote?, jobs?, recursive?, force? })` (no targets: everything).
 * - Team server (teamServer.ts): `teamServerTask({ node, script, python, cwd, port? })` runs
 *   scripts/team-server.mjs (PostgreSQL + moto S3 + `mlflow server`) with the user's interpreter.
 * - MLflow (mlflow.ts), as `<python> -m mlflow`: `mlflowRun({ python, cwd, project, entryPoint,
 *   parameters, envManager = 'local', tracking })` checks the values first; `pythonScript({ python,
 *   cwd, script, args, tracking })` sets MLFLOW_TRACKING_URI / MLFLOW_EXPERIMENT_NAME|ID;
 *   `modelsServe({ modelUri, port, host = 127.0.0.1, envManager = 'local' })`, `modelsPredict({
 *   modelUri, inputPath, outputPath, contentType? })`, `modelsBuildDocker({ modelUri, imageName })`,
 *   `registeredModelUri(name, { version } | { alias })`.
 * - MLproject (mlproject.ts, mlprojectParams.ts): `loadMlProject(dir)` / `parseMlProject(text)` as
 *   MLflow reads the file (PyYAML typing of defaults included), `resolveEntryPoint(project, name)`
 *   (declared, or a .py/.sh script), `checkParameterValue(param, value, ctx)` for a quick input's
 *   validateInput, `parameterProblems` / `checkParameters` for all of them,
 *   `formatEntryPointCommand` = the shell command MLflow would run.
 * - Debug (debugLaunch.ts): `stageDebugConfig({ stage, cmd, dvcYamlDir, wdir })`,
 *   `entryPointDebugConfig({ project, projectDir, entryPoint, parameters, tracking })`,
 *   `debugConfigForCommand(cmd, ctx)` → a debugpy launch configuration, or `{ reason: 'not-python',
 *   message }` for anything that is not a single Python command (`isDebuggable` tells them apart).
 * - Problems (traceback.ts, problemMatcher.ts): `parseTracebacks(output)`,
 *   `tracebackDiagnostics(output, { preferUnder })`, `lastErrorLine(output)`; the contributed
 *   matchers `PYTHON_PROBLEM_MATCHERS` (= package.json) and the task's `PYTHON_PROBLEM_MATCHER_REFERENCES`.
 *
 * Machine (machine.ts, does I/O): `findFreePort()`, `isPortInUse(port)`, `findOnPath(name)`,
 * `dockerAvailability()` → `{ available: false, reason: 'unavailable', message: 'unavailable: docker not found on PATH' }`.
 *
 * Serving (servingClient.ts, servingPayload.ts): `checkHealth({ port })` (/ping + /version),
 * `waitUntilHealthy`, `sendTestRequest({ port }, json)` → status, body, latencyMs; `curlCommand`;
 * `requestPayload(mlmodelText, readFile)` → the body from serving_input_example.json, else
 * input_example.json, else a skeleton from the signature.
 * The model servers themselves (modelServers.ts, not re-exported here: it spawns): `ServerManager`
 * starts, checks, stops and records them (process groups, a log file each, adopted again by a
 * later window when still running as the same command).
 */
export * from './spec.js';
export * from './dvc.js';
export * from './mlflow.js';
export * from './mlproject.js';
export * from './mlprojectParams.js';
export * from './debugLaunch.js';
export * from './shellWords.js';
export * from './traceback.js';
export * from './problemMatcher.js';
export * from './machine.js';
export * from './servingClient.js';
export * from './servingPayload.js';
export { pythonFloatRepr, shlexQuote } from './pythonValues.js';
export * from './definition.js';
export * from './expParams.js';
export * from './failure.js';
export * from './teamServer.js';
