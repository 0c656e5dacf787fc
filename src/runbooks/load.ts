// Loads runbooks from the KAFKA_IR_RUNBOOKS folders: YAML parsed with positions, validated, and checked as a set.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { KafkaIrError } from '../model/errors.js';
import { Runbook } from '../model/runbook.js';
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

/** Parses and validates one runbook file; every problem names the file, the YAML path and the line. */
export function parseRunbookFile(file: string, text = readFileSync(file, 'utf8')): { runbook?: Runbook; problems: RunbookProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length) {
    return {
      problems: doc.errors.map((e) => ({
        file, path: '', line: e.linePos?.[0]?.line, message: `is not valid YAML: ${e.message.split('\n')[0]}`,
      })),
    };
  }
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  const result = Runbook.safeParse(doc.toJS());
  if (!result.success) {
    return {
      problems: result.error.issues.map((i) => ({ file, path: yamlPath(i.path), line: lineOf(i.path), message: i.message })),
    };
  }
  const problems = checkRunbook(result.data).map((p) => ({ file, path: yamlPath(p.path), line: lineOf(p.path), message: p.message }));
  return problems.length ? { problems } : { runbook: result.data, problems };
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

/** Loads every runbook of the given folders, or throws one RunbookError listing every problem. */
export function loadRunbooks(dirs: string[]): LoadedRunbook[] {
  const problems: RunbookProblem[] = [];
  const loaded: LoadedRunbook[] = [];
  for (const dir of dirs) {
    for (const file of runbookFiles(dir)) {
      const shown = relative(process.cwd(), file) || file;
      const r = parseRunbookFile(shown, readFileSync(file, 'utf8'));
      problems.push(...r.problems);
      if (r.runbook) loaded.push({ file: shown, runbook: r.runbook });
    }
  }
  problems.push(...checkRunbookSet(loaded));
  if (problems.length) throw new RunbookError(problems);
  return loaded;
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
