import { join } from 'node:path';
import * as vscode from 'vscode';
import { Emitter } from '../core/event.js';
import type { Logger } from '../core/log.js';
import { RunsModel, type RunRow } from '../core/tracking/runsModel.js';
import { CommandRegistry } from './commands.js';
import { readConfig } from './config.js';
import { Commands } from './constants.js';
import { Disposable, toDisposable, type DisposableLike } from './dispose.js';
import type { Projects } from './dvc/projects.js';
import { DvcWorkspace } from './dvc/workspace.js';
import { LineageCache } from './lineageCache.js';
import { createLogger } from './log.js';
import { PythonService } from './python.js';
import { InterpreterAdvisor } from './runner/interpreterAdvisor.js';
import { TaskRunner } from './runner/runner.js';
import { TrackingService, type FolderTracking } from './tracking/trackingService.js';
import { WriteService } from './tracking/writes.js';
import { VIRTUAL_SCHEME, VirtualDocuments } from './virtualDocuments.js';

export type RunRowOf = RunRow<FolderTracking>;

/** The Runs view as other features reach it (the runs feature attaches the view when it registers). */
export interface RunsViewPort {
  /** Selects the run's row, loading pages as needed; false when the view's query hides the run. */
  reveal(trackingKey: string, runId: string, options: { readonly focus: boolean }): Promise<boolean>;
  /** The runs selected in the view. */
  readonly selection: readonly RunRowOf[];
  readonly onDidChangeSelection: vscode.Event<readonly RunRowOf[]>;
}

/** Holds the attached Runs view; before one is attached, nothing is selected and nothing is revealed. */
export class RunsViewLink extends Disposable implements RunsViewPort {
  private port: RunsViewPort | undefined;
  private readonly selectionEmitter = this.register(new Emitter<readonly RunRowOf[]>());
  readonly onDidChangeSelection = this.selectionEmitter.event;

  attach(port: RunsViewPort): DisposableLike {
    this.port = port;
    const subscription = port.onDidChangeSelection((rows) => this.selectionEmitter.fire(rows));
    return toDisposable(() => {
      subscription.dispose();
      if (this.port === port) this.port = undefined;
    });
  }

  reveal(trackingKey: string, runId: string, options: { readonly focus: boolean }): Promise<boolean> {
    return this.port?.reveal(trackingKey, runId, options) ?? Promise.resolve(false);
  }

  get selection(): readonly RunRowOf[] {
    return this.port?.selection ?? [];
  }
}

/**
 * What the features share, made once by `activate` and handed to each feature's `register`: the
 * one log, the command policy, each folder's tracking store and the runs read from it, the DVC
 * projects, Python, writes through MLflow, the task runner and read-only documents. Features
 * never construct these, so each can be changed without reading the others.
 */
export interface Services {
  readonly log: Logger;
  /** The output channel behind `log` ("Show Log"). */
  readonly logChannel: vscode.LogOutputChannel;
  readonly commands: CommandRegistry;
  readonly tracking: TrackingService;
  readonly runs: RunsModel<FolderTracking>;
  readonly runsView: RunsViewPort & { attach(port: RunsViewPort): DisposableLike };
  readonly python: PythonService;
  readonly writes: WriteService;
  readonly dvc: Projects;
  readonly tasks: TaskRunner;
  readonly documents: VirtualDocuments;
  /** Lineage answers (core/lineage) shared by the Models and Data views' badges and the Lineage panel. */
  readonly lineage: LineageCache;
}

class SharedServices extends Disposable implements Services {
  readonly logChannel = this.register(vscode.window.createOutputChannel('ML Workbench', { log: true }));
  readonly log = createLogger(this.logChannel);
  readonly tracking: TrackingService;
  readonly python: PythonService;
  readonly commands: CommandRegistry;
  readonly runs: RunsModel<FolderTracking>;
  readonly runsView = this.register(new RunsViewLink());
  readonly writes: WriteService;
  readonly dvc: Projects;
  readonly tasks: TaskRunner;
  readonly documents = new VirtualDocuments();
  readonly lineage: LineageCache;

  constructor(context: vscode.ExtensionContext) {
    super();
    const { log } = this;
    this.tracking = this.register(new TrackingService(log, context.secrets));
    this.python = this.register(new PythonService(log, (python) => new InterpreterAdvisor(python, log, () => this.tasks)));
    this.commands = new CommandRegistry(log, {
      setCredentials: (serverUrl) => this.tracking.setCredentials(serverUrl),
      selectInterpreter: async () => {
        await this.python.selectInterpreter();
      },
    });
    const tracking = this.tracking;
    this.runs = this.register(
      new RunsModel<FolderTracking>({
        places: () => tracking.folders,
        onDidChangePlaces: tracking.onDidChangeStores,
        onDidChangeData: tracking.onDidChangeData,
        pageSize: () => readConfig().pageSize,
        memento: context.workspaceState,
        log,
      }),
    );
    this.writes = new WriteService(this.python);
    const storage = context.storageUri ?? context.globalStorageUri;
    this.dvc = this.register(new DvcWorkspace({ storage, workerPath: join(context.extensionUri.fsPath, 'dist', 'dvcHashWorker.js'), log })).projects;
    const dvc = this.dvc;
    const rootOf = async (folder: vscode.WorkspaceFolder): Promise<string> => {
      await dvc.ensureStarted();
      return dvc.projects.find((p) => p.folder.workspaceFolder.uri.toString() === folder.uri.toString())?.root ?? folder.uri.fsPath;
    };
    this.lineage = this.register(new LineageCache(rootOf, log));
    this.tasks = this.register(new TaskRunner(this.python, tracking, this.dvc, log));
    this.register(vscode.workspace.registerTextDocumentContentProvider(VIRTUAL_SCHEME, this.documents));
    this.register(this.commands.register({ [Commands.showLog]: () => this.logChannel.show() }, undefined));
  }
}

/** The shared services; disposing the result disposes them. */
export function createServices(context: vscode.ExtensionContext): Services & DisposableLike {
  return new SharedServices(context);
}
