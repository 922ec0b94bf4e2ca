/**
 * The files the deployment scaffolds write come from templates shipped with the extension
 * (templates/ in the repo, dist/templates/ in the .vsix). A template is a runnable Python file with
 * placeholders: `"{{name}}"` (quotes included) becomes a Python string literal of the value, a bare
 * `{{name}}` (in comments and docstrings) the value as one line of text.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeployError } from './errors.js';

export const TEMPLATES = {
  batchPredict: 'batch_predict.py',
  queueWorker: 'queue_worker.py',
  queueClient: 'queue_client.py',
  checkDrift: 'check_drift.py',
} as const;

export type TemplateName = keyof typeof TEMPLATES;

export async function readTemplate(templateDir: string, name: TemplateName): Promise<string> {
  const path = join(templateDir, TEMPLATES[name]);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new DeployError('template', `The template ${TEMPLATES[name]} is missing from ${templateDir}: the extension is not installed completely.`, path, { cause: error });
  }
}

const PLACEHOLDER = /"\{\{([a-z_]+)\}\}"|\{\{([a-z_]+)\}\}/g;

/** Fills every placeholder; a DeployError('template') names any that has no value. */
export function renderTemplate(text: string, values: Readonly<Record<string, string>>, name: string): string {
  return text.replace(PLACEHOLDER, (_match, quoted: string | undefined, bare: string | undefined) => {
    const key = (quoted ?? bare)!;
    const value = values[key];
    if (value === undefined) throw new DeployError('template', `The template ${name} has a placeholder {{${key}}} with no value.`, name);
    return quoted !== undefined ? pythonStringLiteral(value) : proseText(value);
  });
}

/** A Python str literal with this exact value (JSON's escapes are a subset of Python's). */
export function pythonStringLiteral(value: string): string {
  return JSON.stringify(value);
}

/** Text safe inside a comment or a docstring: one line, no quotes that could end the docstring. */
function proseText(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').replace(/\\/g, '/').replace(/"/g, "'");
}
