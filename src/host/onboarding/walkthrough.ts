import * as vscode from 'vscode';
import type { Logger } from '../../core/log.js';
import { packagesFor } from '../../core/python/packages.js';
import { pipelineHasRun, projectState } from '../../core/onboarding/projectState.js';
import { parseTrackingUri } from '../../core/tracking/uri.js';
import { ContextKeys } from '../constants.js';
import { Disposable } from '../dispose.js';
import type { PythonService } from '../python.js';
import type { FolderTracking, TrackingService } from '../tracking/trackingService.js';
import { DonePulser } from './donePulse.js';

/** Quiet time after a burst of changes before the checks run again. */
const DEBOUNCE_MS = 400;
/** The first check waits until the window has settled: nothing runs on activation itself. */
const FIRST_CHECK_MS = 1_500;
/**
 * Pulses after the editors change: VS Code registers the walkthrough's steps when its service is
 * first needed, which may be when the walkthrough's tab opens, seconds later on a loaded machine;
 * a pulse before that is not seen.
 */
const PULSE_AFTER_TABS_MS = [DEBOUNCE_MS, 1_500, 4_000, 10_000, 20_000, 40_000];
/** How long a pulse keeps its keys true (VS Code may merge context changes that arrive together). */
const PULSE_HOLD_MS = 500;
/** Files whose appearance or change can move a step: git and DVC projects, pipelines, locks, DVC config. */
const WATCHED = '{.git,.dvc,.dvc/config,.dvc/config.local,dvc.yaml,dvc.lock,*/.dvc,*/dvc.yaml,*/dvc.lock}';

export interface StepStates {
  readonly python: boolean;
  readonly git: boolean;
  readonly dvc: boolean;
  readonly pipeline: boolean;
  readonly trackingStore: boolean;
  readonly remote: boolean;
  readonly repro: boolean;
  readonly firstRun: boolean;
}

const KEYS: Readonly<Record<keyof StepStates, string>> = {
  python: ContextKeys.onboardingPython,
  git: ContextKeys.onboardingGit,
  dvc: ContextKeys.onboardingDvc,
  pipeline: ContextKeys.onboardingPipeline,
  trackingStore: ContextKeys.onboardingTrackingStore,
  remote: ContextKeys.onboardingRemote,
  repro: ContextKeys.onboardingRepro,
  firstRun: ContextKeys.onboardingFirstRun,
};

/**
 * The Getting Started walkthrough's done/undone, from the real state of the workspace: each step's
 * context key is set by a check (an interpreter with MLflow and DVC, a git work tree, a DVC
 * project, a pipeline, a readable tracking store, a default DVC remote, a dvc.lock, a run in the
 * store), re-run when files, settings, the interpreter, the store or a task change. A step is
 * done when any workspace folder has it done. In Restricted Mode no interpreter is started.
 *
 * The state keys choose which variant of a step shows (done or to do). The check mark of a done
 * variant comes from its completion keys, pulsed after each check and whenever the editors change
 * (donePulse.ts says why, and why each step has two).
 */
export class WalkthroughState extends Disposable {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<StepStates> | undefined;
  private again = false;
  /** Tracking servers are only asked (a 401 would prompt for a password) after the user connected one here. */
  private readonly serversAllowed = new Set<string>();
  private last: StepStates | undefined;
  private readonly pulser: DonePulser;
  private folderWatchers: vscode.Disposable[] = [];

