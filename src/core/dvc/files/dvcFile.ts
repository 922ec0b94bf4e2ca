/**
 * `.dvc` files (dvc/schema.py SINGLE_STAGE_SCHEMA): the outs `dvc add` records, loaded as a data
 * stage whose recorded state is the file itself. Imports (deps with `repo:` or a URL) are read
 * but their upstream is not checked (that needs the network); see `isImport`.
 */
import { dirname, resolve } from 'node:path';
import type { DvcDiagnostic, PathDep, Stage, StageOut } from '../entities.js';
import { isDict, type PyDict } from '../pyValue.js';
import { outFlags, repoRelative } from '../pipeline/stageModel.js';
import { hashRecord } from './lockfile.js';
import { diagnostic, loadYaml } from './yamlFile.js';

export interface DataStage extends Stage {
  readonly isImport: boolean;
  /** `dvc import` from another repo (its dep has `repo:`); `dvc status -c` and push leave it out. */
  readonly repoImport: boolean;
  /** Legacy stage checksum (`md5:` at top level), compared by `dvc status` for imports only. */
  readonly stageMd5: string | undefined;
}

export function parseDvcFile(root: string, path: string, text: string): { stage: DataStage | undefined; diagnostics: DvcDiagnostic[] } {
  const loaded = loadYaml(path, text);
  const diagnostics = [...loaded.diagnostics];
  const file = loaded.value;
  if (!file) return { stage: undefined, diagnostics };
  const value = file.value;
  if (!isDict(value)) {
    diagnostics.push(diagnostic(path, { line: 1, column: 1 }, 'a .dvc file must be a mapping'));
    return { stage: undefined, diagnostics };
  }
  const wdirText = typeof value['wdir'] === 'string' ? value['wdir'] : '.';
  const wdir = resolve(dirname(path), wdirText);
  const outs: StageOut[] = [];
  const records = new Map<string, ReturnType<typeof hashRecord>>();
  const rawOuts = Array.isArray(value['outs']) ? value['outs'] : [];
  rawOuts.forEach((item, index) => {
    if (!isDict(item) || typeof item['path'] !== 'string') {
      diagnostics.push(diagnostic(path, file.positionOf(['outs', index]), "each out needs a 'path'"));
      return;
    }
    const absPath = resolve(wdir, item['path']);
    const position = file.positionOf(['outs', index]);
    outs.push({ defPath: item['path'], absPath, repoPath: repoRelative(root, absPath), position, kind: 'outs', flags: outFlags(item) });
    records.set(item['path'], hashRecord(item));
  });
  const deps = dataDeps(value, wdir, root, file.positionOf(['deps']));
  const address = repoRelative(root, path);
  const cmd = typeof value['cmd'] === 'string' || Array.isArray(value['cmd']) ? (value['cmd'] as string | string[]) : undefined;
  return {
    stage: {
      address,
      kind: 'data',
      name: address,
      file: address,
      position: { line: 1, column: 1 },
      cmd,
      wdir: repoRelative(root, wdir).replace(/^\.$/, ''),
      deps: deps.paths,
      params: [],
      outs,
      frozen: value['frozen'] === true || value['locked'] === true,
      alwaysChanged: value['always_changed'] === true,
      ...(typeof value['desc'] === 'string' ? { desc: value['desc'] } : {}),
      lock: { cmd, deps: deps.records, outs: records, params: new Map() },
      isImport: cmd === undefined && deps.paths.length === 1 && outs.length === 1,
      repoImport: (Array.isArray(value['deps']) ? value['deps'] : []).some((dep) => isDict(dep) && isDict(dep['repo'])),
      stageMd5: typeof value['md5'] === 'string' ? value['md5'] : undefined,
    },
    diagnostics,
  };
}

function dataDeps(value: PyDict, wdir: string, root: string, position: { line: number; column: number }) {
  const paths: PathDep[] = [];
  const records = new Map<string, ReturnType<typeof hashRecord>>();
  for (const item of Array.isArray(value['deps']) ? value['deps'] : []) {
    if (!isDict(item) || typeof item['path'] !== 'string') continue;
    const absPath = resolve(wdir, item['path']);
    const external = isDict(item['repo']) || item['db'] !== undefined || item['path'].startsWith('ds://');
    paths.push({ defPath: item['path'], absPath, repoPath: repoRelative(root, absPath), position, ...(external ? { external } : {}) });
    records.set(item['path'], hashRecord(item));
  }
  return { paths, records };
}
