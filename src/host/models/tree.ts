import * as vscode from 'vscode';
import { formatBytes, formatRelativeTime, oneLine } from '../../core/format.js';
import { remedyFor } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { modelVersionBadge } from '../../core/lineage/graph.js';
import { modelVersions } from '../../core/models/modelFiles.js';
import { readVersionMlModel } from '../../core/models/versionModel.js';
import { requireStore, stateUri } from '../../core/tracking/storeState.js';
import type { ModelVersion, RegisteredModel } from '../../core/tracking/entities.js';
import { ContextValues, Commands } from '../constants.js';
import { Disposable } from '../dispose.js';
import type { LineageCache } from '../lineageCache.js';
import type { FolderTracking, TrackingService } from '../tracking/trackingService.js';

export type ModelsElement =
  | { readonly kind: 'folder'; readonly tracking: FolderTracking }
  | { readonly kind: 'model'; readonly tracking: FolderTracking; readonly model: RegisteredModel }
  | { readonly kind: 'version'; readonly tracking: FolderTracking; readonly model: RegisteredModel; readonly version: ModelVersion; readonly aliases: readonly string[] }
  | { readonly kind: 'alias'; readonly tracking: FolderTracking; readonly model: RegisteredModel; readonly alias: string; readonly version: string }
  | { readonly kind: 'tag'; readonly tracking: FolderTracking; readonly model: RegisteredModel; readonly version?: ModelVersion; readonly key: string; readonly value: string }
  | { readonly kind: 'mlmodel'; readonly tracking: FolderTracking; readonly version: ModelVersion }
  | { readonly kind: 'info'; readonly id: string; readonly label: string; readonly description?: string; readonly icon?: string; readonly command?: vscode.Command; readonly tooltip?: string; readonly children?: readonly ModelsElement[]; readonly contextValue?: string };

/**
 * Registered models → versions (aliases, status, tags, source run, MLmodel: flavors, signature,
 * input example). Read from the registry of each folder's tracking store.
 */
export class ModelsTreeProvider extends Disposable implements vscode.TreeDataProvider<ModelsElement> {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<ModelsElement | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;

  constructor(
    private readonly tracking: TrackingService,
    private readonly log: Logger,
    private readonly lineage?: LineageCache,
  ) {
    super();
    this.register(tracking.onDidChangeStores(() => this.refresh()));
    this.register(tracking.onDidChangeData(() => this.refresh()));
    if (lineage) this.register(lineage.onDidChange(() => this.refresh()));
  }

  /** A version's model for reveal (the view finds its row by id). */
  getParent(element: ModelsElement): ModelsElement | undefined {
    const folder = (tracking: FolderTracking): ModelsElement | undefined => (this.tracking.folders.filter((f) => f.state.kind !== 'missing').length > 1 ? { kind: 'folder', tracking } : undefined);
    switch (element.kind) {
      case 'model':
        return folder(element.tracking);
      case 'version':
        return { kind: 'model', tracking: element.tracking, model: element.model };
      default:
        return undefined;
    }
  }

  refresh(): void {
    this.changeEmitter.fire(undefined);
  }

  async getChildren(element?: ModelsElement): Promise<ModelsElement[]> {
    try {
      if (!element) {
        const folders = this.tracking.folders.filter((f) => f.state.kind !== 'missing');
        if (folders.length > 1) return await folders.map((tracking) => ({ kind: 'folder', tracking }));
        return folders[0] ? await this.modelsOf(folders[0]) : [];
      }
      switch (element.kind) {
        case 'folder':
          return await this.modelsOf(element.tracking);
        case 'model':
          return await this.versionsOf(element);
        case 'version':
          return await this.detailsOf(element);
        case 'mlmodel':
          return await this.mlmodelOf(element);
        case 'info':
          return [...(element.children ?? [])];
        default:
          return [];
      }
    } catch (error) {
      this.log.error(error as Error);
      const message = (error as Error).message;
      if (remedyFor(error) === 'set-credentials') {
        // A 401, as in the Runs view: the row signs in to that folder's server ('' = the active one).
        const server = element && 'tracking' in element ? stateUri(element.tracking.state) : '';
        const tooltip = `${message}\n\nClick to sign in (user name and password, kept in VS Code's secret storage).`;
        return [{ kind: 'info', id: `sign-in:${Date.now()}`, label: 'Sign In…', description: oneLine(message, 200), icon: 'account', tooltip, command: { command: Commands.signInToTrackingServer, title: 'Sign In…', arguments: [server] } }];
      }
      return [{ kind: 'info', id: `error:${Date.now()}`, label: oneLine(message, 200), icon: 'warning', tooltip: message, command: { command: Commands.refreshModels, title: 'Retry' } }];
    }
  }

