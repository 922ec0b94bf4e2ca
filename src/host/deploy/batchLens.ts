import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { BATCH_PARAMS_FILE } from '../../core/deploy/batchStage.js';
import { checkBatchStages, findBatchStages, recordModelVersion } from '../../core/deploy/batchStatus.js';
import { batchStageLens, stageKeyLine } from '../../core/deploy/editorInfo.js';
import { RegistryLookup } from '../../core/deploy/resolve.js';
import { storeOf } from '../../core/tracking/storeState.js';
import { Commands } from '../constants.js';
import { Disposable } from '../dispose.js';
import type { TrackingService } from '../tracking/trackingService.js';
import { checkTrust } from '../trust.js';
import { applyWithConsent } from './consent.js';
import type { DeployFeature } from './feature.js';

/**
 * Above each batch prediction stage in dvc.yaml: the model reference it follows and whether the
 * version recorded in params.yaml is still the one the alias names; when the alias moved, a lens
 * records the new version (shown as a diff first), which is what makes `dvc repro` predict again.
 */
export class BatchStageLenses extends Disposable implements vscode.CodeLensProvider {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changeEmitter.event;

  constructor(private readonly tracking: TrackingService) {
    super();
    this.register(tracking.onDidChangeData(() => this.changeEmitter.fire()));
    this.register(tracking.onDidChangeStores(() => this.changeEmitter.fire()));
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    const text = document.getText();
    if (!text.includes('model_uri')) return [];
    const params = await readFile(join(dirname(document.uri.fsPath), BATCH_PARAMS_FILE), 'utf8').catch(() => undefined);
    const records = findBatchStages(text, params);
    if (records.length === 0) return [];
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    const store = storeOf(folder && this.tracking.forFolder(folder));
    if (!store) return [];
    const checks = await checkBatchStages(records, new RegistryLookup(store));
    if (token.isCancellationRequested) return [];
    return checks.flatMap((check) => {
      const line = stageKeyLine(text, check.record.stage);
      if (line === undefined) return [];
      const range = new vscode.Range(line, 0, line, 0);
      const lens = batchStageLens(check);
      const lenses = [new vscode.CodeLens(range, { title: lens.title, command: '', tooltip: check.explanation })];
      if (lens.moved) {
        lenses.push(new vscode.CodeLens(range, { title: `Record version ${lens.moved}`, command: Commands.recordBatchModelVersion, arguments: [document.uri.toString(), check.record.section, lens.moved], tooltip: `Set ${check.record.section}.model_version to ${lens.moved} in ${BATCH_PARAMS_FILE}: the stage re-runs on dvc repro.` }));
      }
      return lenses;
    });
  }
}

/** Sets `<section>.model_version` in the params.yaml beside dvc.yaml, after showing the diff. */
export async function recordBatchModelVersion({ services }: DeployFeature, dvcYamlUri?: unknown, section?: unknown, version?: unknown): Promise<void> {
  if (typeof dvcYamlUri !== 'string' || typeof section !== 'string' || typeof version !== 'string') return;
  if (!checkTrust('Recording a model version for a batch stage')) return;
  const dir = vscode.Uri.joinPath(vscode.Uri.parse(dvcYamlUri), '..');
  const before = await readFile(join(dir.fsPath, BATCH_PARAMS_FILE), 'utf8');
  const after = recordModelVersion(before, section, version);
  if (await applyWithConsent(services.documents, dir, [{ path: BATCH_PARAMS_FILE, before, after }], `Record version ${version} for "${section}"`)) {
    vscode.window.setStatusBarMessage(`${section}.model_version = ${version}: dvc repro predicts with it`, 5_000);
  }
}
