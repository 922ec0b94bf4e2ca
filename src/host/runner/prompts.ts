import * as vscode from 'vscode';
import { checkParameterValue, type EntryPoint, type ParamChoice } from '../../core/tasks/index.js';

/** One value the user may change before a run. */
interface Editable {
  readonly name: string;
  readonly initial: string;
  /** Type and default, shown under the value. */
  readonly about?: string;
  readonly validate?: (value: string) => string | undefined;
}

type Item = vscode.QuickPickItem & { readonly action: 'run' | 'add' | 'edit'; readonly name?: string };

/**
 * A list of values with "Run" on top: Enter runs with what is shown, choosing a value opens an
 * input box (validated as the value is typed) and comes back to the list. Returns the values
 * that differ from their initial ones (plus added ones), or undefined when dismissed.
 */
async function editValues(title: string, editables: readonly Editable[], options: { addLabel?: string; mustChange?: boolean } = {}): Promise<Map<string, string> | undefined> {
  const values = new Map(editables.map((e) => [e.name, e.initial]));
  const added = new Map<string, string>();
  let problem: string | undefined;
  for (;;) {
    const changed = [...editables.filter((e) => values.get(e.name) !== e.initial).map((e) => [e.name, values.get(e.name)!] as const), ...added];
    const items: Item[] = [
      {
        action: 'run',
        label: '$(play) Run',
        description: changed.length > 0 ? changed.map(([name, value]) => `${name}=${value}`).join('  ') : 'with the values shown',
        ...(problem ? { detail: `$(error) ${problem}` } : {}),
      },
      { label: 'Parameters', kind: vscode.QuickPickItemKind.Separator, action: 'edit' },
      ...editables.map((e): Item => ({ action: 'edit', name: e.name, label: e.name, description: `= ${displayValue(values.get(e.name)!)}${values.get(e.name) !== e.initial ? '  (changed)' : ''}`, detail: e.about })),
      ...[...added].map(([name, value]): Item => ({ action: 'edit', name, label: name, description: `= ${displayValue(value)}  (added)` })),
      ...(options.addLabel ? [{ action: 'add', label: `$(add) ${options.addLabel}` } as Item] : []),
    ];
    const pick = await vscode.window.showQuickPick(items, { title, placeHolder: 'Enter runs with these values; choose a parameter to change it', ignoreFocusOut: true, matchOnDescription: true });
    if (!pick) return undefined;
    problem = undefined;
    if (pick.action === 'run') {
      problem = editables.map((e) => e.validate?.(values.get(e.name)!)).find((message) => message !== undefined);
      if (!problem && options.mustChange && changed.length === 0) problem = 'Change at least one parameter (or run the pipeline instead).';
      if (!problem) return new Map(changed);
    } else if (pick.action === 'add') {
      await addValue(added);
    } else if (pick.name !== undefined) {
      const editable = editables.find((e) => e.name === pick.name);
      const current = values.get(pick.name) ?? added.get(pick.name) ?? '';
      const next = await vscode.window.showInputBox({ title: `${title}: ${pick.name}`, value: current, prompt: editable?.about, validateInput: editable?.validate, ignoreFocusOut: true });
      if (next !== undefined) (editable ? values : added).set(pick.name, next);
    }
  }
}

async function addValue(added: Map<string, string>): Promise<void> {
  const text = await vscode.window.showInputBox({
    title: 'Override a parameter',
    prompt: 'name=value, as dvc exp run --set-param takes it (file:name=value for another params file)',
    placeHolder: 'train.epochs=50',
    validateInput: (v) => (/^[^=\s-][^=]*=/.test(v.trim()) ? undefined : 'Write name=value'),
  });
  if (!text) return;
  const at = text.indexOf('=');
  added.set(text.slice(0, at).trim(), text.slice(at + 1));
}

const displayValue = (value: string): string => (value === '' ? '""' : value);

/**
 * The `-P` values of an entry point: each declared parameter with its default, checked as its
 * declared type while typed. Returns only what differs from the defaults.
 */
export async function promptEntryPointParameters(entry: EntryPoint, projectDir: string): Promise<Record<string, string> | undefined> {
  const editables = entry.parameters.map(
    (parameter): Editable => ({
      name: parameter.name,
      initial: parameter.default ?? '',
      about: `${parameter.type}${parameter.default === undefined ? ', required' : `, default ${displayValue(parameter.default)}`}`,
      validate: (value) => (parameter.default === undefined && value === '' ? `${parameter.name} is required.` : checkParameterValue(parameter, value, { projectDir })),
    }),
  );
  if (editables.length === 0) return {};
  // A required parameter starts empty and fails validation until given, so it is always among the changed.
  const changed = await editValues(`mlflow run -e ${entry.name}`, editables);
  return changed ? Object.fromEntries(changed) : undefined;
}

/** `--set-param` overrides for `dvc exp run`: the tracked params with their values, and any other. */
export async function promptExperimentParams(choices: readonly ParamChoice[], title: string): Promise<Record<string, string> | undefined> {
  const editables = choices.map((choice): Editable => ({ name: choice.key, initial: choice.value, about: `in ${choice.file}; the value is read as YAML` }));
  const changed = await editValues(title, editables, { addLabel: 'Override another parameter…' });
  return changed ? Object.fromEntries(changed) : undefined;
}
