import * as vscode from 'vscode';
import type { Logger } from '../../core/log.js';
import { baseUrl, curlCommand, payloadForVersion, sendTestRequest, type RequestPayload } from '../../core/tasks/index.js';
import { registerCommand } from '../commands/register.js';
import { Commands } from '../constants.js';
import type { VirtualDocuments } from '../documents/virtualDocuments.js';
import type { TrackingService } from '../tracking.js';
import type { ModelServer, ServerManager } from './servers.js';

export interface ServerCommandsContext {
  readonly log: Logger;
  readonly tracking: TrackingService;
  readonly servers: ServerManager;
  readonly documents: VirtualDocuments;
}

const SOURCE_TEXT: Record<RequestPayload['source'], string> = {
  'serving-input-example': "the model's serving input example",
  'input-example': "the model's input example",
  signature: "a body shaped like the model's signature",
  none: 'an empty body',
};

/** The Serving view's actions on one server. */
export function registerServerCommands(context: ServerCommandsContext): vscode.Disposable {
  const { log, tracking, servers, documents } = context;

  /** A row of the view (a server or one of its details), else the only server, else one picked. */
  const serverOf = async (element?: unknown): Promise<ModelServer | undefined> => {
    const id = (element as { id?: unknown } | undefined)?.id;
    if (typeof id === 'string') {
      // A notification's button can outlive its server.
      const server = servers.get(id);
      if (!server) void vscode.window.showInformationMessage('That model server is no longer running; serve the model again from the Models view.');
      return server;
    }
    const running = servers.servers;
    if (running.length <= 1) return running[0];
    return (await vscode.window.showQuickPick(running.map((s) => ({ label: s.modelUri, description: `:${s.port} · ${s.state}`, server: s })), { title: 'Which server?' }))?.server;
  };

  /** The body to send: the model's example as is; a skeleton from the signature goes through an editor first. */
  const requestBody = async (server: ModelServer): Promise<{ body: string; payload: RequestPayload } | undefined> => {
    const store = server.model ? tracking.forKey(server.model.trackingKey)?.state : undefined;
    const payload: RequestPayload = store?.kind === 'ready' && server.model ? await payloadForVersion(store.store, server.model) : { source: 'none', body: '{\n  "inputs": []\n}' };
    if (payload.source === 'serving-input-example' || payload.source === 'input-example') return { body: payload.body, payload };
    const document = await vscode.workspace.openTextDocument({ language: 'json', content: payload.body });
    await vscode.window.showTextDocument(document, { preview: false });
    const send = await vscode.window.showInformationMessage(`${server.modelUri} has no input example: edit the request body (${SOURCE_TEXT[payload.source]}), then send it.`, 'Send');
    return send ? { body: document.getText(), payload } : undefined;
  };

  const sendRequest = async (element?: unknown): Promise<void> => {
    const server = await serverOf(element);
    if (!server) return;
    const request = await requestBody(server);
    if (!request) return;
    try {
      JSON.parse(request.body);
    } catch (error) {
      void vscode.window.showErrorMessage(`The request body is not JSON: ${(error as Error).message}`);
      return;
    }
    const outcome = await sendTestRequest({ port: server.port }, request.body);
    const url = `${baseUrl({ port: server.port })}/invocations`;
    const status = outcome.ok ? `HTTP ${outcome.status}` : `no answer (${outcome.message})`;
    log.info(`test request to ${server.modelUri}: ${status} in ${outcome.latencyMs} ms`);
    const lines = [
      `# POST ${url} → ${status} in ${outcome.latencyMs} ms`,
      '',
      `Model ${server.modelUri}; request body from ${SOURCE_TEXT[request.payload.source]}${request.payload.file ? ` (${request.payload.file})` : ''}.`,
      '',
      `## Response${outcome.ok && outcome.contentType ? ` (${outcome.contentType})` : ''}`,
      '',
      fenced(outcome.ok ? outcome.body : outcome.message),
      '',
      '## Request',
      '',
      fenced(request.body),
      '',
    ];
    const uri = documents.add(lines.join('\n'), `response-${server.port}-${Date.now()}.md`);
    await vscode.window.showTextDocument(uri, { preview: true });
    const good = outcome.ok && outcome.status >= 200 && outcome.status < 300;
    const message = `${server.modelUri}: ${status} in ${outcome.latencyMs} ms`;
    if (good) void vscode.window.showInformationMessage(message);
    else void vscode.window.showWarningMessage(message);
  };

  const copyCurl = async (element?: unknown): Promise<void> => {
    const server = await serverOf(element);
    if (!server) return;
    const store = server.model ? tracking.forKey(server.model.trackingKey)?.state : undefined;
    const payload = store?.kind === 'ready' && server.model ? await payloadForVersion(store.store, server.model) : { body: '{"inputs": []}' };
    await vscode.env.clipboard.writeText(curlCommand({ port: server.port }, compactJson(payload.body)));
    vscode.window.setStatusBarMessage(`Copied a curl command for ${server.modelUri}`, 3_000);
  };

  const stop = async (element?: unknown): Promise<void> => {
    const server = await serverOf(element);
    if (!server) return;
    const { portFree } = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Stopping ${server.modelUri}…` }, () => servers.stop(server.id));
    vscode.window.setStatusBarMessage(`Stopped ${server.modelUri}; port ${server.port} ${portFree ? 'is free' : 'is still in use'}`, 5_000);
    if (!portFree) void vscode.window.showWarningMessage(`${server.modelUri} was stopped, but port ${server.port} is still in use by another process.`);
  };

  const openLogs = async (element?: unknown): Promise<void> => {
    const server = await serverOf(element);
    if (!server) return;
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(server.logFile));
    const editor = await vscode.window.showTextDocument(document, { preview: true });
    const end = document.lineAt(Math.max(0, document.lineCount - 1)).range.end;
    editor.revealRange(new vscode.Range(end, end));
  };

  const remove = async (element?: unknown): Promise<void> => {
    const server = await serverOf(element);
    if (server) servers.remove(server.id);
  };

  return vscode.Disposable.from(
    registerCommand(log, Commands.sendTestRequest, sendRequest),
    registerCommand(log, Commands.copyCurl, copyCurl),
    registerCommand(log, Commands.stopServer, stop),
    registerCommand(log, Commands.openServerLogs, openLogs),
    registerCommand(log, Commands.removeServer, remove),
    registerCommand(log, Commands.refreshServing, () => servers.checkAll()),
  );
}

function fenced(text: string): string {
  let pretty = text;
  try {
    // Indented, but an array of plain values stays on one line: a batch of inputs reads as a table.
    // Only the line breaks stringify added are touched (a JSON string never holds a raw one).
    pretty = JSON.stringify(JSON.parse(text), null, 2).replace(/\[\n\s*([^[\]{}]*?)\n\s*\]/g, (_all, items: string) => `[${items.split(/,\n\s*/).join(', ')}]`);
  } catch {
    // Not JSON: as the server sent it.
  }
  const lang = pretty === text && !/^[[{]/.test(text.trim()) ? 'text' : 'json';
  return `\`\`\`${lang}\n${pretty.trimEnd()}\n\`\`\``;
}

function compactJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}
