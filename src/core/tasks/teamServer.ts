/**
 * The *Start Team Server (local)* task: scripts/team-server.mjs — a throwaway PostgreSQL cluster,
 * moto's S3 API server and `mlflow server --serve-artifacts` on them, all on 127.0.0.1 — run with
 * the user's interpreter (which needs mlflow, moto[server,s3] and psycopg2). It prints the tracking
 * URI and the `dvc remote` commands, and stops and removes everything on SIGINT/SIGTERM/SIGHUP
 * (the task's terminal closing or being killed); a rig whose script died without that is removed
 * by the next start.
 */
import { requireOperand, TaskError, type TaskSpec } from './spec.js';

export interface TeamServerTaskOptions {
  /**
   * A Node.js to run the script (in VS Code: `process.execPath` with `ELECTRON_RUN_AS_NODE=1` in
   * `env`, the extension host's own runtime).
   */
  readonly node: string;
  /** The script's absolute path as shipped with the extension. */
  readonly script: string;
  /** The user's interpreter. */
  readonly python: string;
  /** Where the task runs (the workspace folder); the rig itself lives in a temp folder. */
  readonly cwd: string;
  /** MLflow's port (a free one otherwise). */
  readonly port?: number;
  readonly env?: Readonly<Record<string, string>>;
}

export const TEAM_SERVER_TASK_LABEL = 'Start Team Server (local)';

export function teamServerTask(options: TeamServerTaskOptions): TaskSpec {
  const args = [requireOperand(options.script, 'team server script'), '--python', requireOperand(options.python, 'Python interpreter')];
  if (options.port !== undefined) {
    if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65_535) {
      throw new TaskError('invalid-argument', `The port must be an integer from 1 to 65535, not ${options.port}.`, String(options.port));
    }
    args.push('--port', String(options.port));
  }
  return { command: requireOperand(options.node, 'Node.js runtime'), args, cwd: options.cwd, env: { ...(options.env ?? {}) }, label: TEAM_SERVER_TASK_LABEL };
}
