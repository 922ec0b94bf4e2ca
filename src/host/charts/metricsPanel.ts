import * as vscode from 'vscode';
import { MetricsSession } from '../../core/charts/metricsSession.js';
import { legendLabels } from '../../core/charts/chartShape.js';
import type { Logger } from '../../core/log.js';
import { assignColorSlots } from '../../core/series/colors.js';
import { DEFAULT_VIEW, parseFromWebview, type FromWebview, type MetricsSelection, type MetricsViewState, type PanelRun, type ToWebview } from '../../protocol/metricsPanel.js';
import { WebviewTypes } from '../constants.js';
import { colorSlotsFor } from '../../protocol/colors.js';
import { Disposable } from '../dispose.js';
import type { TrackingService } from '../tracking/trackingService.js';
import { webviewHtml } from '../html.js';
import { exportCsv, exportPng } from './exports.js';

export interface MetricsPanelServices {
  readonly extensionUri: vscode.Uri;
  readonly tracking: TrackingService;
  readonly log: Logger;
  revealRun(trackingKey: string, runId: string): Promise<void>;
  /** Seconds between re-reads of RUNNING runs' histories (0: never). */
  liveIntervalSeconds(): number;
}

const DEFAULT_WIDTH = 420;
/** The longest the whole reads of long histories wait for their sample to be posted (see read). */
const SAMPLE_FIRST_MS = 1_000;

/**
 * One Metrics panel: the charts of a set of runs. The host keeps each history as typed arrays,
 * sends every chart downsampled to the webview's width, answers zooms with that window at full
 * detail when it fits, and appends new points of RUNNING runs.
 */
export class MetricsPanel extends Disposable {
  private static readonly panels = new Set<MetricsPanel>();
  private loaded: MetricsSession | undefined;
  private view: MetricsViewState;
  private width = DEFAULT_WIDTH;
  private ready = false;
  private liveTimer: NodeJS.Timeout | undefined;
  private loading: AbortController | undefined;
  private reading: Promise<{ loaded: MetricsSession; readMs: number } | { error: Error }> | undefined;
  /** The sampled session of the read in progress; undefined once the read settled without one. */
  private sampling: Promise<{ loaded: MetricsSession; readMs: number } | undefined> | undefined;
  private readSettled = false;
  /** Lets the whole reads of the read in progress start (see read). */
  private samplePosted: () => void = () => undefined;
  private firstReady = true;

  static open(services: MetricsPanelServices, selection: MetricsSelection, view: MetricsViewState = DEFAULT_VIEW): MetricsPanel {
    const same = [...MetricsPanel.panels].find((p) => sameSelection(p.selection, selection));
    if (same) {
      same.panel.reveal();
      return same;
    }
    const panel = vscode.window.createWebviewPanel(WebviewTypes.metrics, 'Metrics', vscode.ViewColumn.Active, MetricsPanel.webviewOptions(services.extensionUri));
    return new MetricsPanel(panel, services, selection, view);
  }

  /** Brings back a panel VS Code restored after a reload (the serializer's half). */
  static restore(panel: vscode.WebviewPanel, services: MetricsPanelServices, selection: MetricsSelection, view: MetricsViewState): MetricsPanel {
    panel.webview.options = MetricsPanel.webviewOptions(services.extensionUri);
    return new MetricsPanel(panel, services, selection, view);
  }

