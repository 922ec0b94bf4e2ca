/**
 * The project templates of New ML Project: files in the repository (templates/ml-project/: a
 * `common` folder, one folder per template that adds or replaces files, the sample data, and
 * templates.json describing each), rendered with `{{name}}` (as is) and `{{name|yaml}}` (a YAML
 * scalar) placeholders. An unknown placeholder is an error, never left in a file.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { yamlScalar, type MlTask } from './schema.js';

export interface TemplateInfo {
  readonly id: MlTask;
  readonly label: string;
  readonly detail: string;
  readonly taskLabel: string;
  readonly modelSuffix: string;
  readonly sample: { readonly file: string; readonly target: string; readonly label: string };
}

export interface TemplateSet {
  readonly root: string;
  readonly templates: readonly TemplateInfo[];
}

/** A file of a template: its path in the new project and its text, before rendering. */
export interface TemplateFile {
  readonly path: string;
  readonly text: string;
}

/** Files whose name a .vsix or git would treat specially are stored under another name. */
const RENAMES: Readonly<Record<string, string>> = { gitignore: '.gitignore' };

export async function loadTemplateSet(root: string): Promise<TemplateSet> {
  const manifest = JSON.parse(await readFile(join(root, 'templates.json'), 'utf8')) as { templates?: unknown };
  if (!Array.isArray(manifest.templates)) throw new Error(`${join(root, 'templates.json')} lists no templates.`);
  return { root, templates: manifest.templates as TemplateInfo[] };
}

/** The template's files (common ones, replaced by the template's own of the same path), sorted by path. */
export async function templateFiles(set: TemplateSet, id: MlTask): Promise<TemplateFile[]> {
  if (!set.templates.some((t) => t.id === id)) throw new Error(`No template "${id}".`);
  const files = new Map<string, string>();
  for (const folder of ['common', id]) {
    const base = join(set.root, folder);
    for (const path of await walk(base)) {
      const name = relative(base, path).split(sep).join('/');
      files.set(renamed(name), await readFile(path, 'utf8'));
    }
  }
  return [...files].map(([path, text]) => ({ path, text })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function renamed(path: string): string {
  const slash = path.lastIndexOf('/');
  const name = path.slice(slash + 1);
  return RENAMES[name] ? `${path.slice(0, slash + 1)}${RENAMES[name]}` : path;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const paths: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) paths.push(...(await walk(path)));
    else if (entry.isFile() && !entry.name.endsWith('.pyc')) paths.push(path);
  }
  return paths;
}

/** `{{name}}` → the value; `{{name|yaml}}` → the value as a YAML scalar. */
export function renderTemplate(text: string, values: Readonly<Record<string, string>>, where = 'template'): string {
  return text.replace(/\{\{\s*([a-z_]+)\s*(\|\s*yaml\s*)?\}\}/g, (_match, name: string, yaml: string | undefined) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${where}: unknown placeholder {{${name}}}`);
    return yaml ? yamlScalar(value) : value;
  });
}

/** A name for experiments and models from a folder name: lower case, letters, digits and dashes. */
export function projectSlug(folderName: string): string {
  const slug = folderName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug || 'ml-project';
}

/** A data file name safe in dvc.yaml, params.yaml and a shell command: letters, digits, `._-`, ending in .csv. */
export function dataFileName(original: string): string {
  const base = original.split(/[\\/]/).pop() ?? '';
  const stem = base.replace(/\.csv$/i, '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._-]+/, '').slice(0, 80);
  return `${stem || 'data'}.csv`;
}
