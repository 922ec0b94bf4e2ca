/**
 * Loads a CommonJS bundle with a V8 code cache (Node 20 has no `module.enableCompileCache`): the
 * bytecode V8 compiled for it — the functions a run used, not only the top level — is kept in our
 * cache folder (never in the user's repo) and handed back to V8 by the next process, which then
 * skips parsing and compiling them. The file is named by a hash of the bundle's text, Node's
 * version and the architecture, so a rebuilt bundle or another Node never meets a stale cache;
 * V8 checks the rest (its flags, its version) and rejects data that does not fit, which costs only
 * the compile it would have done anyway. Written atomically (a temporary file, then rename) after
 * the command has answered, only when there was none or V8 rejected it; any failure to read or
 * write it is ignored: the cache is an optimisation, never a reason to fail.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

export interface LoadedBundle<T> {
  readonly exports: T;
  /** Writes the code cache when it is missing or was rejected (call once the work is done). */
  saveCache(): void;
  /** 'accepted', 'rejected' or 'none' (no cache file, or caching turned off). */
  readonly cache: 'accepted' | 'rejected' | 'none';
}

/** Our cache folder: $XDG_CACHE_HOME/ml-workbench, else ~/.cache/ml-workbench. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'ml-workbench');
}

/** The cache file of a bundle's text under `folder`. */
export function codeCachePath(folder: string, bundlePath: string, source: string): string {
  const key = createHash('sha256').update(source).update('\0').update(process.version).update('\0').update(process.arch).digest('hex').slice(0, 32);
  return join(folder, `${basename(bundlePath, '.js')}-${key}.bin`);
}

/**
 * Runs `bundlePath` as Node would `require` it (the same wrapper, `require`, `module`, `__filename`,
 * `__dirname`) and returns its exports. `folder` undefined turns the cache off (a plain compile).
 */
export function loadBundle<T>(bundlePath: string, folder: string | undefined): LoadedBundle<T> {
  const source = readFileSync(bundlePath, 'utf8');
  const cachePath = folder === undefined ? undefined : codeCachePath(folder, bundlePath, source);
  let cachedData: Buffer | undefined;
  if (cachePath !== undefined) {
    try {
      cachedData = readFileSync(cachePath);
    } catch {
      // No cache yet (or unreadable): compiled from source, and saved after the run.
    }
  }
  // The same wrapper as Node's CommonJS loader (Module.wrap), so the bundle sees what require gives it.
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
  const script = new Script(wrapped, { filename: bundlePath, ...(cachedData ? { cachedData } : {}) });
  const cache = cachedData === undefined ? 'none' : script.cachedDataRejected === true ? 'rejected' : 'accepted';
  const module = { exports: {} as T, filename: bundlePath, id: bundlePath, loaded: false };
  const run = script.runInThisContext() as (exports: T, require: NodeJS.Require, module: { exports: T }, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, createRequire(bundlePath), module, bundlePath, dirname(bundlePath));
  module.loaded = true;
  return {
    exports: module.exports,
    cache,
    saveCache: () => {
      if (cachePath === undefined || cache === 'accepted') return;
      const temporary = `${cachePath}.${process.pid}.tmp`;
      try {
        const data = script.createCachedData();
        mkdirSync(dirname(cachePath), { recursive: true });
        writeFileSync(temporary, data);
        renameSync(temporary, cachePath);
        // The caches of this bundle's earlier builds are of no use any more.
        const prefix = `${basename(bundlePath, '.js')}-`;
        for (const name of readdirSync(dirname(cachePath))) {
          if (name.startsWith(prefix) && name.endsWith('.bin') && join(dirname(cachePath), name) !== cachePath) rmSync(join(dirname(cachePath), name), { force: true });
        }
      } catch {
        try {
          rmSync(temporary, { force: true });
        } catch {
          // Not even the temporary file's folder exists.
        }
      }
    },
  };
}
