import { simpleGit } from 'simple-git';
import * as vscode from 'vscode';
import type { VirtualDocuments } from './documents/virtualDocuments.js';

/**
 * Shows a commit (message, stat and patch) in a read-only, never-dirty diff document. A commit
 * that is not in the folder's repository is said so plainly.
 */
export async function showGitCommit(folder: string, commit: string, documents: VirtualDocuments): Promise<void> {
  if (!/^[0-9a-f]{4,64}$/i.test(commit)) throw new Error(`"${commit}" is not a git commit id.`);
  const git = simpleGit({ baseDir: folder });
  let text: string;
  try {
    text = await git.show(['--stat', '--patch', '--format=fuller', commit]);
  } catch (error) {
    throw new Error(`Commit ${commit.slice(0, 12)} is not in the git repository of ${folder}: ${(error as Error).message.split('\n')[0]}`);
  }
  const document = await vscode.workspace.openTextDocument(documents.add(text, `commit ${commit.slice(0, 12)}.diff`));
  await vscode.window.showTextDocument(document, { preview: true });
}
