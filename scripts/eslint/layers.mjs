// An ESLint rule for the architecture's fences, as an allow-list per folder: each file belongs to
// the first layer whose `files` globs match it (a file in none is itself an error), and may import
// only what its layer allows — project files by path (`allow`, or `allowTypes` for `import type`),
// packages by name (`packages`; 'node' stands for Node's built-ins). Paths are resolved, so
// `../runs/tree.js` is judged by where it lands, not by how it is spelled.
import { builtinModules } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';

const builtins = new Set(builtinModules);

/** `**` any path, `*` one path segment; in a list, a leading `!` denies, and the last glob that matches decides. */
export function globToRegExp(glob) {
  let pattern = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      pattern += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') pattern += '[^/]*';
    else pattern += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${pattern}$`);
}

const compiled = new Map();
/** Whether `path` matches a list of globs (the last glob that matches decides). */
export function matches(globs, path) {
  let allowed = false;
  for (const glob of globs) {
    const negated = glob.startsWith('!');
    const body = negated ? glob.slice(1) : glob;
    if (!compiled.has(body)) compiled.set(body, globToRegExp(body));
    if (compiled.get(body).test(path)) allowed = !negated;
  }
  return allowed;
}

export function layerOf(layers, path) {
  return layers.find((layer) => matches(layer.files, path));
}

/** A project path (`src/host/runs/tree.ts`) or a package name (`vscode`, `node`, `@scope/name`). */
export function importTarget(fromFile, specifier, cwd) {
  if (specifier.startsWith('.')) {
    const absolute = resolve(dirname(resolve(cwd, fromFile)), specifier).replace(/\.js$/, '.ts');
    return { kind: 'file', path: relative(cwd, absolute).split(sep).join('/') };
  }
  if (specifier.startsWith('node:') || builtins.has(specifier.split('/')[0])) return { kind: 'package', name: 'node' };
  const parts = specifier.split('/');
  return { kind: 'package', name: specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0] };
}

/** Why `fromFile` may not import `specifier`, or undefined when its layer allows it. */
export function refusal(layers, fromFile, specifier, typeOnly, cwd) {
  const layer = layerOf(layers, fromFile);
  if (!layer) return `${fromFile} is in no layer of eslint.config.mjs: add it to one.`;
  const target = importTarget(fromFile, specifier, cwd);
  if (target.kind === 'package') {
    return (layer.packages ?? []).includes(target.name) ? undefined : `${layer.name} may not import the package '${target.name === 'node' ? specifier : target.name}' (allowed: ${(layer.packages ?? []).join(', ') || 'none'}).`;
  }
  if (matches(layer.allow, target.path) || (typeOnly && matches(layer.allowTypes ?? [], target.path))) return undefined;
  return `${layer.name} may not import ${target.path} (allowed: ${[...layer.allow, ...(layer.allowTypes ?? []).map((g) => `${g} (types)`)].join(', ')}).`;
}

function isTypeOnly(node) {
  if (node.importKind === 'type' || node.exportKind === 'type') return true;
  const specifiers = node.specifiers ?? [];
  return specifiers.length > 0 && specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type');
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Imports follow the allow-list of the file’s layer.' },
    schema: [{ type: 'object', properties: { layers: { type: 'array' } }, required: ['layers'], additionalProperties: false }],
    messages: { refused: '{{why}}' },
  },
  create(context) {
    const { layers } = context.options[0];
    const cwd = context.cwd;
    const file = relative(cwd, context.filename).split(sep).join('/');
    const check = (node, source, typeOnly) => {
      if (!layerOf(layers, file)) return;
      if (source?.type !== 'Literal' || typeof source.value !== 'string') return;
      const why = refusal(layers, file, source.value, typeOnly, cwd);
      if (why) context.report({ node: source, messageId: 'refused', data: { why } });
    };
    return {
      Program(node) {
        if (!layerOf(layers, file)) context.report({ node, messageId: 'refused', data: { why: `${file} is in no layer of eslint.config.mjs: add it to one.` } });
      },
      ImportDeclaration: (node) => check(node, node.source, isTypeOnly(node)),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source, isTypeOnly(node)),
      ExportAllDeclaration: (node) => check(node, node.source, node.exportKind === 'type'),
      ImportExpression: (node) => check(node, node.source, false),
    };
  },
};
