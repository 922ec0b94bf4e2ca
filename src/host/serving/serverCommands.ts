import * as vscode from 'vscode';
import { baseUrl, curlCommand, payloadForVersion, sendTestRequest, type RequestPayload } from '../../core/tasks/index.js';
import { storeOf } from '../../core/tracking/storeState.js';
import type { CommandTable } from '../commands.js';
import { existsSync } from 'node:fs';
import { openSetting } from '../config.js';
import { Commands, Settings } from '../constants.js';
import type { ServingFeature } from './feature.js';
import type { ModelServer } from '../../core/tasks/modelServers.js';

const SOURCE_TEXT: Record<RequestPayload['source'], string> = {
  'serving-input-example': "the model's serving input example",
  'input-example': "the model's input example",
  signature: "a body shaped like the model's signature",
  none: 'an empty body',
};

/** The Serving view's actions on one server. */
export const serverCommands: CommandTable<ServingFeature> = {
  [Commands.sendTestRequest]: sendRequest,
  [Commands.copyCurl]: copyCurl,
  [Commands.stopServer]: stopServer,
  [Commands.openServerLogs]: openServerLogs,
  [Commands.removeServer]: removeServer,
  [Commands.refreshServing]: ({ servers }) => servers.checkAll(),
  [Commands.openCaptureLog]: openCaptureLog,
  [Commands.driftReportOfServer]: driftReportOfServer,
};

/** A row of the view (a server or one of its details), else the only server, else one picked. */
async function serverOf({ servers }: ServingFeature, element?: unknown): Promise<ModelServer | undefined> {
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
}

/** The served version's request body, read from its store (none when the store is gone). */
async function payloadOf({ services }: ServingFeature, server: ModelServer): Promise<RequestPayload | undefined> {
  const store = server.model ? storeOf(services.tracking.forKey(server.model.trackingKey)) : undefined;
  return store && server.model ? payloadForVersion(store, server.model) : undefined;
}

/** The body to send: the model's example as is; a skeleton from the signature goes through an editor first. */
async function requestBody(feature: ServingFeature, server: ModelServer): Promise<{ body: string; payload: RequestPayload } | undefined> {
  const payload: RequestPayload = (await payloadOf(feature, server)) ?? { source: 'none', body: '{\n  "inputs": []\n}' };
  if (payload.source === 'serving-input-example' || payload.source === 'input-example') return { body: payload.body, payload };
  const document = await vscode.workspace.openTextDocument({ language: 'json', content: payload.body });
  await vscode.window.showTextDocument(document, { preview: false });
  const send = await vscode.window.showInformationMessage(`${server.modelUri} has no input example: edit the request body (${SOURCE_TEXT[payload.source]}), then send it.`, 'Send');
  return send ? { body: document.getText(), payload } : undefined;
}

async function sendRequest(feature: ServingFeature, element?: unknown): Promise<void> {
  const server = await serverOf(feature, element);
  if (!server) return;
  const request = await requestBody(feature, server);
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
  feature.services.log.info(`test request to ${server.modelUri}: ${status} in ${outcome.latencyMs} ms`);
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
  const uri = feature.services.documents.add(lines.join('\n'), `response-${server.port}-${Date.now()}.md`);
  await vscode.window.showTextDocument(uri, { preview: true });
  const good = outcome.ok && outcome.status >= 200 && outcome.status < 300;
  const message = `${server.modelUri}: ${status} in ${outcome.latencyMs} ms`;
  if (good) void vscode.window.showInformationMessage(message);
  else void vscode.window.showWarningMessage(message);
}

async function copyCurl(feature: ServingFeature, element?: unknown): Promise<void> {
  const server = await serverOf(feature, element);
  if (!server) return;
  const payload = (await payloadOf(feature, server)) ?? { body: '{"inputs": []}' };
  await vscode.env.clipboard.writeText(curlCommand({ port: server.port }, compactJson(payload.body)));
  vscode.window.setStatusBarMessage(`Copied a curl command for ${server.modelUri}`, 3_000);
}

async function stopServer(feature: ServingFeature, element?: unknown): Promise<void> {
  const server = await serverOf(feature, element);
  if (!server) return;
  const { portFree } = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Stopping ${server.modelUri}…` }, () => feature.servers.stop(server.id));
  vscode.window.setStatusBarMessage(`Stopped ${server.modelUri}; port ${server.port} ${portFree ? 'is free' : 'is still in use'}`, 5_000);
  if (!portFree) void vscode.window.showWarningMessage(`${server.modelUri} was stopped, but port ${server.port} is still in use by another process.`);
}

async function openServerLogs(feature: ServingFeature, element?: unknown): Promise<void> {
  const server = await serverOf(feature, element);
  if (!server) return;
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(server.logFile));
  const editor = await vscode.window.showTextDocument(document, { preview: true });
  const end = document.lineAt(Math.max(0, document.lineCount - 1)).range.end;
  editor.revealRange(new vscode.Range(end, end));
}

/** The server's capture log, at its end (a log not written yet: says so; capture off: the setting). */
async function openCaptureLog(feature: ServingFeature, element?: unknown): Promise<void> {
  const server = await serverOf(feature, element);
  if (!server) return;
  const info = feature.capture.info(server);
  if (!info) {
    const action = await vscode.window.showInformationMessage(`Requests to ${server.modelUri} are not captured: capture was off when it started. Turn it on and serve the model again.`, 'Open Settings');
    if (action) await openSetting(Settings.captureRequests);
    return;
  }
  if (info.stats.rows === 0 && !existsSync(info.path)) {
    void vscode.window.showInformationMessage(`Nothing captured yet for ${server.modelUri}: send a request to ${baseUrl({ port: server.port })}/invocations (or Send Test Request) first. The log will be ${info.path}.`);
    return;
  }
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(info.path));
  const editor = await vscode.window.showTextDocument(document, { preview: true });
  const end = document.lineAt(Math.max(0, document.lineCount - 1)).range.end;
  editor.revealRange(new vscode.Range(end, end));
}

/** Drift Report… of a server's capture against its model version's training data (the monitoring feature's command). */
async function driftReportOfServer(feature: ServingFeature, element?: unknown): Promise<void> {
  const server = await serverOf(feature, element);
  if (!server) return;
  const info = feature.capture.info(server);
  if (!info || (info.stats.rows === 0 && !existsSync(info.path))) {
    void vscode.window.showInformationMessage(`Nothing captured for ${server.modelUri} yet: a drift report compares the requests it received with its training data. Send requests first${info ? '' : ' (capture was off when it started)'}.`);
    return;
  }
  const model = server.model ? { trackingKey: server.model.trackingKey, name: server.model.name, version: server.model.version } : undefined;
  await vscode.commands.executeCommand(Commands.driftReport, { kind: 'capture-spec', capturePath: info.path, captureName: server.modelUri.replace(/^models:\//, ''), ...(model ? { model } : {}) });
}

async function removeServer(feature: ServingFeature, element?: unknown): Promise<void> {
  const server = await serverOf(feature, element);
  if (server) feature.servers.remove(server.id);
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
