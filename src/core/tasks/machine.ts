/**
 * What the machine offers a task: a program on PATH (docker) and a free local TCP port (a model
 * server). These do I/O, so they sit apart from the pure builders.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

export interface PathLookup {
  /** Default process.env.PATH. */
  readonly path?: string;
  /** Windows only: extensions tried after the bare name. Default process.env.PATHEXT. */
  readonly pathext?: string;
  readonly platform?: NodeJS.Platform;
}

/** The first executable file called `name` in the PATH folders, as a shell's lookup would find it. */
export async function findOnPath(name: string, lookup: PathLookup = {}): Promise<string | undefined> {
  const platform = lookup.platform ?? process.platform;
  const folders = (lookup.path ?? process.env['PATH'] ?? '').split(platform === 'win32' ? ';' : delimiter).filter(Boolean);
  const extensions = platform === 'win32' ? ['', ...(lookup.pathext ?? process.env['PATHEXT'] ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean)] : [''];
  for (const folder of folders) {
    for (const extension of extensions) {
      const candidate = join(folder, name + extension);
      if (await isExecutableFile(candidate, platform)) return candidate;
    }
  }
  return undefined;
}

async function isExecutableFile(path: string, platform: NodeJS.Platform): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false;
    if (platform !== 'win32') await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export type ToolAvailability =
  | { readonly available: true; readonly path: string }
  | { readonly available: false; readonly reason: 'unavailable'; readonly message: string };

/**
 * Whether `mlflow models build-docker` can run: it shells out to `docker build`, so docker must be
 * on the PATH the task gets. (Whether the daemon answers is the build's first step to find out.)
 */
export async function dockerAvailability(lookup: PathLookup = {}): Promise<ToolAvailability> {
  const path = await findOnPath('docker', lookup);
  if (path) return { available: true, path };
  return { available: false, reason: 'unavailable', message: 'unavailable: docker not found on PATH' };
}

/**
 * A TCP port free on `host` right now: the OS picks one for a listener we close at once. Another
 * process could take it before the server binds it, so a server that fails with "address in use"
 * is worth one retry with a new port.
 */
export function findFreePort(options: { readonly host?: string; readonly signal?: AbortSignal } = {}): Promise<number> {
  options.signal?.throwIfAborted();
  return new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host: options.host ?? '127.0.0.1', exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('the OS gave no port'))));
    });
  });
}

/** Whether a listener holds host:port (a server came up, or has not let go of it yet): we try to bind it. */
export function isPortInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' || error.code === 'EACCES' ? resolve(true) : reject(error)));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(false)));
  });
}
