#!/usr/bin/env node
// Finds import cycles between our own modules: follows every relative import (static, type-only,
// re-exports, side-effect and literal dynamic imports) of the .ts, .mts and .mjs files under the
// folders given (default: src/ signalling/ widget/ demo/), prints each cycle as a chain of paths,
// and exits with status 1 when there is one.
//   node scripts/import-cycles.mjs [folder...]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const folders =
  process.argv.length > 2 ? process.argv.slice(2) : ['src', 'signalling', 'widget', 'demo'];
const SOURCE = /\.(?:ts|mts|mjs)$/;

/** Every source file under `dir` (declaration files have nothing to follow). */
function sources(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(path));
    else if (SOURCE.test(entry.name) && !/\.d\.m?ts$/.test(entry.name)) out.push(path);
  }
  return out;
}

// `import … from '…'`, `export … from '…'`, `import '…'` at the start of a line (so not in a
// comment's example), and `import('…')` with a literal anywhere.
const STATIC = /^[ \t]*(?:import|export)\s(?:[^;'"`]*?\sfrom\s*)?['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The file a relative specifier names: `./x.js` is `./x.ts` in source, `./x.mjs` itself. */
function resolveSpecifier(from, specifier) {
  const base = resolve(dirname(from), specifier);
  const candidates = [
    base,
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.mjs$/, '.mts'),
    `${base}.ts`,
    join(base, 'index.ts'),
  ];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile() && SOURCE.test(c)) ?? null;
}

const files = folders.flatMap((f) => sources(resolve(root, f)));
const graph = new Map();
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const targets = new Set();
  for (const re of [STATIC, DYNAMIC]) {
    for (const m of text.matchAll(re)) {
      if (!m[1].startsWith('.')) continue;
      const target = resolveSpecifier(file, m[1]);
      if (target) targets.add(target);
    }
  }
  graph.set(file, [...targets]);
}

// Tarjan's strongly connected components: every component of more than one module (or a module
// importing itself) holds at least one cycle; one cycle of each is printed.
let index = 0;
const indexOf = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const components = [];
function connect(v) {
  indexOf.set(v, index);
  low.set(v, index);
  index++;
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!graph.has(w)) continue;
    if (!indexOf.has(w)) {
      connect(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) {
      low.set(v, Math.min(low.get(v), indexOf.get(w)));
    }
  }
  if (low.get(v) === indexOf.get(v)) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v).includes(v)) components.push(component);
  }
}
for (const file of graph.keys()) if (!indexOf.has(file)) connect(file);

/** A shortest path from `start` back to itself inside `component` (breadth first). */
function cycleThrough(start, component) {
  const inside = new Set(component);
  const previous = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift();
    for (const w of graph.get(v)) {
      if (w === start) {
        const path = [v];
        for (let p = previous.get(v); p !== null; p = previous.get(p)) path.unshift(p);
        return [...path, start];
      }
      if (inside.has(w) && !previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

const show = (f) => relative(root, f);
for (const component of components) {
  const start = [...component].sort()[0];
  const cycle = cycleThrough(start, component).map(show).join(' -> ');
  const more =
    component.length > cycle.split(' -> ').length - 1
      ? ` (${component.length} modules in this knot)`
      : '';
  console.log(`cycle: ${cycle}${more}`);
}
const count = components.length;
console.log(
  count === 0
    ? `import-cycles: no cycles in ${files.length} modules (${folders.join(' ')})`
    : `import-cycles: ${count} cycle${count === 1 ? '' : 's'} in ${folders.join(' ')}`,
);
process.exit(count === 0 ? 0 : 1);
