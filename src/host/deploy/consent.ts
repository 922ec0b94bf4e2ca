import { posix } from 'node:path';
import * as vscode from 'vscode';
import type { FileEdit } from '../../core/deploy/batchStage.js';
import type { VirtualDocuments } from '../virtualDocuments.js';

const APPLY = 'Apply';

/**
 * Shows each edit as a diff (a virtual "before" against a virtual "after": nothing is written yet),
 * asks once, and applies them through a WorkspaceEdit (undoable, saved): a new file is created only
 * where none exists, an existing one changed only if it still holds what the diff showed. False when
 * the user declines or a file changed meanwhile (said so).
 */
export async function applyWithConsent(documents: VirtualDocuments, root: vscode.Uri, edits: readonly FileEdit[], what: string): Promise<boolean> {
  const changed = edits.filter((edit) => edit.before !== edit.after);
  if (changed.length === 0) return true;
  // The first edit is the one that matters most (dvc.yaml, requirements.txt): shown last, so it is the active tab.
  const shown = new Set<string>();
  for (const edit of [...changed].reverse()) {
    const name = posix.basename(edit.path);
    const before = documents.add(edit.before ?? '', name);
    const after = documents.add(edit.after, name);
    shown.add(after.toString());
    const label = edit.before === undefined ? `${edit.path} (new file)` : `${edit.path} (proposed change)`;
    await vscode.commands.executeCommand('vscode.diff', before, after, label, { preview: false });
  }
  const files = changed.map((edit) => `${edit.before === undefined ? 'create' : 'change'} ${edit.path}`).join('\n');
  const choice = await vscode.window.showInformationMessage(`${what}: apply the changes shown?`, { modal: true, detail: `${files}\n\nNothing is overwritten; Undo reverts the edits.` }, APPLY);
  // Declined, the diffs stay open to be read again; applied, the files themselves replace them.
  if (choice !== APPLY) return false;
  const applied = await applyEdits(root, changed);
  if (applied) await closeDiffs(shown);
  return applied;
}

async function closeDiffs(shown: ReadonlySet<string>): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) => tab.input instanceof vscode.TabInputTextDiff && shown.has(tab.input.modified.toString()));
  if (tabs.length > 0) await vscode.window.tabGroups.close(tabs);
}

async function applyEdits(root: vscode.Uri, edits: readonly FileEdit[]): Promise<boolean> {
  const workspaceEdit = new vscode.WorkspaceEdit();
  const uris: vscode.Uri[] = [];
  for (const edit of edits) {
    const uri = vscode.Uri.joinPath(root, ...edit.path.split('/'));
    uris.push(uri);
    const current = await readText(uri);
    if (edit.before === undefined) {
      if (current !== undefined) return stale(edit.path, 'was created meanwhile');
      workspaceEdit.createFile(uri, { overwrite: false, ignoreIfExists: false, contents: new TextEncoder().encode(edit.after) });
      continue;
    }
    if (current !== edit.before) return stale(edit.path, current === undefined ? 'was deleted meanwhile' : 'changed meanwhile');
    const document = await vscode.workspace.openTextDocument(uri);
    workspaceEdit.replace(uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), edit.after);
  }
  if (!(await vscode.workspace.applyEdit(workspaceEdit))) {
    void vscode.window.showErrorMessage('The changes could not be applied (VS Code refused the edit); nothing was written.');
    return false;
  }
  for (const uri of uris) {
    const document = vscode.workspace.textDocuments.find((open) => open.uri.toString() === uri.toString());
    if (document?.isDirty) await document.save();
  }
  return true;
}

/** The file as an open editor holds it (unsaved changes included), else as on disk; undefined when absent. */
async function readText(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
  if (open) return open.getText();
  try {
    return await new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

function stale(path: string, how: string): false {
  void vscode.window.showWarningMessage(`${path} ${how}: nothing was written. Run the command again to see the changes against the file as it is now.`);
  return false;
}
