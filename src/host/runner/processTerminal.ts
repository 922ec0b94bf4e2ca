import { spawn, type ChildProcess } from 'node:child_process';
import * as vscode from 'vscode';
import { shlexQuote } from '../../core/tasks/index.js';
import type { TaskSpec } from '../../core/tasks/spec.js';

/** How a task's process ended, with the tail of what it printed (for the failure line and "Show Output"). */
export interface ProcessOutcome {
  /** undefined when the process could not start or was killed by a signal. */
  readonly exitCode: number | undefined;
  readonly signal?: string;
  /** Set when the user stopped it (Terminate Task, Ctrl+C, closing the terminal). */
  readonly stopped: boolean;
  readonly output: string;
  readonly durationMs: number;
}

/** What a task terminal keeps of the output: enough for any traceback, bounded for a chatty training loop. */
const OUTPUT_TAIL = 1 << 20;
/** After SIGTERM to the process group, SIGKILL if anything is left (a stuck DataLoader worker, say). */
const KILL_GRACE_MS = 3_000;

/**
 * A task's terminal that runs one argv (no shell: `spawn(command, args)`), in its own process
 * group so stopping the task stops every process it started (DVC's stage command, MLflow's
 * `bash -c`, workers). The output goes to the terminal as it comes and its tail is kept: the Task
 * API never hands a task's output back to the extension, and the failure line needs it.
 */
export class ProcessTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private child: ChildProcess | undefined;
  private output = '';
  private stopped = false;
  private finished = false;
  private started = 0;

  constructor(
    private readonly spec: TaskSpec,
    private readonly onEnd: (outcome: ProcessOutcome) => void,
    private readonly preamble: readonly string[] = [],
  ) {}

  open(): void {
    for (const line of this.preamble) this.print(`\x1b[2m${line}\x1b[0m\r\n`);
    this.print(`\x1b[1m> ${[this.spec.command, ...this.spec.args].map(shlexQuote).join(' ')}\x1b[0m\r\n`);
    this.started = Date.now();
    // Python buffers its output when it is not a terminal: unbuffered, the terminal follows the training live.
    const env = { ...process.env, ...this.spec.env, PYTHONUNBUFFERED: '1' };
    const child = spawn(this.spec.command, [...this.spec.args], { cwd: this.spec.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) stream?.setEncoding('utf8').on('data', (chunk: string) => this.received(chunk));
    child.once('error', (error: NodeJS.ErrnoException) => {
      this.received(`${error.code === 'ENOENT' ? `${this.spec.command} was not found` : error.message}\n`);
      this.finish(undefined, undefined);
    });
    child.once('close', (code, signal) => this.finish(code ?? undefined, signal ?? undefined));
  }

  handleInput(data: string): void {
    // Ctrl+C interrupts the whole group, as a shell's job control would.
    if (data === '\x03') this.signal('SIGINT');
  }

  /** Terminate Task, or the terminal closed. */
  close(): void {
    this.stop();
  }

  stop(): void {
    if (this.finished || !this.child) return;
    this.stopped = true;
    this.signal('SIGTERM');
    const child = this.child;
    setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) this.signal('SIGKILL');
    }, KILL_GRACE_MS).unref();
  }

  private signal(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      this.child?.kill(signal);
    }
  }

  private received(chunk: string): void {
    this.output = (this.output + chunk).slice(-OUTPUT_TAIL);
    this.print(chunk.replace(/\r?\n/g, '\r\n'));
  }

  private print(text: string): void {
    this.writeEmitter.fire(text);
  }

  private finish(exitCode: number | undefined, signal: string | undefined): void {
    if (this.finished) return;
    this.finished = true;
    const durationMs = Date.now() - this.started;
    const status = exitCode === 0 ? '\x1b[32mdone\x1b[0m' : this.stopped ? 'stopped' : `\x1b[31mfailed (${exitCode !== undefined ? `exit code ${exitCode}` : signal ?? 'did not start'})\x1b[0m`;
    this.print(`\r\n\x1b[2m${this.spec.label}: \x1b[0m${status}\x1b[2m in ${(durationMs / 1000).toFixed(1)} s\x1b[0m\r\n`);
    this.onEnd({ exitCode, ...(signal ? { signal } : {}), stopped: this.stopped, output: this.output, durationMs });
    this.closeEmitter.fire(exitCode ?? 1);
  }
}

/** A task terminal that only says something (why the task did not start) and ends. */
export class MessageTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;

  constructor(
    private readonly message: string,
    private readonly exitCode: number,
  ) {}

  open(): void {
    this.writeEmitter.fire(`${this.message.replace(/\r?\n/g, '\r\n')}\r\n`);
    // The close has to come after open returns, or the terminal misses it.
    setTimeout(() => this.closeEmitter.fire(this.exitCode), 0);
  }

  close(): void {
    // Nothing runs.
  }
}
