/**
 * Model-as-Dependency: the model's pinned requirements (its requirements.txt, else the pip list of
 * its conda.yaml — what `mlflow.<flavor>.log_model` wrote) merged into the project's requirements
 * file. A package the project lacks is added as the model pins it; one the project already
 * constrains is kept as the project wrote it, and reported as a conflict when the model's pinned
 * version does not satisfy the project's specifier. Nothing of the project's file is rewritten:
 * the additions go in one block at its end.
 */
import { parse as parseYaml } from 'yaml';
import { satisfies } from './pep440.js';

export interface Requirement {
  /** The line as written (without its comment). */
  readonly text: string;
  readonly name: string;
  /** PEP 503 normalised: lower case, runs of `-_.` as one `-`. */
  readonly key: string;
  /** `>=1.2,<2` (empty when unconstrained). */
  readonly specifier: string;
  readonly marker?: string;
  readonly url?: string;
}

const NAME = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*/;

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** A requirement line (PEP 508 as pip reads requirements files); undefined for options, comments and blanks. */
export function parseRequirement(line: string): Requirement | undefined {
  const text = stripComment(line).trim();
  if (text === '' || text.startsWith('-')) return undefined;
  const name = NAME.exec(text);
  if (!name) return undefined;
  let rest = text.slice(name[0].length);
  let marker: string | undefined;
  const semicolon = rest.indexOf(';');
  if (semicolon >= 0) {
    marker = rest.slice(semicolon + 1).trim();
    rest = rest.slice(0, semicolon).trim();
  }
  if (rest.startsWith('@')) return { text, name: name[1]!, key: normalizeName(name[1]!), specifier: '', url: rest.slice(1).trim(), ...(marker ? { marker } : {}) };
  const specifier = rest.replace(/^\((.*)\)$/, '$1').replace(/\s+/g, '');
  if (specifier !== '' && !/^(~=|===|==|!=|<=|>=|<|>)[^,]+(,(~=|===|==|!=|<=|>=|<|>)[^,]+)*$/.test(specifier)) return undefined;
  return { text, name: name[1]!, key: normalizeName(name[1]!), specifier, ...(marker ? { marker } : {}) };
}

/** pip: `#` starts a comment at the line start or after whitespace. */
function stripComment(line: string): string {
  const match = /(^|\s)#/.exec(line);
  return match ? line.slice(0, match.index) : line;
}

/** The pip requirements of a conda.yaml (`dependencies: [..., {pip: [...]}]`). */
export function condaPipRequirements(condaYaml: string): string[] {
  let doc: unknown;
  try {
    doc = parseYaml(condaYaml, { maxAliasCount: 100 });
  } catch {
    return [];
  }
  const dependencies = (doc as { dependencies?: unknown } | null)?.dependencies;
  if (!Array.isArray(dependencies)) return [];
  return dependencies.flatMap((entry: unknown) => {
    const pip = entry && typeof entry === 'object' ? (entry as { pip?: unknown }).pip : undefined;
    return Array.isArray(pip) ? pip.filter((item): item is string => typeof item === 'string') : [];
  });
}

export interface RequirementConflict {
  readonly name: string;
  /** The project's line, kept as it is. */
  readonly project: string;
  /** What the model was saved with. */
  readonly model: string;
  readonly message: string;
}

export interface RequirementsMerge {
  /** The project's new requirements file (equal to the old one when nothing is added). */
  readonly after: string;
  readonly added: readonly string[];
  /** Packages the project constrains in a way the model's version satisfies. */
  readonly satisfied: readonly string[];
  readonly conflicts: readonly RequirementConflict[];
  /** Model lines that are not requirements (options such as `-c constraints.txt`): not merged. */
  readonly skipped: readonly string[];
}

export interface MergeRequest {
  /** The project's requirements file, undefined when it does not exist. */
  readonly project?: string;
  /** The model's requirement lines (requirements.txt split into lines, or condaPipRequirements). */
  readonly model: readonly string[];
  /** Named in the block's comment: `models:/iris@champion (version 3)`. */
  readonly source: string;
}

