import * as vscode from 'vscode';
import { commitText } from '../core/lineage/runsAtCommit.js';
import type { VirtualDocuments } from './documents/virtualDocuments.js';

/** Shows a commit (message, stat and patch) in a read-only, never-dirty diff document. */
export async function showGitCommit(folder: string, commit: string, documents: VirtualDocuments): Promise<void> {
  const text = await commitText(folder, commit);
  const document = await vscode.workspace.openTextDocument(documents.add(text, `commit ${commit.slice(0, 12)}.diff`));
  await vscode.window.showTextDocument(document, { preview: true });
}
