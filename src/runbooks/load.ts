// Loads runbooks from the KAFKA_IR_RUNBOOKS folders: YAML parsed with positions, validated, and checked as a set.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { KafkaIrError } from '../model/errors.js';
import { Runbook } from '../model/runbook.js';
import { EMPTY_ROSTER, Roster } from '../model/roster.js';
import { checkRunbook } from './check.js';

export interface RunbookProblem { file: string; path: string; line?: number; message: string }

export class RunbookError extends KafkaIrError {
  constructor(readonly problems: RunbookProblem[]) {
    super('INVALID_RUNBOOK', `invalid runbooks:\n${problems.map(formatProblem).join('\n')}`);
  }
}

export function formatProblem(p: RunbookProblem): string {
  const where = p.line ? `${p.file}:${p.line}` : p.file;
  return `  ${where} ${p.path ? `(${p.path}) ` : ''}${p.message}`;
}

export interface LoadedRunbook { file: string; runbook: Runbook }

function yamlPath(path: readonly PropertyKey[]): string {
  return path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('').replace(/^\./, '');
}

interface Issue { path: PropertyKey[]; message: string; code?: string; errors?: Issue[][] }

/**
 * A union's "Invalid input" says nothing useful: report the issues of the branch the author most likely meant
 * (the one with the fewest problems), with their full paths.
 */
function explainIssue(issue: Issue): Issue[] {
  if (issue.code !== 'invalid_union' || !issue.errors?.length) return [issue];
  const best = [...issue.errors].sort((a, b) => a.length - b.length)[0]!;
  return best.flatMap((i) => explainIssue({ ...i, path: [...issue.path, ...i.path] }));
}

/** Parses YAML with positions and validates it against a schema; problems name the file, YAML path and line. */
function parseYamlFile<T>(file: string, text: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: Issue[] } } }) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  const problem = (path: readonly PropertyKey[], message: string): RunbookProblem => ({ file, path: yamlPath(path), line: lineOf(path), message });
  if (doc.errors.length) {
    return {
      problem,
      problems: doc.errors.map((e) => ({ file, path: '', line: e.linePos?.[0]?.line, message: `is not valid YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}` })),
    };
  }
  const result = schema.safeParse(doc.toJS());
  if (!result.success) return { problem, problems: result.error.issues.flatMap(explainIssue).map((i) => problem(i.path, i.message)) };
  return { problem, problems: [] as RunbookProblem[], value: result.data };
}

/** Parses and validates one runbook file against its schema, its own rules and the roster. */
export function parseRunbookFile(file: string, text = readFileSync(file, 'utf8'), roster: Roster = EMPTY_ROSTER): { runbook?: Runbook; problems: RunbookProblem[] } {
  const parsed = parseYamlFile(file, text, Runbook);
  if (!parsed.value) return { problems: parsed.problems };
  const problems = checkRunbook(parsed.value, roster).map((p) => parsed.problem(p.path, p.message));
  return problems.length ? { problems } : { runbook: parsed.value, problems };
}

/** The roster of a runbook folder (`_roster.yaml`), or an empty one when the folder has none. */
export function loadRoster(dir: string): { roster: Roster; problems: RunbookProblem[] } {
  const file = join(dir, '_roster.yaml');
  if (!existsSync(file)) return { roster: EMPTY_ROSTER, problems: [] };
  const shown = relative(process.cwd(), file) || file;
  const parsed = parseYamlFile(shown, readFileSync(file, 'utf8'), Roster);
  return { roster: parsed.value ?? EMPTY_ROSTER, problems: parsed.problems };
}

/** Several folders' rosters as one: people, group members, Slack user group links, pagers and audiences are merged. */
export function mergeRosters(rosters: Roster[]): Roster {
  const merged: Roster = { people: {}, groups: {} };
  for (const r of rosters) {
    Object.assign(merged.people, r.people);
    for (const [g, members] of Object.entries(r.groups)) merged.groups[g] = [...new Set([...(merged.groups[g] ?? []), ...members])];
    if (r.slackUsergroups) merged.slackUsergroups = { ...merged.slackUsergroups, ...r.slackUsergroups };
    if (r.paging) merged.paging = { ...merged.paging, ...r.paging };
    if (r.audiences) merged.audiences = { ...merged.audiences, ...r.audiences };
  }
  return merged;
}

function runbookFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    throw new RunbookError([{ file: dir, path: '', message: 'is not a readable folder (KAFKA_IR_RUNBOOKS lists folders, separated by ":")' }]);
  }
  return entries
    .filter((f) => /\.ya?ml$/.test(f) && !f.startsWith('_'))
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .sort();
}

export interface RunbookSet { runbooks: LoadedRunbook[]; roster: Roster }

/** Loads every runbook of the given folders with their rosters, or throws one RunbookError listing every problem. */
export function loadRunbookSet(dirs: string[]): RunbookSet {
  const problems: RunbookProblem[] = [];
  const rosters = dirs.map((dir) => {
    const r = existsSync(dir) ? loadRoster(dir) : { roster: EMPTY_ROSTER, problems: [] };
    problems.push(...r.problems);
    return r.roster;
  });
  const roster = mergeRosters(rosters);
  const runbooks: LoadedRunbook[] = [];
  for (const dir of dirs) {
    for (const file of runbookFiles(dir)) {
      const shown = relative(process.cwd(), file) || file;
      const r = parseRunbookFile(shown, readFileSync(file, 'utf8'), roster);
      problems.push(...r.problems);
      if (r.runbook) runbooks.push({ file: shown, runbook: r.runbook });
    }
  }
  problems.push(...checkRunbookSet(runbooks));
  if (problems.length) throw new RunbookError(problems);
  return { runbooks, roster };
}

/** Set-level rules: ids are unique, and one alert can never match two runbooks of equal priority. */
export function checkRunbookSet(loaded: LoadedRunbook[]): RunbookProblem[] {
  const problems: RunbookProblem[] = [];
  loaded.forEach((a, i) => {
    for (const b of loaded.slice(i + 1)) {
      if (a.runbook.id === b.runbook.id) {
        problems.push({ file: b.file, path: 'id', message: `repeats the id "${a.runbook.id}" of ${a.file}: runbook ids must be unique` });
        continue;
      }
      const kinds = a.runbook.match.kind.filter((k) => b.runbook.match.kind.includes(k));
      const severities = a.runbook.match.severity.filter((s) => b.runbook.match.severity.includes(s));
      if (kinds.length && severities.length && a.runbook.priority === b.runbook.priority) {
        problems.push({
          file: b.file, path: 'priority',
          message: `matches the same alerts as ${a.file} (kind ${kinds.join(', ')}; severity ${severities.join(', ')}) with the same priority ${a.runbook.priority}: give one of them a higher priority or narrow its match`,
        });
      }
    }
  });
  return problems;
}