  private static webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')] };
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly services: MetricsPanelServices,
    private readonly selection: MetricsSelection,
    view: MetricsViewState,
  ) {
    super();
    this.view = view;
    MetricsPanel.panels.add(this);
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'activity-bar.svg');
    const dist = vscode.Uri.joinPath(services.extensionUri, 'dist', 'webview');
    panel.webview.html = webviewHtml(panel.webview, {
      title: 'Metrics',
      script: vscode.Uri.joinPath(dist, 'metrics.js'),
      styles: [{ uri: vscode.Uri.joinPath(dist, 'codicon.css'), id: 'vscode-codicon-stylesheet' }, vscode.Uri.joinPath(dist, 'uPlot.min.css'), vscode.Uri.joinPath(services.extensionUri, 'media', 'metrics.css')],
    });
    this.register(panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)));
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(services.tracking.onDidChangeData((folder) => folder.key === selection.trackingKey && void this.refreshLive()));
    this.register({ dispose: () => clearTimeout(this.liveTimer) });
    this.register({ dispose: () => this.loading?.abort() });
    this.read();
  }

  override dispose(): void {
    MetricsPanel.panels.delete(this);
    super.dispose();
    this.panel.dispose();
  }

  private async receive(raw: unknown): Promise<void> {
    const message = parseFromWebview(raw);
    if (!message) {
      this.services.log.warn('Metrics panel: ignored a message the webview may not send');
      return;
    }
    try {
      await this.handle(message);
    } catch (error) {
      this.services.log.error(`Metrics panel: ${(error as Error).message}`);
      void vscode.window.showErrorMessage(`Metrics: ${(error as Error).message}`);
    }
  }

  private async handle(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.width = message.width || DEFAULT_WIDTH;
        // The first read started with the panel; a webview that reloads (hidden and shown) reads anew.
        if (!this.firstReady) return this.load();
        this.firstReady = false;
        return this.send();
      case 'view': {
        const resample = message.view.xAxis !== this.view.xAxis;
        this.view = message.view;
        return resample ? this.load() : undefined;
      }
      case 'zoom':
        return this.zoom(message.key, message.requestId, message.window, message.width);
      case 'exportCsv':
        // Asked for while a sample shows: the export waits for every point.
        if (this.loaded?.isSample) await this.reading;
        if (this.loaded && !this.loaded.isSample) await exportCsv(this.loaded.csvSeries(message.key, message.full), message.key, message.full, this.folderUri());
        return;
      case 'exportPng':
        return exportPng(message.key, message.dataUrl, this.folderUri());
      case 'openRun':
        if (this.selection.runIds.includes(message.runId)) await this.services.revealRun(this.selection.trackingKey, message.runId);
        return;
    }
  }

  private folderUri(): vscode.Uri | undefined {
    return this.services.tracking.forKey(this.selection.trackingKey)?.folder.uri;
  }

  /**
   * Starts reading the histories. The panel's constructor calls it, so the store is read while the
   * webview is still loading its script; the snapshot goes out once both are ready.
   */
  private read(): void {
    this.loading?.abort();
    const controller = (this.loading = new AbortController());
    const started = performance.now();
    let sampled!: (sample: { loaded: MetricsSession; readMs: number } | undefined) => void;
    this.sampling = new Promise((resolve) => (sampled = resolve));
    this.readSettled = false;
    const onSample = (loaded: MetricsSession): void => sampled({ loaded, readMs: performance.now() - started });
    // The whole reads start once the sample is posted (send), or after SAMPLE_FIRST_MS at most (a
    // webview that never says ready): reading every point takes both cores, and the webview's start
    // and first frame need one.
    let posted!: () => void;
    const samplePosted = new Promise<void>((resolve) => (posted = resolve));
    this.samplePosted = posted;
    const wholeReadsAfter = (): Promise<unknown> => Promise.race([samplePosted, new Promise((resolve) => setTimeout(resolve, SAMPLE_FIRST_MS))]);
    const opening = (async () => MetricsSession.open(this.services.tracking.storeFor(this.selection.trackingKey), this.selection, this.view.xAxis, controller.signal, { onSample, wholeReadsAfter }))();
    this.reading = opening.then(
      (loaded) => ({ loaded, readMs: performance.now() - started }),
      (error: unknown) => ({ error: error as Error }),
    );
    void this.reading.then(() => {
      if (controller === this.loading) this.readSettled = true;
      sampled(undefined);
    });
  }

  private async load(): Promise<void> {
    this.read();
    await this.send();
  }

  private async send(): Promise<void> {
    const controller = this.loading;
    const stale = (): boolean => !controller || controller.signal.aborted || controller !== this.loading;
    // A long history's sample is drawn first when it comes before every point is read.
    const sample = await this.sampling;
    if (stale()) return;
    if (sample && !this.readSettled) await this.show(sample, true);
    this.samplePosted();
    const result = await this.reading;
    if (!result || stale()) return;
    if ('error' in result) {
      await this.post({ type: 'error', message: result.error.message });
      return;
    }
    await this.show(result, false);
    this.scheduleLive();
  }

  private async show({ loaded, readMs }: { loaded: MetricsSession; readMs: number }, sample: boolean): Promise<void> {
    this.loaded = loaded;
    this.panel.title = loaded.title;
    const downsampling = performance.now();
    const { charts, points } = loaded.overview(this.width);
    const timings = { readMs, downsampleMs: performance.now() - downsampling, points };
    await this.post({ type: 'snapshot', selection: this.selection, view: this.view, title: loaded.title, runs: this.panelRuns(), charts, problems: loaded.problems, ...(sample ? { sample } : {}), timings });
  }

  private panelRuns(): PanelRun[] {
    const runs = this.loaded?.runs ?? [];
    const colors = assignColorSlots(runs.map((r) => r.info.run_id), colorSlotsFor(runs.length));
    const named = runs.map((run) => ({ runId: run.info.run_id, name: run.info.run_name || run.info.run_id, status: run.info.status, color: colors.get(run.info.run_id) ?? 0 }));
    const labels = legendLabels(named);
    return named.map((run) => ({ ...run, label: labels.get(run.runId) ?? run.name }));
  }

  private async zoom(key: string, requestId: number, window: readonly [number, number] | null, width: number): Promise<void> {
    const loaded = this.loaded;
    if (!loaded) return;
    await this.post({ type: 'detail', key, requestId, window, series: loaded.detail(key, window, width) });
  }

  private scheduleLive(): void {
    clearTimeout(this.liveTimer);
    const seconds = this.services.liveIntervalSeconds();
    if (seconds <= 0 || !this.loaded?.hasActiveRuns) return;
    this.liveTimer = setTimeout(() => void this.refreshLive(), seconds * 1000);
  }

  /** Re-reads RUNNING runs and sends only the points logged since the last read. */
  private async refreshLive(): Promise<void> {
    const loaded = this.loaded;
    // A sample's whole read is under way; the session it brings is the one kept live.
    if (!loaded || !this.ready || loaded.isSample) return;
    try {
      const updates = await loaded.refreshActive();
      // A snapshot sent meanwhile (a reload) already holds these points.
      if (loaded !== this.loaded) return;
      if (updates.newKeys) return await this.load();
      for (const update of updates.appended) await this.post({ type: 'append', key: update.key, series: update.series });
      if (updates.statusChanged) await this.post({ type: 'runs', runs: this.panelRuns() });
    } catch (error) {
      this.services.log.warn(`Metrics panel: live refresh failed: ${(error as Error).message}`);
    }
    this.scheduleLive();
  }

  private post(message: ToWebview): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  /** Highlights a run (selected in the Runs view) in every panel that shows it. */
  static highlight(trackingKey: string, runId: string | undefined): void {
    for (const panel of MetricsPanel.panels) {
      if (panel.selection.trackingKey === trackingKey) void panel.post({ type: 'highlight', runId: runId && panel.selection.runIds.includes(runId) ? runId : undefined });
    }
  }
}

function sameSelection(a: MetricsSelection, b: MetricsSelection): boolean {
  return a.trackingKey === b.trackingKey && a.runIds.join() === b.runIds.join() && (a.keys ?? []).join() === (b.keys ?? []).join();
}
