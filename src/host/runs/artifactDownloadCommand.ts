import { basename } from 'node:path';
import * as vscode from 'vscode';
import { downloadArtifacts } from '../../core/tracking/artifactDownload.js';
import { downloadProgressStep } from '../../core/tracking/downloadProgress.js';
import { requireStore } from '../../core/tracking/storeState.js';
import { toAbortSignal } from '../cancellation.js';
import type { CommandTable } from '../commands.js';
import { Commands } from '../constants.js';
import type { RunsFeature } from './feature.js';
import type { RunsElement } from './treeNodes.js';

export const artifactDownloadCommands: CommandTable<RunsFeature> = {
  [Commands.downloadArtifacts]: downloadArtifact,
};

/**
 * "Download…" on an artifact file or folder: to a folder the user picks, through the store
 * (a tracking server's artifact proxy for a server), streamed file by file into temporary files
 * renamed once complete, with a progress notification whose Cancel stops it (core
 * downloadArtifacts: what finished stays, nothing partial under a real name).
 */
async function downloadArtifact({ services }: RunsFeature, element?: RunsElement): Promise<void> {
  if (element?.kind !== 'artifact') throw new Error('Choose an artifact of a run in the Runs view.');
  const { owner, file } = element;
  const folder = owner.experiment.tracking;
  const store = requireStore(services.tracking.forKey(folder.key));
  const [target] =
    (await vscode.window.showOpenDialog({
      title: `Download ${file.path} to…`,
      openLabel: 'Download Here',
      canSelectFolders: true,
      canSelectFiles: false,
      defaultUri: folder.folder.uri,
    })) ?? [];
  if (!target) return;
  const name = basename(file.path);
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Downloading ${name}`, cancellable: true }, async (progress, token) => {
    let percent = 0;
    return downloadArtifacts(store, owner.run.info.run_id, file.path, target.fsPath, {
      signal: toAbortSignal(token),
      onProgress: (moved) => {
        const step = downloadProgressStep(moved, percent);
        progress.report({ message: step.message, increment: step.percent - percent });
        percent = step.percent;
      },
    });
  });
  const local = vscode.Uri.file(result.localPath);
  const action = await vscode.window.showInformationMessage(`Downloaded ${name} (${result.files.length} ${result.files.length === 1 ? 'file' : 'files'}) to ${result.localPath}`, ...(file.is_dir ? ['Reveal'] : ['Open', 'Reveal']));
  if (action === 'Open') await vscode.commands.executeCommand('vscode.open', local);
  else if (action === 'Reveal') await vscode.commands.executeCommand('revealFileInOS', local);
}
