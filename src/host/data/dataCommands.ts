import * as vscode from 'vscode';
import { planCheckout } from '../../core/dvc/checkout.js';
import { RECORDED } from '../../core/dvc/revision/resolve.js';
import type { DataVersion } from '../../core/dvc/entities.js';
import { dataVersionCheckout, interpreterPath } from '../../core/tasks/index.js';
import type { CommandTable } from '../commands.js';
import { Commands, TaskTypes } from '../constants.js';
import type { Services } from '../services.js';
import { checkTrust } from '../trust.js';
import { DataDiffPanel } from './diffPanel.js';
import type { DataTreeProvider } from './tree.js';
import type { DataElement, TrackedElement, VersionElement } from './treeNodes.js';

/** What the Data feature's commands work with. */
export interface DataFeature {
  readonly services: Services;
  readonly tree: DataTreeProvider;
  readonly extensionUri: vscode.Uri;
  /** The rows selected in the Data view: what a command acts on when it gets no row (the palette, or a row the view redrew while its menu was open). */
  readonly selection: () => readonly DataElement[];
}

/**
 * Every diff opens the Data Diff panel: a table (CSV, TSV, JSON Lines, Parquet) with its schema,
 * rows and stats; a directory with its files added, deleted and modified and their sizes; any other
 * file with whether it changed and its sizes.
 */
function openPanel(feature: DataFeature, owner: TrackedElement, before: DataVersion | undefined, after: DataVersion | undefined): void {
  const side = (version: DataVersion | undefined): [string, string] => (version ? [version.commit, versionLabel(version)] : ['workspace', 'workspace']);
  // No version: what the workspace's dvc.lock or .dvc file records (committed or not), as `dvc data status` compares.
  const [beforeRev, beforeLabel] = before ? side(before) : [RECORDED, 'recorded (dvc.lock / .dvc)'];
  const [afterRev, afterLabel] = side(after);
  DataDiffPanel.open(feature.extensionUri, feature.services.log, { root: owner.project.root, path: owner.data.repoPath, before: beforeRev, after: afterRev, beforeLabel, afterLabel });
}

export const dataCommands: CommandTable<DataFeature> = {
  [Commands.refreshData]: refreshData,
  [Commands.diffDataWithWorkspace]: diffDataWithWorkspace,
  [Commands.diffDataVersions]: diffDataVersions,
  [Commands.checkoutDataVersion]: checkoutDataVersion,
};

async function refreshData({ services, tree }: DataFeature): Promise<void> {
  tree.refresh();
  await services.dvc.refreshAll();
}

const versionLabel = (version: DataVersion): string => `${version.commit.slice(0, 7)} (${version.message.slice(0, 60)})`;

/** A version (or the recorded one, from a tracked path's row) against the workspace now. */
async function diffDataWithWorkspace(feature: DataFeature, given?: DataElement): Promise<void> {
  const element = given ?? feature.selection()[0];
  if (element?.kind !== 'version' && element?.kind !== 'tracked') throw new Error('Choose a tracked path or one of its versions in the Data view.');
  const owner = element.kind === 'version' ? element.owner : element;
  openPanel(feature, owner, element.kind === 'version' ? element.version : undefined, undefined);
}

/** Two versions of one path: the two selected rows, else this row and one picked from the others. */
async function diffDataVersions(feature: DataFeature, given?: DataElement, selection?: readonly DataElement[]): Promise<void> {
  const element = given ?? feature.selection()[0];
  if (element?.kind !== 'version') throw new Error('Choose a version of a tracked path in the Data view.');
  const chosen = (selection ?? []).filter((e): e is VersionElement => e.kind === 'version' && e.owner.data.repoPath === element.owner.data.repoPath);
  let other: DataVersion | undefined = chosen.find((e) => e.version.commit !== element.version.commit)?.version;
  if (!other) {
    const others = element.siblings.filter((v) => v.commit !== element.version.commit);
    if (others.length === 0) throw new Error(`${element.owner.data.repoPath} has only one version in git history.`);
    const picked = await vscode.window.showQuickPick(
      others.map((v) => ({ label: v.message, description: `${v.commit.slice(0, 7)} · ${v.date.slice(0, 10)} · ${v.author}`, version: v })),
      { title: `Diff ${element.owner.data.repoPath} ${element.version.commit.slice(0, 7)} with…`, placeHolder: 'The other version' },
    );
    if (!picked) return;
    other = picked.version;
  }
  // Older first: versions are listed newest first.
  const order = element.siblings.map((v) => v.commit);
  const [older, newer] = order.indexOf(other.commit) > order.indexOf(element.version.commit) ? [other, element.version] : [element.version, other];
  openPanel(feature, element.owner, older, newer);
}

/**
 * "Check Out This Version": after a modal confirmation, `git checkout REV -- <record file>` then
 * `dvc checkout --force <record file>` as tasks. Refused (nothing run) when the data or its record
 * file holds changes that would be lost.
 */
async function checkoutDataVersion({ services }: DataFeature, element?: DataElement): Promise<void> {
  if (element?.kind !== 'version') throw new Error('Choose a version of a tracked path in the Data view.');
  const { project, data } = element.owner;
  const inspection = project.inspection;
  if (!inspection) throw new Error('The DVC status of this project is still being checked: try again in a moment.');
  const plan = await planCheckout(project.root, inspection, data);
  if (plan.kind === 'refused') {
    void vscode.window.showWarningMessage(`Not checking out ${data.repoPath}`, { modal: true, detail: plan.detail });
    return;
  }
  const { recordFile } = plan;
  const short = element.version.commit.slice(0, 7);
  const detail = `This replaces ${plan.what} in the workspace with the version of ${short} "${element.version.message}", and ${recordFile} with that commit's copy (git checkout ${short} -- ${recordFile}; dvc checkout --force ${recordFile}).`;
  const confirm = await vscode.window.showWarningMessage(`Check out ${data.repoPath} as of ${short}?`, { modal: true, detail }, 'Check Out');
  if (confirm !== 'Check Out' || !checkTrust('Checking out a data version')) return;
  const folder = project.folder.workspaceFolder;
  const python = await services.tasks.interpreter(folder, 'dvc-command', 'Checking out a data version');
  const steps = dataVersionCheckout({ python, cwd: project.root, revision: element.version.commit, dvcFile: recordFile, env: interpreterPath(python, process.env['PATH']) });
  for (const [step, command] of [[steps[0], 'git-checkout'], [steps[1], 'checkout']] as const) {
    const { exitCode } = await services.tasks.runStep(step, folder, { type: TaskTypes.dvc, command, file: recordFile });
    if (exitCode !== 0) throw new Error(`${step.label} failed (exit code ${exitCode ?? 'unknown'}): see its terminal.`);
  }
  project.schedule();
}