  constructor(
    private readonly python: PythonService,
    private readonly tracking: TrackingService,
    private readonly log: Logger,
  ) {
    super();
    this.pulser = new DonePulser((key, value) => Promise.resolve(vscode.commands.executeCommand('setContext', key, value)), PULSE_HOLD_MS, (error) => this.log.warn(`getting started: setting a check mark failed: ${(error as Error).message}`));
    const schedule = (): void => this.schedule();
    this.register(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('mlWorkbench') && schedule()));
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.watch()));
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(schedule));
    this.register(python.onDidChange(schedule));
    this.register(tracking.onDidChangeStores(schedule));
    this.register(tracking.onDidChangeData(schedule));
    this.register(vscode.tasks.onDidEndTask(schedule));
    // Opening the walkthrough (an editor) may be what creates VS Code's walkthrough service.
    this.register(vscode.window.tabGroups.onDidChangeTabs(() => this.schedulePulse()));
    this.register({ dispose: () => clearTimeout(this.timer) });
    this.register({ dispose: () => this.pulseTimers.forEach(clearTimeout) });
    this.register({ dispose: () => this.folderWatchers.forEach((w) => w.dispose()) });
    this.watch();
    this.timer = setTimeout(() => void this.check(), FIRST_CHECK_MS);
  }

  /** Lets the checks read this tracking server (the user just connected it, so a password prompt is expected). */
  allowServer(uri: string): void {
    this.serversAllowed.add(uri);
    this.schedule();
  }

  schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.check(), DEBOUNCE_MS);
  }

  private pulseTimers: NodeJS.Timeout[] = [];

  private schedulePulse(): void {
    this.pulseTimers.forEach(clearTimeout);
    this.pulseTimers = PULSE_AFTER_TABS_MS.map((ms) => setTimeout(() => void this.pulse(), ms));
  }

  /** Checks the done steps in the walkthrough (see the class comment). */
  private pulse(): Promise<void> {
    return this.pulser.pulse((Object.keys(KEYS) as (keyof StepStates)[]).filter((step) => this.last?.[step]));
  }

  private watch(): void {
    for (const watcher of this.folderWatchers) watcher.dispose();
    this.folderWatchers = (vscode.workspace.workspaceFolders ?? []).map((folder) => {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, WATCHED));
      watcher.onDidCreate(() => this.schedule());
      watcher.onDidChange(() => this.schedule());
      watcher.onDidDelete(() => this.schedule());
      return watcher;
    });
    this.schedule();
  }

  /** Runs the checks (one at a time; a change during a check runs them once more after it). */
  async check(): Promise<StepStates> {
    this.timer = undefined;
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.evaluate().finally(() => (this.running = undefined));
    const states = await this.running;
    if (this.again) {
      this.again = false;
      return this.check();
    }
    return states;
  }

  private async evaluate(): Promise<StepStates> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const perFolder = await Promise.all(folders.map((folder) => this.folderStates(folder).catch((error: unknown) => {
      this.log.warn(`getting started: checking ${folder.name} failed: ${(error as Error).message}`);
      return undefined;
    })));
    const any = (key: keyof StepStates): boolean => perFolder.some((states) => states?.[key] === true);
    const states: StepStates = { python: any('python'), git: any('git'), dvc: any('dvc'), pipeline: any('pipeline'), trackingStore: any('trackingStore'), remote: any('remote'), repro: any('repro'), firstRun: any('firstRun') };
    for (const [key, value] of Object.entries(states) as [keyof StepStates, boolean][]) {
      if (this.last?.[key] !== value) await vscode.commands.executeCommand('setContext', KEYS[key], value);
    }
    if (JSON.stringify(states) !== JSON.stringify(this.last)) this.log.info(`getting started: ${Object.entries(states).map(([k, v]) => `${k} ${v ? 'done' : 'to do'}`).join(', ')}`);
    this.last = states;
    await this.pulse();
    return states;
  }

  private async folderStates(folder: vscode.WorkspaceFolder): Promise<StepStates> {
    const [project, python, store] = await Promise.all([projectState(folder.uri.fsPath), this.pythonReady(folder), this.storeStates(this.tracking.folders.find((f) => f.folder.uri.toString() === folder.uri.toString()))]);
    return {
      python,
      git: project.gitRoot !== undefined,
      dvc: project.dvcRoot !== undefined,
      pipeline: project.hasPipeline,
      trackingStore: store.readable,
      remote: project.defaultRemote !== undefined,
      repro: pipelineHasRun(project),
      firstRun: store.hasRun,
    };
  }

  private async pythonReady(folder: vscode.WorkspaceFolder): Promise<boolean> {
    // Probing runs the configured interpreter, which may live in the workspace.
    if (!vscode.workspace.isTrusted) return false;
    return (await this.python.decide(folder, packagesFor('walkthrough'), { quiet: true })).ok;
  }

  private async storeStates(tracking: FolderTracking | undefined): Promise<{ readable: boolean; hasRun: boolean }> {
    if (tracking?.state.kind !== 'ready') return { readable: false, hasRun: false };
    const store = tracking.state.store;
    let server = false;
    try {
      server = parseTrackingUri(store.uri, tracking.folder.uri.fsPath).kind === 'server';
    } catch {
      return { readable: false, hasRun: false };
    }
    if (server && !this.serversAllowed.has(store.uri)) return { readable: true, hasRun: false };
    try {
      const experiments = await store.searchExperiments({ maxResults: 100 });
      const ids = experiments.items.map((e) => e.experiment_id);
      const runs = ids.length > 0 ? await store.searchRuns({ experimentIds: ids, maxResults: 1 }) : undefined;
      return { readable: true, hasRun: (runs?.items.length ?? 0) > 0 };
    } catch (error) {
      this.log.info(`getting started: the store ${store.uri} could not be read (yet): ${(error as Error).message}`);
      return { readable: false, hasRun: false };
    }
  }
}
