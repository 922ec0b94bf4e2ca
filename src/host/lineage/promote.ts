import { relative } from 'node:path';
import * as vscode from 'vscode';
import { CriteriaError, criteriaTemplate, DEFAULT_CRITERIA_FILE, MAX_CRITERIA_BYTES, parseCriteria, type CriteriaFile } from '../../core/lineage/criteria.js';
import { evaluateGate, promote, type GateReport } from '../../core/lineage/gate.js';
import { modelNameFilter } from '../../core/models/modelFiles.js';
import { Commands } from '../constants.js';
import type { GatePanelState } from '../../protocol/gatePanel.js';
import type { LineageFeature } from './feature.js';
import { GatePanel } from './panels.js';
import { pickModelVersion, placeOf, subjectOf, type Subject } from './subjects.js';

type VersionSubject = Subject & { kind: 'model-version' };

/**
 * Promote…: the alias to move, the gate evaluated against the workspace's criteria file, the
 * Go/No-Go report in its panel. Go moves the alias through MLflow after recording the decision
 * (core promote); No-Go moves nothing unless the user overrides in a modal, with a reason that is
 * recorded. With no criteria file, a template is shown and written only when the user says so.
 */
export async function promoteModelVersion(feature: LineageFeature, target?: unknown, ...rest: unknown[]): Promise<void> {
  const subject = subjectOf(feature.services, target, ...rest) ?? (await pickModelVersion(feature.services, 'Promote…'));
  if (!subject) return;
  if (subject.kind !== 'model-version') throw new Error('Promote… works on a registered model version.');
  const criteria = await readCriteria(feature, subject);
  if (!criteria) return;
  const rules = criteria.file.models.get(subject.name);
  if (!rules) {
    const open = await vscode.window.showErrorMessage(`${criteria.label} has no criteria for registered model '${subject.name}' (it has: ${[...criteria.file.models.keys()].join(', ') || 'none'}).`, 'Open Criteria File');
    if (open) await vscode.window.showTextDocument(criteria.uri);
    return;
  }
  const alias = await pickAlias(subject, rules.alias);
  if (!alias) return;
  await evaluateAndShow(feature, subject, alias);
}

interface ReadCriteria {
  readonly uri: vscode.Uri;
  readonly label: string;
  readonly file: CriteriaFile;
}

async function readCriteria(feature: LineageFeature, subject: VersionSubject): Promise<ReadCriteria | undefined> {
  const uri = vscode.Uri.joinPath(subject.tracking.folder.uri, DEFAULT_CRITERIA_FILE);
  const label = relative(subject.tracking.folder.uri.fsPath, uri.fsPath).split('\\').join('/');
  let bytes: Uint8Array;
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > MAX_CRITERIA_BYTES) throw new CriteriaError(`${label} is larger than ${MAX_CRITERIA_BYTES} bytes`);
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch (error) {
    if (!(error instanceof vscode.FileSystemError) || error.code !== 'FileNotFound') throw error;
    await offerTemplate(feature, subject, uri, label);
    return undefined;
  }
  return { uri, label, file: parseCriteria(new TextDecoder().decode(bytes), label) };
}

/** Shows the template in an editor first; writes it only on the user's Create. */
async function offerTemplate(feature: LineageFeature, subject: VersionSubject, uri: vscode.Uri, label: string): Promise<void> {
  const store = placeOf(subject.tracking).store;
  const version = (await feature.services.lineage.service(placeOf(subject.tracking))).findModelVersion(subject.name, { version: subject.version });
  const run = await version.then((v) => (v.run_id ? store.getRun(v.run_id) : undefined)).catch(() => undefined);
  const text = criteriaTemplate(subject.name, (run?.data.metrics ?? []).map((m) => m.key));
  const preview = await vscode.workspace.openTextDocument({ language: 'yaml', content: text });
  await vscode.window.showTextDocument(preview, { preview: true });
  const answer = await vscode.window.showInformationMessage(
    `No acceptance criteria yet: Promote… checks a model version against ${label}.`,
    { modal: true, detail: `Create ${label} with the criteria shown in the editor? Review the thresholds, then run Promote… again.` },
    'Create Criteria File',
  );
  if (answer !== 'Create Criteria File') return;
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(preview.getText()));
  await vscode.window.showTextDocument(uri);
}

