import path from 'node:path';
import madge from 'madge';
import { beforeAll, expect, it } from 'vitest';

/**
 * How the feature folders may depend on each other. `npm run lint` already refuses a cycle
 * between files (madge); this holds the folders to the same, because a knot of folders
 * (tickets ↔ notifications ↔ sla, once) is what makes every next feature harder.
 *
 * - The shared kernel is not a feature: authz (its policies know every resource, by design),
 *   http, db, and the composition files at the top of src/. Tests and test support are left
 *   out: they may reach across anything.
 * - The database is shared: a feature may read another's tables and data access (`*.schema.ts`,
 *   `*.repository.ts`). What must not go round in a circle is logic: services, routes,
 *   presenters, handlers.
 * - A repository is plain data access: it imports no other feature's logic.
 */

const SRC = import.meta.dirname;
const KERNEL = new Set(['authz', 'http', 'db', 'types', 'test', 'security']);
const isTest = (file: string) => /\.test\.tsx?$|\.test-support\.ts$/.test(file);
const isDataAccess = (file: string) => /\.(schema|repository)\.ts$/.test(file);
/** What the data is made of: its statuses and the errors a lookup answers. */
const isVocabulary = (file: string) => /(-status|-errors)\.ts$/.test(file);

/** The feature folder a file belongs to, or undefined for the kernel, the root and tests. */
function featureOf(file: string): string | undefined {
  const [folder, ...rest] = file.split('/');
  if (!folder || rest.length === 0 || KERNEL.has(folder) || isTest(file)) return undefined;
  return folder;
}

const TS_CONFIG = path.join(SRC, '../tsconfig.json');
let graph: Record<string, string[]>;
/** Without type-only imports: what runs. */
let runtimeGraph: Record<string, string[]>;
beforeAll(async () => {
  graph = (await madge(SRC, { fileExtensions: ['ts'], tsConfig: TS_CONFIG })).obj();
  runtimeGraph = (await madge(SRC, { fileExtensions: ['ts'], tsConfig: TS_CONFIG, detectiveOptions: { ts: { skipTypeImports: true } } })).obj();
});

/** Each feature's imports of another feature's logic, each edge with one import that makes it. */
function featureEdges(): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  for (const [file, imports] of Object.entries(graph)) {
    const from = featureOf(file);
    if (!from) continue;
    for (const imported of imports) {
      const to = featureOf(imported);
      if (!to || to === from || isDataAccess(imported)) continue;
      const out = edges.get(from) ?? new Map<string, string>();
      if (!out.has(to)) out.set(to, `${file} imports ${imported}`);
      edges.set(from, out);
    }
  }
  return edges;
}

/** A path of edges leading from `start` back to itself, if there is one. */
function cycleThrough(start: string, edges: Map<string, Map<string, string>>): string[] | undefined {
  const seen = new Set<string>();
  const walk = (node: string, trail: string[]): string[] | undefined => {
    for (const [next, why] of edges.get(node) ?? []) {
      if (next === start) return [...trail, why];
      if (seen.has(next)) continue;
      seen.add(next);
      const found = walk(next, [...trail, why]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(start, []);
}

it('has no cycle between feature folders', () => {
  const edges = featureEdges();
  expect(edges.get('tickets'), 'the import graph was read').toBeDefined();
  const cycles = [...edges.keys()].flatMap((feature) => {
    const cycle = cycleThrough(feature, edges);
    return cycle ? [`${feature}: ${cycle.join(' → ')}`] : [];
  });
  expect(cycles).toEqual([]);
});

it('keeps repositories to data access', () => {
  const reachingOut = Object.entries(runtimeGraph).flatMap(([file, imports]) => {
    if (!file.endsWith('.repository.ts')) return [];
    const feature = featureOf(file);
    const foreignLogic = (imported: string) =>
      featureOf(imported) !== undefined && featureOf(imported) !== feature && !isDataAccess(imported) && !isVocabulary(imported);
    return imports
      .filter(foreignLogic)
      .map((imported) => `${file} imports ${imported}`);
  });
  expect(reachingOut).toEqual([]);
});

it('keeps the kernel free of features, but for the tables its policies filter by', () => {
  const reachingUp = Object.entries(graph).flatMap(([file, imports]) => {
    const [folder] = file.split('/');
    if (!folder || !KERNEL.has(folder) || folder === 'test' || folder === 'security' || isTest(file)) return [];
    const allowed = (imported: string) => folder === 'authz' && (isDataAccess(imported) || isVocabulary(imported));
    return imports.filter((imported) => featureOf(imported) !== undefined && !allowed(imported)).map((imported) => `${file} imports ${imported}`);
  });
  expect(reachingUp).toEqual([]);
});