export function mergeRequirements(request: MergeRequest): RequirementsMerge {
  const projectLines = (request.project ?? '').split(/\r?\n/);
  const existing = new Map<string, Requirement[]>();
  for (const line of projectLines) {
    const requirement = parseRequirement(line);
    if (requirement) existing.set(requirement.key, [...(existing.get(requirement.key) ?? []), requirement]);
  }
  const added: string[] = [];
  const satisfied: string[] = [];
  const conflicts: RequirementConflict[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  for (const line of request.model) {
    if (stripComment(line).trim() === '') continue;
    const requirement = parseRequirement(line);
    if (!requirement) {
      skipped.push(line.trim());
      continue;
    }
    if (seen.has(requirement.key)) continue;
    seen.add(requirement.key);
    const ours = existing.get(requirement.key);
    if (!ours) {
      added.push(requirement.text);
      continue;
    }
    const conflict = ours.map((project) => conflictOf(project, requirement)).find((found) => found !== undefined);
    if (conflict) conflicts.push(conflict);
    else satisfied.push(requirement.name);
  }
  return { after: appendBlock(request.project, added, request.source), added, satisfied, conflicts, skipped };
}

function conflictOf(project: Requirement, model: Requirement): RequirementConflict | undefined {
  const pinned = exactPin(model.specifier);
  const conflict = (message: string): RequirementConflict => ({ name: model.name, project: project.text, model: model.text, message });
  try {
    if (pinned !== undefined && project.specifier !== '' && !satisfies(pinned, project.specifier)) {
      return conflict(`The model was saved with ${model.name} ${pinned}; the project requires ${project.text}. Loading may fail or predict differently: align the versions.`);
    }
    const projectPin = exactPin(project.specifier);
    if (pinned === undefined && projectPin !== undefined && model.specifier !== '' && !satisfies(projectPin, model.specifier)) {
      return conflict(`The model requires ${model.text}; the project pins ${project.text}.`);
    }
  } catch {
    return conflict(`${project.text} and ${model.text} could not be compared: check them by hand.`);
  }
  return undefined;
}

/** `==1.2.3` → `1.2.3` (not a wildcard, not one of several clauses). */
function exactPin(specifier: string): string | undefined {
  const match = /^===?([^,*]+)$/.exec(specifier);
  return match ? match[1] : undefined;
}

function appendBlock(project: string | undefined, added: readonly string[], source: string): string {
  const before = project ?? '';
  if (added.length === 0) return before;
  const block = `# Requirements of ${source.replace(/[\r\n]+/g, ' ')}, added by ML Workbench\n${added.join('\n')}\n`;
  if (before === '') return block;
  const newline = before.includes('\r\n') ? '\r\n' : '\n';
  const separated = before.endsWith('\n') ? `${before}${newline}` : `${before}${newline}${newline}`;
  return separated + block.replace(/\n/g, newline);
}

export interface ModelRequirements {
  readonly lines: readonly string[];
  readonly file: 'requirements.txt' | 'conda.yaml';
  /** The Python the model was saved with (python_env.yaml, else conda.yaml), to compare with the project's. */
  readonly python?: string;
}

/** requirements.txt of the model folder, else conda.yaml's pip list; undefined when it has neither. */
export async function modelRequirements(read: (path: string) => Promise<string | undefined>): Promise<ModelRequirements | undefined> {
  const [requirements, conda, pythonEnv] = await Promise.all([read('requirements.txt'), read('conda.yaml'), read('python_env.yaml')]);
  const python = pythonVersionOf(pythonEnv, conda);
  const extra = python ? { python } : {};
  if (requirements !== undefined) return { lines: requirements.split(/\r?\n/), file: 'requirements.txt', ...extra };
  if (conda !== undefined) return { lines: condaPipRequirements(conda), file: 'conda.yaml', ...extra };
  return undefined;
}

function pythonVersionOf(pythonEnv: string | undefined, conda: string | undefined): string | undefined {
  const fromEnv = pythonEnv ? /^python:\s*["']?([\d.]+)/m.exec(pythonEnv)?.[1] : undefined;
  if (fromEnv) return fromEnv;
  return conda ? /^\s*-\s*python\s*[=<>]=?\s*([\d.]+)/m.exec(conda)?.[1] : undefined;
}
