import type * as vscode from 'vscode';
import type { ExperimentNote } from '../../core/experimentsTable/index.js';

const KEY = 'mlWorkbench.experimentNotes';
const MAX_NOTE = 5000;

/**
 * Stars and notes of DVC experiments, kept in the extension's workspace storage keyed by the DVC
 * root and the experiment's commit id: nothing is written into the user's repository (a git ref
 * cannot carry a message, and a file in the repo would show up as a change), and a commit id stays
 * the same when the experiment is renamed, pushed or applied. They are not shared through git.
 */
export class ExperimentNotes {
  constructor(private readonly memento: vscode.Memento) {}

  get(root: string, rev: string): ExperimentNote | undefined {
    const value = this.all()[`${root}\u0000${rev}`];
    return value && typeof value.starred === 'boolean' && typeof value.note === 'string' ? value : undefined;
  }

  async set(root: string, rev: string, change: Partial<ExperimentNote>): Promise<void> {
    const all = { ...this.all() };
    const key = `${root}\u0000${rev}`;
    const next = { starred: false, note: '', ...all[key], ...change };
    next.note = next.note.slice(0, MAX_NOTE);
    if (!next.starred && next.note === '') delete all[key];
    else all[key] = next;
    await this.memento.update(KEY, all);
  }

  private all(): Record<string, ExperimentNote> {
    const value = this.memento.get<unknown>(KEY);
    return typeof value === 'object' && value !== null ? (value as Record<string, ExperimentNote>) : {};
  }
}
