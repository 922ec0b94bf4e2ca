/**
 * DVC remotes as `.dvc/config` and `.dvc/config.local` declare them (dvc/config.py,
 * dvc/config_schema.py): `['remote "NAME"']` sections with a `url` and options, the default in
 * `[core] remote`. A local remote's relative url is relative to the `.dvc` folder of the file
 * that says it (DVC rewrites paths to be so when it saves them). The global and system configs
 * are not read: a remote only they declare is left to `dvc` itself (see remoteStatus).
 */
import { isAbsolute, join, resolve } from 'node:path';
import { readConfigSections, type Sections } from '../files/config.js';

export interface RemoteConfig {
  readonly name: string;
  /** As written (`s3://bucket/path`, `/abs/dir`, `../rel`, `gs://…`). */
  readonly url: string;
  /** Every option of the section, keys lower-cased (`endpointurl`, `access_key_id`, …). */
  readonly options: ReadonlyMap<string, string>;
}

export type RemoteLocation =
  | { readonly kind: 'local'; readonly path: string }
  | { readonly kind: 's3'; readonly bucket: string; readonly prefix: string }
  | { readonly kind: 'other'; readonly scheme: string };

export class RemoteConfigError extends Error {
  override readonly name = 'RemoteConfigError';
  constructor(
    readonly reason: 'no-remote' | 'unknown-remote' | 'invalid-url',
    message: string,
  ) {
    super(message);
  }
}

/** The named remote, else `core.remote`; typed errors as DVC words them when there is none. */
export async function readRemoteConfig(root: string, name?: string): Promise<RemoteConfig> {
  return remoteFromSections(await readConfigSections(root), name);
}

export function remoteFromSections(sections: Sections, name?: string): RemoteConfig {
  const remotes = remotesOf(sections);
  const chosen = name ?? sections.get('core')?.get('remote');
  if (!chosen) {
    const hint = remotes.size > 0 ? `set a default with \`dvc remote default NAME\` or pass --remote (${[...remotes.keys()].join(', ')})` : 'create one with `dvc remote add -d NAME URL`';
    throw new RemoteConfigError('no-remote', `No DVC remote specified: ${hint}`);
  }
  const remote = remotes.get(chosen);
  if (!remote) throw new RemoteConfigError('unknown-remote', `DVC remote '${chosen}' is not in .dvc/config or .dvc/config.local`);
  return remote;
}

function remotesOf(sections: Sections): Map<string, RemoteConfig> {
  const remotes = new Map<string, RemoteConfig>();
  for (const [header, options] of sections) {
    const match = /^remote\s+"(.*)"$/.exec(header);
    const url = options.get('url');
    if (match && url !== undefined) remotes.set(match[1]!, { name: match[1]!, url, options });
  }
  return remotes;
}

/** Where a remote's objects are: a folder on this machine, an S3 bucket and key prefix, or elsewhere. */
export function remoteLocation(root: string, remote: RemoteConfig): RemoteLocation {
  const url = remote.url.trim();
  const scheme = /^([a-zA-Z][\w+.-]*):\/\//.exec(url)?.[1]?.toLowerCase();
  if (scheme === 's3') {
    const match = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(url);
    if (!match) throw new RemoteConfigError('invalid-url', `DVC remote '${remote.name}' has an invalid S3 url '${remote.url}'`);
    return { kind: 's3', bucket: match[1]!, prefix: match[2]!.replace(/\/+$/, '') };
  }
  if (scheme === 'file') return { kind: 'local', path: decodeURIComponent(new URL(url).pathname) };
  if (scheme !== undefined) return { kind: 'other', scheme };
  // A Windows drive (C:\…) has no `//` after its colon and lands here too.
  return { kind: 'local', path: isAbsolute(url) ? url : resolve(join(root, '.dvc'), url) };
}
