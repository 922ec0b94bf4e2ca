import * as vscode from 'vscode';
import { importEdit } from '../../core/deploy/pythonImports.js';
import { mergeRequirements, modelRequirements } from '../../core/deploy/requirements.js';
import { flavorChoices, modelSnippet, signatureColumnTypes } from '../../core/deploy/snippets.js';
import { parseMlModel, readMlModelDocument } from '../../core/models/mlmodel.js';
import { modelFileReader } from '../../core/models/modelFiles.js';
import { requestPayload } from '../../core/tasks/servingPayload.js';
import { checkTrust } from '../trust.js';
import { applyWithConsent } from './consent.js';
import type { DeployFeature } from './feature.js';
import { deployTarget, type DeployTarget } from './target.js';

const REQUIREMENTS = 'requirements.txt';

/**
 * Model-as-Dependency: the load snippet of the chosen flavor at the cursor of a Python editor (its
 * imports at the top), then the model's pinned requirements merged into requirements.txt (a diff first).
 */
export async function useModelInCode(feature: DeployFeature, element?: unknown): Promise<void> {
  if (!checkTrust('Use Model in Code')) return;
  const target = await deployTarget(feature, element, 'Load which model version in code?');
  if (!target) return;
  const read = modelFileReader(target.store, target.resolved.version);
  const mlmodel = await read('MLmodel');
  if (mlmodel === undefined) throw new Error(`The MLmodel file of ${target.uri} (version ${target.resolved.version.version}) could not be read from ${target.resolved.version.source ?? 'its source'}.`);
  const info = parseMlModel(mlmodel);
  const choices = flavorChoices(info.flavors);
  if (choices.length === 0) throw new Error(`${target.uri} has no flavor ML Workbench can write code for (flavors: ${info.flavors.join(', ') || 'none'}).`);
  const choice = choices.length === 1 ? choices[0] : await vscode.window.showQuickPick(choices.map((c) => ({ ...c, description: c.flavor })), { title: `Load ${target.uri} as`, placeHolder: 'pyfunc works for every model; a native flavor gives the framework’s own object' });
  if (!choice) return;
  const payload = await requestPayload(mlmodel, read);
  const columnTypes = signatureColumnTypes((readMlModelDocument(mlmodel).signature as { inputs?: unknown } | undefined)?.inputs);
  const snippet = modelSnippet({ modelUri: target.uri, flavor: choice.flavor, resolvedVersion: target.resolved.version.version, example: { body: payload.source === 'none' ? '' : payload.body, columnTypes } });
  const editor = await pythonEditor();
  const imports = importEdit(editor.document.getText(), snippet.imports);
  const line = editor.document.lineAt(editor.selection.active.line);
  const indent = /^\s*/.exec(line.text)?.[0] ?? '';
  const indented = snippet.code.split('\n').map((text) => (text === '' ? text : `${indent}${text}`)).join('\n');
  const code = indented.replace(/\n$/, '');
  await editor.edit((builder) => {
    const importsHere = imports.text !== '' && imports.line === line.lineNumber;
    if (imports.text && imports.line < line.lineNumber) builder.insert(new vscode.Position(imports.line, 0), imports.text);
    // On a blank line the snippet takes its place; otherwise it goes below the cursor's line.
    if (line.isEmptyOrWhitespace) builder.replace(line.range, `${importsHere ? `${imports.text}\n` : ''}${code}`);
    else builder.insert(line.range.end, `\n${code}`);
  });
  await mergeModelRequirements(feature, target, read);
}

/** The active Python editor, else a new untitled Python file. */
async function pythonEditor(): Promise<vscode.TextEditor> {
  const active = vscode.window.activeTextEditor;
  if (active && active.document.languageId === 'python') return active;
  const document = await vscode.workspace.openTextDocument({ language: 'python', content: '' });
  return vscode.window.showTextDocument(document);
}

async function mergeModelRequirements({ services }: DeployFeature, target: DeployTarget, read: (path: string) => Promise<string | undefined>): Promise<void> {
  const requirements = await modelRequirements(read);
  if (!requirements) {
    void vscode.window.showInformationMessage(`${target.uri} records no requirements (no requirements.txt or conda.yaml in the model): the project's requirements are left as they are.`);
    return;
  }
  const uri = vscode.Uri.joinPath(target.folder.uri, REQUIREMENTS);
  const project = await vscode.workspace.fs.readFile(uri).then((bytes) => new TextDecoder().decode(bytes), () => undefined);
  const merge = mergeRequirements({ project, model: requirements.lines, source: `${target.uri} (version ${target.resolved.version.version})` });
  for (const conflict of merge.conflicts) services.log.warn(`requirements: ${conflict.message}`);
  if (merge.conflicts.length > 0) void vscode.window.showWarningMessage(`${REQUIREMENTS}: ${merge.conflicts.map((c) => c.message).join(' ')}`);
  if (merge.added.length === 0) {
    vscode.window.setStatusBarMessage(`${REQUIREMENTS} already has what ${target.uri} needs`, 5_000);
    return;
  }
  await applyWithConsent(services.documents, target.folder.uri, [{ path: REQUIREMENTS, before: project, after: merge.after }], `Add ${merge.added.length} requirement${merge.added.length === 1 ? '' : 's'} of ${target.uri} to ${REQUIREMENTS}`);
}
