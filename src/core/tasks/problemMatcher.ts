/**
 * The problem matchers that put a task's Python traceback into the Problems panel, exactly as
 * declared in package.json `contributes.problemMatchers` (a unit test keeps the two equal and
 * runs them the way VS Code's StartStopProblemCollector does).
 *
 * VS Code matches a multi-line pattern against consecutive lines, with no optional lines, so
 * three matchers cover the three shapes of a traceback's end — frame, source, exception (most);
 * frame, source, carets, exception (3.11+ when the error is part of the line; SyntaxError); frame,
 * exception (no source available). Each marks the innermost frame with the exception line.
 * A task lists all three: `problemMatcher: PYTHON_PROBLEM_MATCHER_REFERENCES`.
 */

export interface ProblemPatternJson {
  readonly regexp: string;
  readonly file?: number;
  readonly line?: number;
  readonly message?: number;
  readonly loop?: boolean;
}

export interface ProblemMatcherJson {
  readonly name: string;
  readonly label: string;
  readonly owner: string;
  readonly source: string;
  readonly severity: 'error';
  readonly applyTo: 'allDocuments';
  readonly fileLocation: readonly string[];
  readonly pattern: readonly ProblemPatternJson[];
}

const FRAME: ProblemPatternJson = { regexp: '^\\s+File "([^<"].*)", line (\\d+)(?:, in .+)?$', file: 1, line: 2 };
const SOURCE: ProblemPatternJson = { regexp: '^\\s{4,}\\S.*$' };
const CARETS: ProblemPatternJson = { regexp: '^\\s+[~^]+\\s*$' };
const EXCEPTION: ProblemPatternJson = { regexp: '^([A-Za-z_][\\w.]*(?::.*)?)$', message: 1 };

const matcher = (name: string, label: string, pattern: ProblemPatternJson[]): ProblemMatcherJson => ({
  name,
  label,
  owner: 'mlWorkbench.python',
  source: 'python',
  severity: 'error',
  applyTo: 'allDocuments',
  fileLocation: ['autoDetect', '${workspaceFolder}'],
  pattern,
});

export const PYTHON_PROBLEM_MATCHERS: readonly ProblemMatcherJson[] = [
  matcher('mlWorkbench-python', 'Python traceback', [FRAME, SOURCE, EXCEPTION]),
  matcher('mlWorkbench-python-carets', 'Python traceback (with caret line)', [FRAME, SOURCE, CARETS, EXCEPTION]),
  matcher('mlWorkbench-python-nosource', 'Python traceback (no source line)', [FRAME, EXCEPTION]),
];

/** What a task's `problemMatchers` lists (`$name` refers to a contributed matcher). */
export const PYTHON_PROBLEM_MATCHER_REFERENCES: readonly string[] = PYTHON_PROBLEM_MATCHERS.map((m) => `$${m.name}`);
