/**
 * argv of DVC's experiment and queue commands (dvc 3.x: `dvc exp apply|branch|remove|push|pull`,
 * `dvc queue start|stop|kill|logs`), each operand checked so it cannot be read as an option.
 */
import type { DvcBase } from './dvc.js';
import { requireOperand, type TaskSpec } from './spec.js';

export type DvcExperimentAction =
  | { readonly kind: 'apply'; readonly rev: string }
  | { readonly kind: 'branch'; readonly rev: string; readonly branch: string }
  | { readonly kind: 'remove'; readonly revs: readonly string[] }
  | { readonly kind: 'push'; readonly remote: string; readonly revs: readonly string[] }
  /** Every experiment the remote has of HEAD (DVC's default), or of every commit (`--all-commits`). */
  | { readonly kind: 'pull'; readonly remote: string; readonly allCommits: boolean }
  | { readonly kind: 'queueStart'; readonly jobs: number }
  | { readonly kind: 'queueStop' }
  | { readonly kind: 'kill'; readonly revs: readonly string[] }
  | { readonly kind: 'logs'; readonly rev: string };

export function dvcExperimentCommand(options: DvcBase, action: DvcExperimentAction): TaskSpec {
  const args = argsOf(action);
  return { command: options.python, args: ['-m', 'dvc', ...args], cwd: options.cwd, env: { ...(options.env ?? {}) }, label: `dvc ${args.join(' ')}` };
}

function argsOf(action: DvcExperimentAction): string[] {
  const revs = (list: readonly string[]): string[] => {
    if (list.length === 0) requireOperand('', 'experiment');
    return list.map((r) => requireOperand(r, 'experiment'));
  };
  switch (action.kind) {
    case 'apply':
      return ['exp', 'apply', requireOperand(action.rev, 'experiment')];
    case 'branch':
      return ['exp', 'branch', requireOperand(action.rev, 'experiment'), requireOperand(action.branch, 'branch name')];
    case 'remove':
      return ['exp', 'remove', ...revs(action.revs)];
    case 'push':
      return ['exp', 'push', requireOperand(action.remote, 'git remote'), ...revs(action.revs)];
    case 'pull':
      return ['exp', 'pull', ...(action.allCommits ? ['--all-commits'] : []), requireOperand(action.remote, 'git remote')];
    case 'queueStart':
      return ['queue', 'start', '--jobs', String(Math.max(1, Math.min(16, Math.floor(action.jobs))))];
    case 'queueStop':
      return ['queue', 'stop'];
    case 'kill':
      return ['queue', 'kill', ...revs(action.revs)];
    case 'logs':
      return ['queue', 'logs', requireOperand(action.rev, 'experiment')];
  }
}
