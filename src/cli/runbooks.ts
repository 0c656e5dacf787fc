// `kafka-ir runbooks list|validate`: what the engine would load, and every problem with file, YAML path and line.
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkRunbookSet, formatProblem, loadRoster, loadRunbookSet, parseRunbookFile, RunbookError, type LoadedRunbook, type RunbookProblem } from '../runbooks/load.js';
import { loadNeedsEnv, loadSettings } from '../config.js';
import { describeAdvice, describeStepNeed } from '../model/runbook-needs.js';
import { clusterConfig } from '../model/settings.js';
import { facilitiesOf, runbookSetNeeds } from '../runbooks/needs.js';

function load(paths: string[]): { loaded: LoadedRunbook[]; problems: RunbookProblem[] } {
  const loaded: LoadedRunbook[] = [];
  const problems: RunbookProblem[] = [];
  for (const path of paths) {
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      problems.push({ file: path, path: '', message: 'does not exist' });
      continue;
    }
    try {
      if (isDir) loaded.push(...loadRunbookSet([path]).runbooks);
      else {
        const { roster, problems: rosterProblems } = loadRoster(dirname(path));
        problems.push(...rosterProblems);
        const r = parseRunbookFile(path, undefined, roster);
        problems.push(...r.problems);
        if (r.runbook) loaded.push({ file: path, runbook: r.runbook });
      }
    } catch (err) {
      if (!(err instanceof RunbookError)) throw err;
      problems.push(...err.problems);
    }
  }
  problems.push(...checkRunbookSet(loaded));
  return { loaded, problems };
}

/**
 * With a settings file, each runbook's needs are problems (what would disable it at start-up) or advice: against the
 * top level (the cluster of KAFKA_BROKERS) and each of `clusters:`.
 */
function needsOf(loaded: LoadedRunbook[], settingsFile: string): { problems: RunbookProblem[]; advice: string[] } {
  const settings = loadSettings(settingsFile);
  const { evidenceDir, ...channels } = loadNeedsEnv();
  const clusters = [
    { name: '', settings, evidenceDir },
    ...Object.entries(settings.clusters ?? {}).map(([name, c]) => clusterConfig(name, settings, c, join(evidenceDir, 'clusters', name))),
  ];
  const fileOf = (id: string) => loaded.find((l) => l.runbook.id === id)!.file;
  return clusters.reduce<{ problems: RunbookProblem[]; advice: string[] }>((out, c) => {
    const needs = runbookSetNeeds(loaded.map((l) => l.runbook), facilitiesOf({ ...channels, settings: c.settings, evidenceDir: c.evidenceDir }));
    const where = c.name ? ` (cluster ${c.name})` : '';
    out.problems.push(...needs.filter((n) => n.required).map((n) => ({ file: fileOf(n.runbook), path: '', message: `${describeStepNeed(n)}${where}` })));
    out.advice.push(...describeAdvice(needs).map((a) => `${a}${where}`));
    return out;
  }, { problems: [], advice: [] });
}

export function validateCommand(paths: string[], json: boolean, settingsFile?: string): number {
  const { loaded, problems } = load(paths);
  const needs = settingsFile ? needsOf(loaded, settingsFile) : { problems: [], advice: [] };
  problems.push(...needs.problems);
  if (json) process.stdout.write(`${JSON.stringify({ valid: problems.length === 0, runbooks: loaded.map((r) => r.file), problems, advice: needs.advice }, null, 2)}\n`);
  else {
    if (needs.advice.length) process.stderr.write(`${needs.advice.length} advice:\n${needs.advice.map((a) => `  ${a}`).join('\n')}\n`);
    if (problems.length) process.stderr.write(`${problems.length} problem(s):\n${problems.map(formatProblem).join('\n')}\n`);
    else process.stdout.write(`${loaded.length} runbook(s) valid${settingsFile ? ` and runnable with ${settingsFile}` : ''}: ${loaded.map((r) => r.file).join(', ')}\n`);
  }
  return problems.length ? 2 : 0;
}

export function listCommand(paths: string[], json: boolean): number {
  const { loaded, problems } = load(paths);
  if (json) {
    process.stdout.write(`${JSON.stringify(loaded.map(({ file, runbook: r }) => ({ file, id: r.id, version: r.version, title: r.title, match: r.match, priority: r.priority, subject: r.subject })), null, 2)}\n`);
  } else {
    for (const { file, runbook: r } of loaded) {
      process.stdout.write(`${r.id} v${r.version}  ${r.title}\n    kinds: ${r.match.kind.join(', ')} · severities: ${r.match.severity.join(', ')} · priority ${r.priority} · subject ${r.subject} · ${file}\n`);
    }
  }
  if (problems.length) process.stderr.write(`${problems.length} problem(s) (run \`kafka-ir runbooks validate\`):\n${problems.map(formatProblem).join('\n')}\n`);
  return problems.length ? 2 : 0;
}
