// The layering rules of docs/design.md §2 as a check over import arrows: reads the tree's imports, names every arrow that breaks a rule.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import ts from 'typescript';

/** One import: `to` is a repo-relative file for a relative specifier, `pkg` a package for a bare one. */
export type Arrow = { from: string; line: number; typeOnly: boolean } & ({ to: string } | { pkg: string });

export const LAYERED_FOLDERS = ['src', 'workflows', 'activities', 'adapters'];
/** The two files that wire activities into the worker. */
const WIRING = new Set(['src/engine.ts', 'src/temporal/worker.ts']);
/** Packages only their adapter folder may import (type imports included: a client's types are its shape). */
const CLIENTS: [RegExp, string][] = [
  [/^(kafkajs|@platformatic\/kafka)(\/|$)/, 'adapters/kafka/'],
  [/^@slack\//, 'adapters/slack/'],
  [/^nodemailer(\/|$)/, 'adapters/email/'],
];

const SOURCE = /\.(c|m)?[jt]s$/;
/** Per folder arrow of a cycle, the imports listed one by one up to this many. */
const MAX_LISTED = 5;

/** Every import, re-export, dynamic `import('…')`, `import('…')` type and `require('…')` of the layered folders. */
export function readImports(root: string): Arrow[] {
  const files = LAYERED_FOLDERS.flatMap((folder) => walk(join(root, folder)));
  return files.flatMap((file) => importsOf(relative(root, file).split('\\').join('/'), readFileSync(file, 'utf8')));
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : SOURCE.test(e.name) && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : []);
}

/** The arrows of one file; `ts.preProcessFile` would not tell `import type` apart, so this walks the syntax tree. */
export function importsOf(file: string, text: string): Arrow[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const arrows: Arrow[] = [];
  const add = (node: ts.Node, spec: ts.Expression | undefined, typeOnly: boolean) => {
    if (!spec || !ts.isStringLiteralLike(spec)) return;
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    const s = spec.text;
    arrows.push(s.startsWith('.')
      ? { from: file, line, typeOnly, to: posix.normalize(posix.join(dirname(file), s)).replace(/\.(c|m)?js$/, '.$1ts') }
      : { from: file, line, typeOnly, pkg: s });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const allTypes = !!clause && !clause.name && !!named && ts.isNamedImports(named)
        && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
      add(node, node.moduleSpecifier, !!clause && (clause.isTypeOnly || allTypes));
    } else if (ts.isExportDeclaration(node)) {
      const named = node.exportClause;
      const allTypes = !!named && ts.isNamedExports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
      add(node, node.moduleSpecifier, node.isTypeOnly || allTypes);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal, true);
    } else if (ts.isCallExpression(node)
      && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      add(node, node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return arrows;
}

/**
 * The unit a file belongs to for the cycle check: a top-level folder, or inside src/ a sub-folder or a top-level file
 * (src/engine.ts, src/config.ts…), so that src/model stands apart from the edges that use it.
 */
export function unitOf(path: string): string {
  const [top, sub] = path.split('/');
  return top === 'src' && sub ? `src/${sub}` : top!;
}

const under = (path: string, folder: string) => path.startsWith(`${folder}/`);
const show = (a: Arrow) => `${a.from}:${a.line} → ${'to' in a ? a.to : a.pkg}${a.typeOnly ? ' (type)' : ''}`;

/** What is wrong with an arrow, if anything (cycles aside). */
function ruleBroken(a: Arrow): string | undefined {
  if ('pkg' in a) {
    const owner = CLIENTS.find(([pattern]) => pattern.test(a.pkg));
    return owner && !a.from.startsWith(owner[1]) ? `${a.pkg} is imported only in ${owner[1]}` : undefined;
  }
  const { from, to } = a;
  if (under(from, 'src/model') && !under(to, 'src/model')) return 'src/model is pure: it imports only src/model';
  if (under(from, 'workflows') && !under(to, 'workflows') && !under(to, 'src/model') && !(under(to, 'activities') && a.typeOnly)) {
    return 'workflows import src/model and activity types (import type) only';
  }
  if (under(from, 'adapters') && !under(to, 'adapters') && !under(to, 'src/model')) return 'adapters import only src/model';
  if (under(from, 'activities') && under(to, 'src') && !under(to, 'src/model')) return 'activities import src/model only from src/ (adapters for the rest)';
  if (under(from, 'src') && !WIRING.has(from) && under(to, 'activities')) {
    return 'src/ uses adapters, never activities (only src/engine.ts and src/temporal/worker.ts wire them)';
  }
  return undefined;
}

/** Strongly connected groups of more than one unit (Tarjan), each sorted, for a stable message. */
function cycles(edges: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const connect = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do { w = stack.pop()!; group.push(w); } while (w !== v);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) connect(v);
  return found.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** Every broken rule, one line per arrow, then every folder cycle with the arrows that close it. */
export function layeringViolations(arrows: Arrow[]): string[] {
  const out: string[] = [];
  for (const a of arrows) {
    const broken = ruleBroken(a);
    if (broken) out.push(`${show(a)}: ${broken}`);
  }
  const local = arrows.filter((a): a is Arrow & { to: string } => 'to' in a && unitOf(a.from) !== unitOf(a.to));
  const edges = new Map<string, Set<string>>();
  for (const a of local) edges.set(unitOf(a.from), (edges.get(unitOf(a.from)) ?? new Set()).add(unitOf(a.to)));
  for (const group of cycles(edges)) {
    const lines = group.flatMap((from) => [...edges.get(from)!].filter((to) => group.includes(to)).sort().map((to) => {
      const these = local.filter((a) => unitOf(a.from) === from && unitOf(a.to) === to);
      // The few arrows against the grain are the ones to move; a long list is the intended direction.
      const listed = these.length <= MAX_LISTED ? these.map(show).join(', ') : `${show(these[0]!)} and ${these.length - 1} more`;
      return `    ${from} → ${to} (${these.length}): ${listed}`;
    }));
    out.push(`cycle between ${group.join(', ')}:\n${lines.join('\n')}`);
  }
  return out;
}
