/**
 * Entry point parameters checked before `mlflow run` starts, and the command MLflow would run with
 * them (mlflow/projects/_project_spec.py `EntryPoint.compute_parameters` / `compute_command`).
 *
 * MLflow itself refuses a missing required parameter, a `uri` without a scheme and a local `path`
 * that does not exist; it does not check `float` or `int`. We also refuse values that Python's
 * `float()` / `int()` would refuse, since a training script that declares them almost always
 * converts them so, and failing in the quick input beats failing after the environment is built.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { type EntryPoint, type EntryPointParameter } from './mlproject.js';
import { isPythonFloat, isPythonInt, pythonUrlSplit, shlexQuote } from './pythonValues.js';
import { TaskError, type TaskErrorReason } from './spec.js';

export interface ParameterContext {
  /** The project folder: `mlflow run .` runs there, so a relative `path` is relative to it. */
  readonly projectDir: string;
  readonly pathExists?: (absolutePath: string) => boolean;
}

export interface ParameterProblem {
  readonly name: string;
  readonly reason: Extract<TaskErrorReason, 'missing-parameter' | 'invalid-parameter' | 'invalid-argument'>;
  readonly message: string;
}

/** Why one value does not fit its declared parameter, or undefined when it does (for a quick input's validateInput). */
export function checkParameterValue(parameter: EntryPointParameter, value: string, context: ParameterContext): string | undefined {
  switch (parameter.type) {
    case 'float':
      return isPythonFloat(value) ? undefined : `${parameter.name} must be a float (got ${JSON.stringify(value)}).`;
    case 'int':
      return isPythonInt(value) ? undefined : `${parameter.name} must be an int (got ${JSON.stringify(value)}).`;
    case 'uri':
      return pythonUrlSplit(value).scheme ? undefined : `${parameter.name} must be a URI with a scheme, like s3://bucket/key or file:///data (got ${JSON.stringify(value)}).`;
    case 'path': {
      const local = localPath(value, context);
      if (local === undefined) return undefined;
      return (context.pathExists ?? existsSync)(local) ? undefined : `${parameter.name}: no such file or directory ${JSON.stringify(value)}.`;
    }
    default:
      return undefined;
  }
}

/**
 * Every problem with the values for an entry point: required parameters without a value, values of
 * the wrong type, and names `-P` cannot carry (MLflow splits `name=value` at the first `=`).
 */
export function parameterProblems(entry: EntryPoint, values: Readonly<Record<string, string>>, context: ParameterContext): ParameterProblem[] {
  const problems: ParameterProblem[] = [];
  for (const parameter of entry.parameters) {
    const value = values[parameter.name];
    if (value === undefined) {
      if (parameter.default === undefined) problems.push({ name: parameter.name, reason: 'missing-parameter', message: `No value given for the required parameter ${parameter.name} (${parameter.type}).` });
      continue;
    }
    const message = checkParameterValue(parameter, value, context);
    if (message) problems.push({ name: parameter.name, reason: 'invalid-parameter', message });
  }
  for (const name of Object.keys(values)) {
    if (name === '' || name.includes('=')) problems.push({ name, reason: 'invalid-argument', message: `A parameter name cannot be empty or contain "=" (got ${JSON.stringify(name)}).` });
  }
  return problems;
}

/** Throws the first problem as a TaskError naming the parameter (the message lists all of them). */
export function checkParameters(entry: EntryPoint, values: Readonly<Record<string, string>>, context: ParameterContext): void {
  const problems = parameterProblems(entry, values, context);
  const first = problems[0];
  if (first) throw new TaskError(first.reason, problems.map((problem) => problem.message).join(' '), first.name);
}

/**
 * The shell command MLflow runs for the entry point: declared parameters (value, else default)
 * shell-quoted into the `str.format` template, a local `path` made absolute, then undeclared ones
 * appended as `--name value`. Checks the values first.
 */
export function formatEntryPointCommand(entry: EntryPoint, values: Readonly<Record<string, string>>, context: ParameterContext): string {
  checkParameters(entry, values, context);
  const substituted = new Map<string, string>();
  for (const parameter of entry.parameters) {
    let value = values[parameter.name] ?? parameter.default ?? '';
    if (parameter.type === 'path') value = localPath(value, context) ?? value;
    substituted.set(parameter.name, shlexQuote(value));
  }
  const declared = new Set(entry.parameters.map((parameter) => parameter.name));
  const extras = Object.entries(values)
    .filter(([name]) => !declared.has(name))
    .map(([name, value]) => `--${shlexQuote(name)} ${shlexQuote(value)}`);
  return [formatTemplate(entry.command, substituted, entry.name), ...extras].join(' ');
}

/**
 * Python's `str.format(**params)` for the subset MLproject commands use: `{name}` and the `{{`/`}}`
 * escapes. Conversions, format specs, indexing and positional fields are refused (`invalid-template`)
 * rather than guessed, as is a name that is not a parameter (MLflow would fail with a KeyError).
 */
export function formatTemplate(template: string, values: ReadonlyMap<string, string>, entryName = ''): string {
  let result = '';
  let index = 0;
  while (index < template.length) {
    const char = template[index]!;
    if (char === '{' && template[index + 1] === '{') {
      result += '{';
      index += 2;
    } else if (char === '}' && template[index + 1] === '}') {
      result += '}';
      index += 2;
    } else if (char === '{') {
      const end = template.indexOf('}', index);
      const field = end < 0 ? template.slice(index + 1) : template.slice(index + 1, end);
      if (end < 0 || !/^[^!:.[\]{}]+$/.test(field) || /^\d+$/.test(field)) {
        throw new TaskError('invalid-template', `The command of entry point ${entryName} uses {${field}${end < 0 ? '' : '}'}, which ML Workbench does not substitute (only {parameter}).`, entryName);
      }
      const value = values.get(field);
      if (value === undefined) throw new TaskError('invalid-template', `The command of entry point ${entryName} refers to {${field}}, which is not one of its parameters.`, field);
      result += value;
      index = end + 1;
    } else if (char === '}') {
      throw new TaskError('invalid-template', `The command of entry point ${entryName} has a single "}" (write "}}" for a literal brace).`, entryName);
    } else {
      result += char;
      index += 1;
    }
  }
  return result;
}

/** `get_local_path_or_none` + `os.path.abspath`: the absolute local path, or undefined for a remote URI. */
function localPath(value: string, context: ParameterContext): string | undefined {
  const { scheme, netloc, path } = pythonUrlSplit(value);
  if (scheme === '') return isAbsolute(value) ? resolve(value) : resolve(context.projectDir, value);
  if (scheme === 'file' && netloc === '') return resolve(context.projectDir, unquote(path));
  return undefined;
}

/** `urllib.parse.unquote`: %XX sequences decoded as UTF-8, malformed ones kept as they are. */
function unquote(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}
