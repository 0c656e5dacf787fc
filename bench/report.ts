// Benchmark output: percentiles, a Markdown table printed and saved under bench/results/ with the machine it ran on.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export interface Percentiles { n: number; p50: number; p95: number; p99: number; max: number }

export function percentiles(samples: number[]): Percentiles {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? Number.NaN;
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: s[s.length - 1] ?? Number.NaN };
}

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

export function printTable(title: string, rows: readonly (readonly [string, Percentiles])[], extra: Record<string, number> = {}): string {
  const lines = [
    `### ${title}`, '',
    '| measure | n | p50 | p95 | p99 | max |', '|---|---|---|---|---|---|',
    ...rows.map(([name, p]) => `| ${name} | ${p.n} | ${fmt(p.p50)} | ${fmt(p.p95)} | ${fmt(p.p99)} | ${fmt(p.max)} |`),
    '', ...Object.entries(extra).map(([k, v]) => `${k}: ${v.toFixed(2)}`),
  ];
  const text = lines.join('\n');
  console.log(text);
  return text;
}

export function writeResult(name: string, table: string): void {
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, Kafka ${process.env.KAFKA_VERSION ?? '3.9.1'}`;
  const file = new URL(`./results/${name}.md`, import.meta.url);
  writeFileSync(file, `# ${name}\n\nRun ${new Date().toISOString()} on ${machine}.\n\n${table}\n`);
  console.log(`\nwritten to bench/results/${name}.md`);
}
