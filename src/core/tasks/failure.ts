/**
 * The one line that says why a task failed, from its captured output: the last Python exception
 * (`ValueError: …`), else the last `ERROR: …` line DVC prints (`ERROR: failed to reproduce
 * 'train': …`), else MLflow's logged CLI error (`2026/01/02 10:00:00 ERROR mlflow.cli: === … ===`),
 * else click's `Error: …`, else the last line.
 */
import { lastErrorLine } from './traceback.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007/g;

export function failureLine(output: string): string | undefined {
  const lines = output
    .replace(ANSI, '')
    .split(/\r?\n|\r/)
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '');
  // A stage's traceback says more than DVC's "failed to reproduce 'train': … exited with 1" after it.
  return (
    lastErrorLine(output) ??
    findLast(lines, (line) => /^ERROR:\s/.test(line)) ??
    mlflowLogError(findLast(lines, (line) => MLFLOW_LOG_ERROR.test(line))) ??
    findLast(lines, (line) => /^(Error|error):\s/.test(line)) ??
    lines.at(-1)?.trim()
  );
}

const MLFLOW_LOG_ERROR = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d ERROR [\w.]+: (.*)$/;

function mlflowLogError(line: string | undefined): string | undefined {
  const message = line === undefined ? undefined : MLFLOW_LOG_ERROR.exec(line)?.[1];
  return message?.replace(/^===\s*(.*?)\s*===$/, '$1');
}

function findLast(lines: readonly string[], accept: (line: string) => boolean): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) if (accept(lines[i]!)) return lines[i];
  return undefined;
}
