import * as vscode from 'vscode';

export const COMPARE_SCHEME = 'mlflow-compare';

/**
 * Read-only Markdown documents for "Compare Runs", shown in VS Code's Markdown preview. Being
 * virtual, they never ask to be saved when the window closes.
 */
export class CompareDocuments implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private next = 1;

  /** Keeps `markdown` and returns the URI that shows it. */
  add(markdown: string, title: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: COMPARE_SCHEME, path: `/${this.next++}/${title.replace(/[^\w.-]+/g, '-')}.md` });
    this.contents.set(uri.toString(), markdown);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '# This comparison is no longer available\n\nRun "Compare Runs" again.\n';
  }
}
