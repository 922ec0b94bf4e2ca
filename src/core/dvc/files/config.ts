/**
 * Enough of `.dvc/config` and `.dvc/config.local` (configobj INI, the local file winning) to find
 * the cache (`[cache] dir`, relative to the `.dvc` folder; dvc/cachemgr.py) and the `parsing`
 * options that change how a dict is written into a cmd.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { ParsingConfig } from '../templating/interpolate.js';

export interface DvcConfig {
  /** Absolute cache directory (DVC 3 objects under `files/md5`, DVC 2 objects at its top). */
  readonly cacheDir: string;
  readonly parsing: ParsingConfig;
}

export type Sections = Map<string, Map<string, string>>;

export function parseConfigText(text: string, into: Sections = new Map()): Sections {
  let section: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[+\s*(.*?)\s*\]+$/.exec(line);
    if (header) {
      const name = unquote(header[1]!);
      section = into.get(name) ?? new Map();
      into.set(name, section);
      continue;
    }
    const eq = line.indexOf('=');
    if (!section || eq === -1) continue;
    section.set(line.slice(0, eq).trim().toLowerCase(), unquote(line.slice(eq + 1).trim()));
  }
  return into;
}

function unquote(value: string): string {
  const m = /^(['"])(.*)\1$/.exec(value);
  return m ? m[2]! : value;
}

export async function readDvcConfig(root: string): Promise<DvcConfig> {
  return configFromSections(join(root, '.dvc'), await readConfigSections(root));
}

/** `.dvc/config` with `.dvc/config.local` over it (both relative to the `.dvc` folder, as DVC resolves paths). */
export async function readConfigSections(root: string): Promise<Sections> {
  const dvcDir = join(root, '.dvc');
  const sections: Sections = new Map();
  for (const name of ['config', 'config.local']) {
    try {
      parseConfigText(await readFile(join(dvcDir, name), 'utf8'), sections);
    } catch {
      // A missing config is DVC's defaults.
    }
  }
  return sections;
}

export function configFromSections(dvcDir: string, sections: Sections): DvcConfig {
  const cache = sections.get('cache');
  const dir = cache?.get('dir');
  const parsing = sections.get('parsing');
  const bool = parsing?.get('bool')?.toLowerCase();
  const list = parsing?.get('list')?.toLowerCase();
  return {
    cacheDir: dir ? (isAbsolute(dir) ? dir : resolve(dvcDir, dir)) : join(dvcDir, 'cache'),
    parsing: {
      ...(bool === 'boolean_optional' || bool === 'store_true' ? { bool } : {}),
      ...(list === 'append' || list === 'nargs' ? { list } : {}),
    },
  };
}
