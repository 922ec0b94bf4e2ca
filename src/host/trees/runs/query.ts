import * as vscode from 'vscode';
import type { RunViewQuery } from '../../../core/tracking/runQuery.js';
import { Disposable } from '../../dispose.js';

const QUERY_KEY = 'mlWorkbench.runs.query';
const HISTORY_KEY = 'mlWorkbench.runs.filterHistory';
const HISTORY_SIZE = 10;

/** The Runs view's filter, toggles and sort, kept per workspace; plus the recent filters. */
export class RunsQueryState extends Disposable {
  private readonly emitter = this.register(new vscode.EventEmitter<RunViewQuery>());
  readonly onDidChange = this.emitter.event;

  constructor(private readonly memento: vscode.Memento) {
    super();
  }

  get current(): RunViewQuery {
    return this.memento.get<RunViewQuery>(QUERY_KEY, {});
  }

  get history(): readonly string[] {
    return this.memento.get<string[]>(HISTORY_KEY, []);
  }

  async update(change: Partial<RunViewQuery>): Promise<void> {
    const next: RunViewQuery = { ...this.current, ...change };
    await this.memento.update(QUERY_KEY, next);
    if (change.filter) await this.memento.update(HISTORY_KEY, [change.filter, ...this.history.filter((f) => f !== change.filter)].slice(0, HISTORY_SIZE));
    this.emitter.fire(next);
  }

  async clear(): Promise<void> {
    await this.memento.update(QUERY_KEY, {});
    this.emitter.fire({});
  }
}
