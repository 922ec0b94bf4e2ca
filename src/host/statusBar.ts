import * as vscode from 'vscode';
import { Commands } from './constants.js';
import { Disposable } from './dispose.js';
import { describe, type TrackingService, type TrackingState } from './tracking.js';

/** Shows which tracking store the views read, and whether it can be read. */
export class TrackingStatusBar extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem('mlWorkbench.trackingStore', vscode.StatusBarAlignment.Left, 10));

  constructor(tracking: TrackingService) {
    super();
    this.item.name = 'ML Workbench: Tracking Store';
    this.item.command = Commands.setTrackingUri;
    this.register(tracking.onDidChangeStore((state) => this.update(state)));
    this.update(tracking.state);
  }

  private update(state: TrackingState): void {
    if (state.kind === 'no-folder') {
      this.item.hide();
      return;
    }
    this.item.text = state.kind === 'ready' ? `$(beaker) ${state.store.label}` : state.kind === 'missing' ? '$(beaker) no MLflow store' : '$(warning) MLflow store';
    this.item.tooltip = `MLflow tracking store: ${describe(state)}\nClick to set the tracking URI.`;
    this.item.backgroundColor = state.kind === 'error' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }
}
