/**
 * PEP 440 versions and specifiers, as `packaging` (the library pip uses) reads and compares them:
 * packaging/version.py (`_cmpkey`) and packaging/specifiers.py (`Specifier`, with pre-releases
 * admitted, as `contains(v, prereleases=True)`). Enough to tell whether a model's pinned
 * requirement satisfies a project's constraint.
 */

export interface Version {
  readonly epoch: number;
  readonly release: readonly number[];
  readonly pre?: readonly [string, number];
  readonly post?: number;
  readonly dev?: number;
  readonly local?: readonly (string | number)[];
}

const VERSION = new RegExp(
  '^\\s*v?(?:(\\d+)!)?(\\d+(?:\\.\\d+)*)' +
    '(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\\d+)?)?' +
    '(?:(?:-(\\d+))|(?:[-_.]?(post|rev|r)[-_.]?(\\d+)?))?' +
    '(?:[-_.]?(dev)[-_.]?(\\d+)?)?' +
    '(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\\s*$',
  'i',
);

/** Undefined for what PEP 440 does not accept (a legacy version). */
export function parseVersion(text: string): Version | undefined {
  const match = VERSION.exec(text);
  if (!match) return undefined;
  const [, epoch, release, preLabel, preNumber, postDash, postLabel, postNumber, devLabel, devNumber, local] = match;
  const pre = preLabel ? ([normalPre(preLabel.toLowerCase()), Number(preNumber ?? 0)] as const) : undefined;
  const post = postDash !== undefined ? Number(postDash) : postLabel ? Number(postNumber ?? 0) : undefined;
  const dev = devLabel ? Number(devNumber ?? 0) : undefined;
  return {
    epoch: Number(epoch ?? 0),
    release: release!.split('.').map(Number),
    ...(pre ? { pre } : {}),
    ...(post !== undefined ? { post } : {}),
    ...(dev !== undefined ? { dev } : {}),
    ...(local ? { local: local.toLowerCase().split(/[-_.]/).map((part) => (/^\d+$/.test(part) ? Number(part) : part)) } : {}),
  };
}

function normalPre(label: string): string {
  if (label === 'alpha') return 'a';
  if (label === 'beta') return 'b';
  if (label === 'c' || label === 'pre' || label === 'preview') return 'rc';
  return label;
}

const isPre = (version: Version): boolean => version.pre !== undefined || version.dev !== undefined;

/** <0, 0, >0 as `packaging` orders versions. */
export function compareVersions(a: Version, b: Version): number {
  return compareKeys(sortKey(a), sortKey(b));
}

type Key = number | string | readonly Key[];

function sortKey(version: Version): Key[] {
  const release = [...version.release];
  while (release.length > 1 && release[release.length - 1] === 0) release.pop();
  const preKey: Key = version.pre === undefined && version.post === undefined && version.dev !== undefined ? -Infinity : version.pre === undefined ? Infinity : [['a', 'b', 'rc'].indexOf(version.pre[0]), version.pre[1]];
  const postKey = version.post ?? -Infinity;
  const devKey = version.dev ?? Infinity;
  const localKey: Key = version.local === undefined ? -Infinity : version.local.map((part) => (typeof part === 'number' ? [part, ''] : [-Infinity, part]));
  return [version.epoch, release, preKey, postKey, devKey, localKey];
}

function compareKeys(a: Key, b: Key): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let index = 0; index < Math.min(a.length, b.length); index++) {
      const order = compareKeys(a[index]!, b[index]!);
      if (order !== 0) return order;
    }
    return a.length - b.length;
  }
  // A tuple against a bare -inf/+inf sentinel: the sentinel decides.
  if (Array.isArray(a)) return b === Infinity ? -1 : 1;
  if (Array.isArray(b)) return a === Infinity ? 1 : -1;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

const publicOf = (version: Version): Version => ({ ...version, local: undefined });
const baseOf = (version: Version): Version => ({ epoch: version.epoch, release: version.release });

