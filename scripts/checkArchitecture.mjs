// The architecture check `npm run lint` runs after eslint: no import cycle between source files
// (type-only imports count: a cycle is a cycle to a reader), and an allow-list that never runs
// back up (the layers of eslint.config.mjs, as a graph of which layer may import which, is acyclic).
// Uses the TypeScript parser, so it reads imports exactly as tsc does.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { layers } from '../eslint.config.mjs';
import { importTarget, layerOf, matches } from './eslint/layers.mjs';

const cwd = process.cwd();
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) files.push(relative(cwd, path).split(sep).join('/'));
  }
};
walk('src');
walk('webview');
const known = new Set(files);

/** Every module a file imports or re-exports (static, dynamic, type-only), as project paths. */
function importsOf(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const specifiers = [];
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) specifiers.push(node.moduleSpecifier.text);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) specifiers.push(node.arguments[0].text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers
    .map((specifier) => importTarget(file, specifier, cwd))
    .filter((target) => target.kind === 'file')
    .map((target) => (known.has(target.path) ? target.path : known.has(target.path.replace(/\.ts$/, '/index.ts')) ? target.path.replace(/\.ts$/, '/index.ts') : target.path))
    .filter((path) => known.has(path));
}

const graph = new Map(files.map((file) => [file, [...new Set(importsOf(file))]]));
const problems = [];

/** Strongly connected components (Tarjan): each one with more than one file, or a file importing itself, is a cycle. */
function cycles(nodes, edges) {
  let index = 0;
  const indices = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const connect = (v) => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges(v)) {
      if (!indices.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), indices.get(w)));
    }
    if (low.get(v) === indices.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || edges(v).includes(v)) found.push(component.reverse());
    }
  };
  for (const node of nodes) if (!indices.has(node)) connect(node);
  return found;
}

for (const component of cycles(files, (file) => graph.get(file) ?? [])) problems.push(`import cycle: ${component.join(' → ')} → ${component[0]}`);

// The allow-list as a graph of layers: A → B when A may import some file of B.
const filesOf = new Map(layers.map((layer) => [layer.name, files.filter((file) => layerOf(layers, file) === layer)]));
const allows = (layer, file) => matches([...layer.allow, ...(layer.allowTypes ?? [])], file);
const layerEdges = (name) => {
  const layer = layers.find((l) => l.name === name);
  return layers.filter((other) => other !== layer && (filesOf.get(other.name) ?? []).some((file) => allows(layer, file))).map((other) => other.name);
};
for (const component of cycles(layers.map((l) => l.name), layerEdges)) problems.push(`the allow-list runs back up: ${component.join(' → ')} → ${component[0]} (eslint.config.mjs layers)`);
for (const file of files) if (!layerOf(layers, file)) problems.push(`${file} is in no layer of eslint.config.mjs`);

if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  process.exit(1);
}
console.log(`architecture: ${files.length} files in ${layers.length} layers, no import cycle, the allow-list only runs down`);
