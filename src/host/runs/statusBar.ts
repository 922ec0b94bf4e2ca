import * as vscode from 'vscode';
import { describeStoreState } from '../../core/tracking/storeState.js';
import { Commands } from '../constants.js';
import { Disposable } from '../dispose.js';
import type { TrackingService } from '../tracking/trackingService.js';

/** Shows which tracking store the views read (of the active editor's folder), and whether it can be read. */
export class TrackingStatusBar extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem('mlWorkbench.trackingStore', vscode.StatusBarAlignment.Left, 10));

  constructor(private readonly tracking: TrackingService) {
    super();
    this.item.name = 'ML Workbench: Tracking Store';
    this.item.command = Commands.selectTrackingStore;
    this.register(tracking.onDidChangeStores(() => this.update()));
    this.register(vscode.window.onDidChangeActiveTextEditor(() => this.update()));
    this.update();
  }

  private update(): void {
    const folder = this.tracking.primary();
    if (!folder) {
      this.item.hide();
      return;
    }
    const { state } = folder;
    this.item.text = state.kind === 'ready' ? `$(beaker) ${state.store.label}` : state.kind === 'missing' ? '$(beaker) no MLflow store' : '$(warning) MLflow store';
    const where = this.tracking.folders.length > 1 ? ` of ${folder.folder.name}` : '';
    this.item.tooltip = `MLflow tracking store${where}: ${describeStoreState(state)}\nClick to select another store.`;
    this.item.backgroundColor = state.kind === 'error' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }
}
