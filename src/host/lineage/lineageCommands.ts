import { join } from 'node:path';
import * as vscode from 'vscode';
import { graphOfData, graphOfLineage, type GraphNode, type LineageGraph } from '../../core/lineage/graph.js';
import { modelVersionRef } from '../../core/lineage/lineage.js';
import type { CommandTable } from '../commands.js';
import { Commands } from '../constants.js';
import type { LineageFeature } from './feature.js';
import { promoteModelVersion } from './promote.js';
import { LineagePanel, type GraphSource } from './panels.js';
import { pickModelVersion, placeOf, subjectOf, type Subject } from './subjects.js';

export const lineageCommands: CommandTable<LineageFeature> = {
  [Commands.showLineage]: showLineage,
  [Commands.promoteModelVersion]: promoteModelVersion,
};

async function showLineage(feature: LineageFeature, target?: unknown, ...rest: unknown[]): Promise<void> {
  const subject = subjectOf(feature.services, target, ...rest) ?? (await pickModelVersion(feature.services, 'Show Lineage'));
  if (!subject) return;
  LineagePanel.show(feature.extensionUri, graphSource(feature, subject));
}

function graphSource(feature: LineageFeature, subject: Subject): GraphSource {
  const { lineage } = feature.services;
  const title = subject.kind === 'model-version' ? `Lineage: ${subject.name} v${subject.version}` : subject.kind === 'run' ? `Lineage: run ${subject.label}` : `Lineage: ${subject.label}`;
  return {
    title,
    load: async (): Promise<LineageGraph> => {
      const place = placeOf(subject.tracking);
      if (subject.kind === 'model-version') return graphOfLineage(await lineage.modelVersion(place, subject.name, subject.version));
      if (subject.kind === 'data') return graphOfData(await lineage.data(place, subject.path, subject.commit));
      const [traced, versions] = await Promise.all([lineage.run(place, subject.runId), place.store.searchModelVersions({ filter: `run_id = '${subject.runId.replace(/[^0-9a-zA-Z_-]/g, '')}'` }).catch(() => ({ items: [] }))]);
      return graphOfLineage(traced, versions.items.map(modelVersionRef));
    },
    open: (node) => openNode(feature, subject, node),
  };
}

/** A node opens its own view: the run's panel (and its row), the version's row, the data's row, the stage in dvc.yaml. */
async function openNode(feature: LineageFeature, subject: Subject, node: GraphNode): Promise<void> {
  const { services } = feature;
  const key = subject.tracking.key;
  const target = node.target;
  if (!target) return;
  switch (target.kind) {
    case 'run':
      void services.runsView.reveal(key, target.runId, { focus: false }).catch(() => false);
      await vscode.commands.executeCommand(Commands.showRun, key, target.runId);
      return;
    case 'model-version':
      await vscode.commands.executeCommand(Commands.revealModelVersion, key, target.name, target.version);
      return;
    case 'data': {
      const root = (await services.lineage.service(placeOf(subject.tracking))).root;
      await vscode.commands.executeCommand(Commands.revealDataVersion, root, target.path, target.commit);
      return;
    }
    case 'stage': {
      const root = (await services.lineage.service(placeOf(subject.tracking))).root;
      const project = services.dvc.projects.find((p) => p.root === root);
      const stage = project?.inspection?.stages.find((s) => s.kind === 'pipeline' && s.file === target.file && s.name === target.stage);
      const line = stage?.kind === 'pipeline' ? Math.max(0, stage.position.line - 1) : 0;
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(join(root, target.file)));
      await vscode.window.showTextDocument(document, { selection: new vscode.Range(line, 0, line, 0), preview: true });
      return;
    }
  }
}
