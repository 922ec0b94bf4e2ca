/**
 * Whether the OS still grants file watches. On Linux every watched folder costs an inotify watch
 * from a per-user budget shared by VS Code's watcher and ours; once it is spent, new watches fail
 * with ENOSPC (watches) or EMFILE (inotify instances) and changes go unnoticed, silently.
 */
import { watch as fsWatch, type FSWatcher } from 'node:fs';

export type WatchProbe = { readonly kind: 'ok' } | { readonly kind: 'limit'; readonly code: 'ENOSPC' | 'EMFILE' } | { readonly kind: 'failed'; readonly message: string };

type Watch = (path: string) => FSWatcher;

/** Opens one watch on `path` and closes it at once; says whether the limit stopped it. */
export function probeWatchLimit(path: string, watch: Watch = (p) => fsWatch(p, { persistent: false })): WatchProbe {
  try {
    const watcher = watch(path);
    watcher.on('error', () => undefined);
    watcher.close();
    return { kind: 'ok' };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EMFILE') return { kind: 'limit', code };
    return { kind: 'failed', message: (error as Error).message };
  }
}

/** What to tell the user, once: what stopped working and the setting that fixes it. */
export function watchLimitAdvice(code: 'ENOSPC' | 'EMFILE'): string {
  const setting = code === 'ENOSPC' ? 'fs.inotify.max_user_watches=524288' : 'fs.inotify.max_user_instances=1024';
  return (
    `The system's limit on file watchers is reached (${code}): changes to DVC files and data may not show in the Pipeline and Data views until you refresh them. ` +
    `Raise the limit with \`sudo sysctl ${setting}\`, and add \`${setting}\` to /etc/sysctl.conf to keep it after a restart.`
  );
}
