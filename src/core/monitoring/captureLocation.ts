/**
 * Where a served model's capture log goes: the extension's storage by default, or a folder the user
 * set (relative to the workspace folder, which it may not leave: a workspace's settings must not
 * point the extension's writes elsewhere), one subfolder per served model URI.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';

export interface CaptureLocationInput {
  /** The setting's value (blank: the extension's storage). */
  readonly folderSetting?: string;
  /** The workspace folder the model is served from. */
  readonly workspaceFolder: string;
  /** The extension's own storage folder for captures. */
  readonly storageDir: string;
  readonly modelUri: string;
}

export type CaptureLocation = { readonly dir: string; readonly inWorkspace: boolean } | { readonly error: string };

export function captureLocation(input: CaptureLocationInput): CaptureLocation {
  const setting = input.folderSetting?.trim();
  const slug = modelSlug(input.modelUri);
  if (!setting) return { dir: resolve(input.storageDir, slug), inWorkspace: false };
  const base = resolve(input.workspaceFolder, setting);
  const inside = relative(resolve(input.workspaceFolder), base);
  if (isAbsolute(inside) || inside === '..' || inside.startsWith(`..${sep}`)) {
    return { error: `The capture folder "${setting}" is outside the workspace folder ${input.workspaceFolder}; set a folder inside it, or leave the setting empty for the extension's storage.` };
  }
  return { dir: resolve(base, slug), inWorkspace: true };
}

/** `models:/iris classifier@champion` → `iris-classifier@champion`: one path segment, no dots to climb with. */
export function modelSlug(modelUri: string): string {
  const slug = modelUri.replace(/^models:\//, '').replace(/[^\w@-]+/g, '-').replace(/^-+|-+$/g, '');
  return slug || 'model';
}

/** The model version a `models:/name/3` URI names (an alias names none until resolved). */
export function uriVersion(modelUri: string): string | undefined {
  return /^models:\/[^@]+\/(\d+)$/.exec(modelUri)?.[1];
}
