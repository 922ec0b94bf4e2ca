/**
 * Python tracebacks in a task's output, as data: every frame, the exception line, and one
 * diagnostic per traceback (file, line, message) for the Problems panel or a failure message.
 * Reads the formats of CPython's traceback module: `Traceback (most recent call last):`, frames
 * `  File "x.py", line N, in f` followed by source and (3.11+) caret lines, the final
 * `Error: message` line, chained tracebacks, and the header-less SyntaxError report.
 */

export interface TracebackFrame {
  readonly file: string;
  readonly line: number;
  /** The function (`<module>` at top level); absent in SyntaxError reports. */
  readonly function?: string;
  /** The first source line shown under the frame, trimmed. */
  readonly code?: string;
}

export interface PythonTraceback {
  readonly frames: readonly TracebackFrame[];
  /** `ValueError`, `mlflow.exceptions.MlflowException`. */
  readonly exception: string;
  /** The text after `Exception: `, or empty. */
  readonly message: string;
  /** The exception line as printed: what a failure notification shows. */
  readonly errorLine: string;
}

export interface TracebackDiagnostic {
  readonly file: string;
  /** 1-based, as Python prints it. */
  readonly line: number;
  readonly message: string;
}

/** The frame line; `<string>`, `<frozen runpy>` and other pseudo-files are frames but not files. */
export const FRAME_LINE = /^\s*File "(.+)", line (\d+)(?:, in (.+))?$/;
/** The exception line: an unindented (dotted) class name, optionally `: message`. */
export const EXCEPTION_LINE = /^([A-Za-z_][\w.]*)(?::(?: (.*))?)?$/;
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007/g;

/** Every traceback in `output`, in order (a chained exception gives several). */
export function parseTracebacks(output: string): PythonTraceback[] {
  const lines = output.replace(ANSI, '').split(/\r?\n/);
  const found: PythonTraceback[] = [];
  let frames: TracebackFrame[] | undefined;
  for (const line of lines) {
    if (/^Traceback \(most recent call last\):\s*$/.test(line)) {
      frames = [];
      continue;
    }
    const frame = FRAME_LINE.exec(line);
    if (frame) {
      frames ??= [];
      frames.push({ file: frame[1]!, line: Number(frame[2]), ...(frame[3] === undefined ? {} : { function: frame[3] }) });
      continue;
    }
    if (frames === undefined) continue;
    if (/^\s/.test(line) && line.trim() !== '') {
      const last = frames[frames.length - 1];
      if (last && last.code === undefined && !/^\s*[~^]+\s*$/.test(line)) frames[frames.length - 1] = { ...last, code: line.trim() };
      continue;
    }
    const exception = EXCEPTION_LINE.exec(line);
    if (exception && frames.length > 0) {
      found.push({ frames, exception: exception[1]!, message: exception[2] ?? '', errorLine: line });
    }
    frames = undefined;
  }
  return found;
}

export interface DiagnosticOptions {
  /**
   * Prefer the innermost frame whose file is under this folder (the workspace): an error raised
   * inside a library then points at the user's line that called it. Default: the innermost frame.
   */
  readonly preferUnder?: string;
}

/** One diagnostic per traceback, at its innermost (preferred) real file, with the exception line as message. */
export function tracebackDiagnostics(output: string, options: DiagnosticOptions = {}): TracebackDiagnostic[] {
  const diagnostics: TracebackDiagnostic[] = [];
  for (const traceback of parseTracebacks(output)) {
    const real = traceback.frames.filter((frame) => !frame.file.startsWith('<'));
    const prefix = options.preferUnder?.replace(/[\\/]+$/, '');
    const preferred = prefix === undefined ? undefined : [...real].reverse().find((frame) => frame.file === prefix || frame.file.startsWith(`${prefix}/`) || frame.file.startsWith(`${prefix}\\`));
    const frame = preferred ?? real[real.length - 1];
    if (frame) diagnostics.push({ file: frame.file, line: frame.line, message: traceback.errorLine });
  }
  return diagnostics;
}

/** The last exception line in the output, for "failed: ValueError: …" (undefined without a traceback). */
export function lastErrorLine(output: string): string | undefined {
  return parseTracebacks(output).at(-1)?.errorLine;
}
