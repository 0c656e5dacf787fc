// Benchmark output: percentiles, Markdown tables, and the result files under bench/results/ (Markdown + JSON) with
// the machine, the versions, the parameters and how busy the machine was at the start and at the end.
import { mkdirSync, writeFileSync } from 'node:fs';
import { readInfraEnv } from '../scripts/infra/index.js';
import { load, machine, versions, type Load } from './machine.js';

export interface Percentiles { n: number; p50: number; p95: number; p99: number; max: number }

export function percentiles(samples: number[]): Percentiles {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? Number.NaN;
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: s[s.length - 1] ?? Number.NaN };
}

export const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

export function markdownTable(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cell = (v: string | number) => (typeof v === 'number' ? fmt(v) : v);
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

export function percentileTable(title: string, rows: readonly (readonly [string, Percentiles])[]): string {
  return `### ${title}\n\n${markdownTable(['measure', 'n', 'p50', 'p95', 'p99', 'max'], rows.map(([name, p]) => [name, String(p.n), p.p50, p.p95, p.p99, p.max]))}`;
}

export type Parameters = Record<string, string | number | boolean>;

export interface Outcome {
  /** Markdown sections (tables with a `###` title), printed and saved in this order. */
  tables: string[];
  /** The figures behind the tables, for machines (JSON). */
  figures: Record<string, unknown>;
  /** Against the baseline measured in the same run: what the reader compares. */
  ratios: Record<string, number>;
  notes?: string[];
}

export interface BenchRun { parameters: Parameters; finish(outcome: Outcome): void }

/**
 * Call first: it notes the load average before the benchmark adds its own. `--note <text>` records the conditions
 * (e.g. "shared with another session's integration tests").
 */
export function startRun(name: string, parameters: Parameters): BenchRun {
  const started = load();
  const noteAt = process.argv.indexOf('--note');
  const note = noteAt >= 0 ? process.argv[noteAt + 1] : undefined;
  return {
    parameters,
    finish(outcome) {
      const ended = load();
      const result = {
        name, machine: machine(), versions: versions(readInfraEnv().KAFKA_VERSION), parameters,
        load: { start: started, end: ended }, figures: outcome.figures, ratios: outcome.ratios,
        notes: [...(note ? [note] : []), ...(outcome.notes ?? [])],
      };
      const markdown = render(result, outcome.tables);
      console.log(`\n${outcome.tables.join('\n\n')}\n\n${ratioTable(outcome.ratios)}`);
      mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
      const file = `${name}-${started.at.slice(0, 10)}`;
      writeFileSync(new URL(`./results/${file}.md`, import.meta.url), markdown);
      writeFileSync(new URL(`./results/${file}.json`, import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
      console.log(`\nwritten to bench/results/${file}.md and .json`);
    },
  };
}

const ratioTable = (ratios: Record<string, number>) => markdownTable(['ratio', 'value'], Object.entries(ratios).map(([k, v]) => [k, v.toFixed(2)]));
const loadCells = (l: Load) => `${l.loadavg1m.toFixed(2)} / ${l.loadavg5m.toFixed(2)} / ${l.loadavg15m.toFixed(2)}`;

function render(r: { name: string; machine: ReturnType<typeof machine>; versions: ReturnType<typeof versions>; parameters: Parameters; load: { start: Load; end: Load }; ratios: Record<string, number>; notes: string[] }, tables: string[]): string {
  const v = r.versions;
  return [
    `# ${r.name}`, '',
    `Run ${r.load.start.at} → ${r.load.end.at}.`, '',
    markdownTable(['CPU', 'cores', 'RAM', 'kernel'], [[r.machine.cpu, String(r.machine.cores), `${r.machine.ramGiB} GiB`, r.machine.kernel]]), '',
    markdownTable(['kafka-ir', 'Node', 'Kafka', 'Temporal CLI', 'Temporal SDK', 'kafkajs', 'kcat'], [[v.kafkaIr, v.node, v.kafka, v.temporalCli, v.temporalSdk, v.kafkajs, v.kcat]]), '',
    `Load average (1 / 5 / 15 min): ${loadCells(r.load.start)} at the start, ${loadCells(r.load.end)} at the end (${r.machine.cores} cores).`, '',
    ...r.notes.map((n) => `> ${n}\n`),
    '## Parameters', '', markdownTable(['parameter', 'value'], Object.entries(r.parameters).map(([k, val]) => [k, String(val)])), '',
    '## Results', '', ...tables.flatMap((t) => [t, '']),
    '## Ratios (against the baseline measured in the same run)', '', ratioTable(r.ratios), '',
  ].join('\n');
}
