import * as vscode from 'vscode';

export const VIRTUAL_SCHEME = 'mlworkbench-view';

/**
 * Read-only documents the extension makes up (a run comparison, a git commit): being virtual,
 * they are never dirty and never ask to be saved when closed. The file name's extension picks
 * the language (`.md` Markdown, `.diff` diff).
 */
export class VirtualDocuments implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private next = 1;

  /** Keeps `text` and returns the URI that shows it. */
  add(text: string, fileName: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: VIRTUAL_SCHEME, path: `/${this.next++}/${fileName.replace(/[\\/\n\r]+/g, '-')}` });
    this.contents.set(uri.toString(), text);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? 'This view is no longer available: run the command again.\n';
  }
}