async function pickAlias(subject: VersionSubject, declared: string): Promise<string | undefined> {
  const store = placeOf(subject.tracking).store;
  const model = (await store.searchRegisteredModels({ filter: modelNameFilter(subject.name) })).items.find((m) => m.name === subject.name);
  const aliases = new Map<string, string>();
  aliases.set(declared, 'the criteria file\'s alias');
  for (const a of model?.aliases ?? []) if (!aliases.has(a.alias)) aliases.set(a.alias, '');
  const items = [...aliases].map(([alias, why]) => {
    const holder = model?.aliases?.find((a) => a.alias === alias)?.version;
    return { label: `@${alias}`, alias, description: [why, holder ? (holder === subject.version ? 'already on this version' : `now on v${holder}`) : 'not set yet'].filter(Boolean).join(' · ') };
  });
  const pick = await vscode.window.showQuickPick(items, { title: `Promote ${subject.name} v${subject.version} to…`, placeHolder: 'The alias to move (its current version is the champion the criteria compare against)' });
  return pick?.alias;
}

async function evaluateAndShow(feature: LineageFeature, subject: VersionSubject, alias: string, note: string | null = null): Promise<void> {
  const criteria = await readCriteria(feature, subject);
  if (!criteria) return;
  const place = placeOf(subject.tracking);
  const lineage = await feature.services.lineage.service(place);
  const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Evaluating the gate for ${subject.name} v${subject.version}…` }, () =>
    evaluateGate({ store: place.store, lineage, criteria: criteria.file, criteriaFile: criteria.label }, subject.name, subject.version, alias),
  );
  const state: GatePanelState = { report, phase: 'evaluated', note, criteriaLabel: criteria.label };
  const panel = GatePanel.show(feature.extensionUri, state, {
    promote: () => write(feature, subject, panel, state, report, undefined),
    override: () => overrideAndPromote(feature, subject, panel, state, report),
    reevaluate: () => evaluateAndShow(feature, subject, alias),
    openCriteria: async () => void (await vscode.window.showTextDocument(criteria.uri)),
  });
}

async function overrideAndPromote(feature: LineageFeature, subject: VersionSubject, panel: GatePanel, state: GatePanelState, report: GateReport): Promise<void> {
  const failed = report.criteria.filter((c) => !c.pass);
  const answer = await vscode.window.showWarningMessage(
    `No-Go: ${failed.length} of ${report.criteria.length} acceptance criteria fail for ${report.model} v${report.version}.`,
    { modal: true, detail: `${failed.map((c) => `✗ ${c.description}: ${c.detail}`).join('\n')}\n\nMoving @${report.alias} anyway records the override and your reason on the version (${'mlworkbench.gate.*'} tags).` },
    'Override and Promote…',
  );
  if (answer !== 'Override and Promote…') return;
  const reason = await vscode.window.showInputBox({
    title: `Why promote ${report.model} v${report.version} despite the No-Go?`,
    prompt: 'Recorded with the decision as mlworkbench.gate.override_reason.',
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? 'A reason is required for an override.' : value.length > 1000 ? 'At most 1000 characters.' : undefined),
  });
  if (!reason?.trim()) return;
  await write(feature, subject, panel, state, report, reason.trim());
}

async function write(feature: LineageFeature, subject: VersionSubject, panel: GatePanel, state: GatePanelState, report: GateReport, reason: string | undefined): Promise<void> {
  if (report.decision === 'no-go' && reason === undefined) {
    panel.update({ ...state, note: `No-Go: @${report.alias} was not moved. Fix the failing criteria, or Override… with a reason.` });
    return;
  }
  panel.update({ ...state, phase: 'promoting', note: null });
  const decision = await feature.services.writes.run(subject.tracking, `Promoting ${report.model} v${report.version} to @${report.alias}…`, (writer, signal) => promote(writer, report, reason === undefined ? { signal } : { signal, override: { reason } }));
  const done = decision === 'go' ? `Go: @${report.alias} now names version ${report.version}; the decision is recorded on it.` : `Overridden: @${report.alias} now names version ${report.version}; the No-Go and your reason are recorded on it.`;
  panel.update({ ...state, phase: decision === 'go' ? 'promoted' : 'overridden', note: done });
  feature.services.lineage.invalidate();
  void vscode.commands.executeCommand(Commands.refreshModels);
  void vscode.window.showInformationMessage(done);
}