/** Whether `version` satisfies every clause of `specifier` (`>=1.2,<2`, `==1.4.*`, `~=2.1`); pre-releases count. */
export function satisfies(version: string, specifier: string): boolean {
  const parsed = parseVersion(version);
  const clauses = specifier.split(',').map((clause) => clause.trim()).filter(Boolean);
  return clauses.every((clause) => satisfiesClause(version, parsed, clause));
}

function satisfiesClause(text: string, version: Version | undefined, clause: string): boolean {
  const match = /^(~=|===|==|!=|<=|>=|<|>)\s*(.+)$/.exec(clause);
  if (!match) throw new Error(`Invalid specifier: ${clause}`);
  const [, operator, target] = match as unknown as [string, string, string];
  if (operator === '===') return text.trim().toLowerCase() === target.trim().toLowerCase();
  if (!version) return false;
  if (operator === '==' || operator === '!=') {
    const equal = target.endsWith('.*') ? prefixEqual(version, target.slice(0, -2)) : exactEqual(version, target);
    return operator === '==' ? equal : !equal;
  }
  const spec = parseVersion(target);
  if (!spec) throw new Error(`Invalid specifier: ${clause}`);
  const candidate = publicOf(version);
  switch (operator) {
    case '~=': {
      if (spec.release.length < 2) throw new Error(`Invalid specifier: ${clause}`);
      const prefix = formatRelease({ ...baseOf(spec), release: spec.release.slice(0, -1) });
      return compareVersions(candidate, spec) >= 0 && prefixEqual(version, prefix);
    }
    case '<=':
      return compareVersions(candidate, spec) <= 0;
    case '>=':
      return compareVersions(candidate, spec) >= 0;
    case '<':
      if (!(compareVersions(candidate, spec) < 0)) return false;
      return isPre(spec) || !isPre(candidate) || compareVersions(baseOf(candidate), baseOf(spec)) !== 0;
    case '>':
      if (!(compareVersions(candidate, spec) > 0)) return false;
      if (spec.post === undefined && candidate.post !== undefined && compareVersions(baseOf(candidate), baseOf(spec)) === 0) return false;
      return version.local === undefined || compareVersions(baseOf(version), baseOf(spec)) !== 0;
    default:
      return false;
  }
}

function exactEqual(version: Version, target: string): boolean {
  const spec = parseVersion(target);
  if (!spec) return false;
  // Without a local label in the specifier, the candidate's local label is ignored.
  const candidate = spec.local === undefined ? publicOf(version) : version;
  return compareVersions(candidate, spec) === 0;
}

/** `==1.4.*`: the candidate's public version, padded with zeros, starts with the prefix's parts. */
function prefixEqual(version: Version, prefixText: string): boolean {
  const prefix = parseVersion(prefixText);
  if (!prefix) return false;
  const split = (v: Version): string[] => {
    const parts = [`${v.epoch}!`, ...v.release.map(String)];
    if (v.pre) parts.push(`${v.pre[0]}${v.pre[1]}`);
    if (v.post !== undefined) parts.push(`post${v.post}`);
    if (v.dev !== undefined) parts.push(`dev${v.dev}`);
    return parts;
  };
  const candidate = split(publicOf(version));
  const wanted = split(prefix);
  // The candidate's release padded with zeros to the prefix's length (packaging's _pad_version),
  // cut to the prefix's length; the prefix itself is compared as written (`~=1.4` is `==1.*`).
  const padding = Math.max(0, prefix.release.length - version.release.length);
  const padded = [candidate[0]!, ...version.release.map(String), ...Array.from({ length: padding }, () => '0'), ...candidate.slice(1 + version.release.length)];
  return padded.slice(0, wanted.length).join('.') === wanted.join('.');
}

function formatRelease(version: Version): string {
  return `${version.epoch ? `${version.epoch}!` : ''}${version.release.join('.')}`;
}