  getTreeItem(element: ModelsElement): vscode.TreeItem {
    switch (element.kind) {
      case 'folder': {
        const item = new vscode.TreeItem(element.tracking.folder.name, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `folder:${element.tracking.key}`;
        item.iconPath = vscode.ThemeIcon.Folder;
        return item;
      }
      case 'model': {
        const { model } = element;
        const item = new vscode.TreeItem(model.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `model:${element.tracking.key}:${model.name}`;
        const latest = Math.max(0, ...(model.latest_versions ?? []).map((v) => Number(v.version)));
        item.description = [latest ? `v${latest}` : undefined, ...(model.aliases ?? []).map((a) => `@${a.alias}`)].filter(Boolean).join(' · ');
        item.iconPath = new vscode.ThemeIcon('package');
        item.contextValue = ContextValues.registeredModel;
        const tooltip = new vscode.MarkdownString();
        tooltip.appendMarkdown('**').appendText(model.name).appendMarkdown('**');
        if (model.description) tooltip.appendMarkdown('\n\n').appendText(model.description);
        for (const alias of model.aliases ?? []) tooltip.appendMarkdown('  \n').appendText(`@${alias.alias} → version ${alias.version}`);
        item.tooltip = tooltip;
        return item;
      }
      case 'version': {
        const { version } = element;
        const item = new vscode.TreeItem(`Version ${version.version}`, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `version:${element.tracking.key}:${version.name}:${version.version}`;
        item.description = [
          ...element.aliases.map((a) => `@${a}`),
          version.status && version.status !== 'READY' ? version.status.toLowerCase().replace('_', ' ') : undefined,
          version.current_stage && version.current_stage !== 'None' ? version.current_stage : undefined,
          version.creation_timestamp ? formatRelativeTime(version.creation_timestamp, Date.now()) : undefined,
        ].filter(Boolean).join(' · ');
        item.iconPath = new vscode.ThemeIcon(version.status === 'FAILED_REGISTRATION' ? 'error' : version.status === 'PENDING_REGISTRATION' ? 'sync~spin' : 'versions');
        item.contextValue = ContextValues.modelVersion;
        const tooltip = new vscode.MarkdownString();
        tooltip.appendMarkdown('**').appendText(`${version.name} version ${version.version}`).appendMarkdown('**');
        if (version.description) tooltip.appendMarkdown('\n\n').appendText(version.description);
        tooltip.appendMarkdown('\n\nSource: ').appendText(version.source ?? '—');
        if (version.run_id) tooltip.appendMarkdown('  \nRun: ').appendText(version.run_id);
        item.tooltip = tooltip;
        this.badge(element, item, tooltip);
        return item;
      }
      case 'alias': {
        const item = new vscode.TreeItem(`@${element.alias}`, vscode.TreeItemCollapsibleState.None);
        item.id = `alias:${element.tracking.key}:${element.model.name}:${element.alias}`;
        item.description = `models:/${element.model.name}@${element.alias}`;
        item.iconPath = new vscode.ThemeIcon('bookmark');
        item.contextValue = ContextValues.modelAlias;
        return item;
      }
      case 'tag': {
        const item = new vscode.TreeItem(element.key, vscode.TreeItemCollapsibleState.None);
        item.id = `tag:${element.tracking.key}:${element.model.name}:${element.version?.version ?? ''}:${element.key}`;
        item.description = oneLine(element.value, 80);
        item.tooltip = element.value;
        item.iconPath = new vscode.ThemeIcon('tag');
        item.contextValue = ContextValues.modelTag;
        return item;
      }
      case 'mlmodel': {
        const item = new vscode.TreeItem('MLmodel', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `mlmodel:${element.tracking.key}:${element.version.name}:${element.version.version}`;
        item.description = 'flavors, signature, input example';
        item.iconPath = new vscode.ThemeIcon('symbol-structure');
        return item;
      }
      case 'info': {
        const item = new vscode.TreeItem(element.label, element.children?.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = element.id;
        item.description = element.description;
        item.tooltip = element.tooltip ?? (element.description ? `${element.label}: ${element.description}` : element.label);
        if (element.icon) item.iconPath = new vscode.ThemeIcon(element.icon);
        item.command = element.command;
        item.contextValue = element.contextValue;
        return item;
      }
    }
  }

  /** "trained on stale data" once lineage knows; asked for lazily, the row re-rendered when it answers. */
  private badge(element: ModelsElement & { kind: 'version' }, item: vscode.TreeItem, tooltip: vscode.MarkdownString): void {
    const { lineage, tracking } = { lineage: this.lineage, tracking: element.tracking };
    if (!lineage || tracking.state.kind !== 'ready') return;
    const place = { folder: tracking.folder, store: tracking.state.store };
    const { name, version } = element.version;
    const known = lineage.peekModelVersion(place, name, version);
    if (!known) {
      const again = (): void => this.changeEmitter.fire(element);
      lineage.modelVersion(place, name, version).then(again, again);
      return;
    }
    if (!('value' in known)) return;
    const badge = modelVersionBadge(known.value);
    tooltip.appendMarkdown('\n\n').appendText(badge.tooltip);
    if (badge.state !== 'stale') return;
    // Aliases stay first (they say which version this is); the badge follows them.
    const aliases = element.aliases.map((a) => `@${a}`);
    item.description = [...aliases, badge.description, ...String(item.description ?? '').split(' · ').filter((p) => p && !aliases.includes(p))].join(' · ');
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  }

  private async modelsOf(tracking: FolderTracking): Promise<ModelsElement[]> {
    const { state } = tracking;
    if (state.kind === 'error') return [{ kind: 'info', id: `error:${tracking.key}`, label: state.message, icon: 'warning' }];
    if (state.kind === 'missing') return [];
    const listing = await state.store.searchRegisteredModels();
    return listing.items.map((model) => ({ kind: 'model', tracking, model }));
  }

  private async versionsOf(element: ModelsElement & { kind: 'model' }): Promise<ModelsElement[]> {
    const { tracking, model } = element;
    const versions = await modelVersions(requireStore(tracking), model.name);
    const tags = (model.tags ?? []).map((t): ModelsElement => ({ kind: 'tag', tracking, model, key: t.key, value: t.value }));
    return [
      ...versions.map((version): ModelsElement => ({ kind: 'version', tracking, model, version, aliases: (model.aliases ?? []).filter((a) => a.version === version.version).map((a) => a.alias) })),
      ...(tags.length > 0 ? [{ kind: 'info', id: `model-tags:${tracking.key}:${model.name}`, label: 'Tags', description: String(tags.length), icon: 'tag', children: tags } as ModelsElement] : []),
    ];
  }

  private detailsOf(element: ModelsElement & { kind: 'version' }): ModelsElement[] {
    const { tracking, model, version } = element;
    const id = `${tracking.key}:${version.name}:${version.version}`;
    const details: ModelsElement[] = [];
    if (version.run_id) {
      details.push({ kind: 'info', id: `source-run:${id}`, label: 'Source run', description: version.run_id, icon: 'beaker', contextValue: ContextValues.modelSourceRun, command: { command: Commands.openModelSourceRun, title: 'Open Source Run', arguments: [element] } });
    }
    details.push({ kind: 'info', id: `source:${id}`, label: 'Source', description: version.source ?? '—', icon: 'link' });
    if (version.description) details.push({ kind: 'info', id: `description:${id}`, label: 'Description', description: oneLine(version.description, 80), tooltip: version.description, icon: 'note' });
    for (const alias of element.aliases) details.push({ kind: 'alias', tracking, model, alias, version: version.version });
    for (const tag of version.tags ?? []) details.push({ kind: 'tag', tracking, model, version, key: tag.key, value: tag.value });
    details.push({ kind: 'mlmodel', tracking, version });
    return details;
  }

  private async mlmodelOf(element: ModelsElement & { kind: 'mlmodel' }): Promise<ModelsElement[]> {
    const { tracking, version } = element;
    const info = await readVersionMlModel(requireStore(tracking), version);
    const id = `${tracking.key}:${version.name}:${version.version}`;
    const line = (kind: string, label: string, description?: string, icon?: string): ModelsElement => ({ kind: 'info', id: `mlmodel-${kind}:${id}:${label}`, label, description, icon });
    const out: ModelsElement[] = [line('flavors', 'Flavors', info.flavors.join(', '), 'extensions')];
    if (info.loaderModule) out.push(line('loader', 'Loader', info.loaderModule, 'symbol-method'));
    if (info.signature) {
      const schema = (title: string, rows: readonly string[]): ModelsElement => ({ kind: 'info', id: `mlmodel-sig:${id}:${title}`, label: title, description: rows.length === 1 ? rows[0] : `${rows.length} columns`, icon: 'symbol-field', children: rows.map((r, i) => line(`col-${title}-${i}`, r)) });
      out.push(schema('Inputs', info.signature.inputs), schema('Outputs', info.signature.outputs));
      if (info.signature.params.length > 0) out.push(schema('Params', info.signature.params));
    } else {
      out.push(line('nosig', 'Signature', 'none logged', 'symbol-field'));
    }
    if (info.inputExample) out.push(line('example', 'Input example', `${info.inputExample.artifactPath} (${info.inputExample.type ?? '?'})`, 'json'));
    if (info.sizeBytes !== undefined) out.push(line('size', 'Size', formatBytes(info.sizeBytes), 'file-binary'));
    if (info.mlflowVersion) out.push(line('mlflow', 'Logged with MLflow', info.mlflowVersion, 'info'));
    return out;
  }
}
