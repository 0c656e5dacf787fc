// Benchmark: how long `kafka-ir` takes to start. CLI wall time (spawn to exit) of `--help` and `runbooks validate`, and
// `kafka-ir start` to "kafka-ir is ready", from the compiled package (bin/kafka-ir.js → dist/) against the baseline of
// the same run: the TypeScript sources through tsx (scripts/kafka-ir-from-sources.js, what bin/ ran before dist/ existed).
// The engine also starts from a copy of dist/ without its prebuilt workflow bundles, which bundles them with webpack at
// start: the measure behind building them in `npm run build`. Modes are interleaved, after one discarded warm-up each.
// Usage: npm run bench -- cli-startup [--n 20] [--starts 5] [--note text]   (start needs `npm run infra -- up`)
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { readInfraEnv } from '../scripts/infra/index.js';
import { numberArg } from './args.js';
import { startEngineProcess } from './engine-process.js';
import { percentiles, percentileTable, startRun, type Percentiles } from './report.js';

const n = numberArg('--n', 20);
const starts = numberArg('--starts', 5);
const SOURCES = 'scripts/kafka-ir-from-sources.js';
const DIST = 'bin/kafka-ir.js';
// Inside the repository, so the copy's imports resolve to the same node_modules.
const UNBUNDLED = '.cache/bench-cli-startup/bin/kafka-ir.js';
const run = startRun('cli-startup', {
  'CLI runs per command and mode': n, 'engine starts per mode': starts, 'runbooks validated': 'runbooks/ (the built-in ones)',
  'engine runbooks': 'test/fixtures/runbooks', Temporal: 'the infra dev server (not the embedded one)', order: 'interleaved, one warm-up per mode discarded',
});

function cliMs(script: string, args: string[]): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return ms;
}

const evidenceDir = mkdtempSync(join(tmpdir(), 'kafka-ir-bench-startup-'));
async function startMs(script: string, queue: string): Promise<number> {
  const started = performance.now();
  const engine = await startEngineProcess({
    ...readInfraEnv(), KAFKA_IR_RUNBOOKS: 'test/fixtures/runbooks', KAFKA_IR_PORT: '0', TEMPORAL_TASK_QUEUE: queue, KAFKA_IR_EVIDENCE_DIR: evidenceDir,
  }, script);
  const ms = performance.now() - started;
  await engine.stop();
  return ms;
}

rmSync('.cache/bench-cli-startup', { recursive: true, force: true });
cpSync('bin', '.cache/bench-cli-startup/bin', { recursive: true });
cpSync('dist', '.cache/bench-cli-startup/dist', { recursive: true, filter: (path) => !basename(path).startsWith('workflow-bundle') });

const commands = { help: ['--help'], validate: ['runbooks', 'validate', 'runbooks'] } as const;
const cli: Record<string, number[]> = { 'help tsx': [], 'help dist': [], 'validate tsx': [], 'validate dist': [] };
for (let i = 0; i <= n; i++) {
  for (const [name, args] of Object.entries(commands)) {
    const tsx = cliMs(SOURCES, [...args]);
    const dist = cliMs(DIST, [...args]);
    if (i > 0) { cli[`${name} tsx`]!.push(tsx); cli[`${name} dist`]!.push(dist); }
  }
}
process.stderr.write(`  ${n} runs of each command done\n`);

const engine: Record<string, number[]> = { tsx: [], 'dist, bundled at start': [], 'dist, prebuilt bundle': [] };
const scripts: Record<string, string> = { tsx: SOURCES, 'dist, bundled at start': UNBUNDLED, 'dist, prebuilt bundle': DIST };
try {
  for (let i = 0; i <= starts; i++) {
    for (const [mode, script] of Object.entries(scripts)) {
      const ms = await startMs(script, `bench-startup-${i}-${mode.replace(/\W+/g, '-')}`);
      if (i > 0) engine[mode]!.push(ms);
    }
    process.stderr.write(`  ${i}/${starts} engine starts of each mode\n`);
  }
} finally {
  rmSync('.cache/bench-cli-startup', { recursive: true, force: true });
  rmSync(evidenceDir, { recursive: true, force: true });
}

const c: Record<string, Percentiles> = Object.fromEntries(Object.entries(cli).map(([k, v]) => [k, percentiles(v)]));
const e: Record<string, Percentiles> = Object.fromEntries(Object.entries(engine).map(([k, v]) => [k, percentiles(v)]));
run.finish({
  tables: [
    percentileTable(`CLI wall time, spawn to exit, ${n} runs each (ms)`, [
      ['kafka-ir --help, sources through tsx (before)', c['help tsx']!],
      ['kafka-ir --help, dist (after)', c['help dist']!],
      ['kafka-ir runbooks validate runbooks, sources through tsx (before)', c['validate tsx']!],
      ['kafka-ir runbooks validate runbooks, dist (after)', c['validate dist']!],
    ]),
    percentileTable(`kafka-ir start until "kafka-ir is ready", ${starts} starts each (ms)`, [
      ['sources through tsx, workflows bundled at start (before)', e.tsx!],
      ['dist, workflows bundled at start from the compiled code', e['dist, bundled at start']!],
      ['dist, workflow bundle prebuilt by npm run build (after)', e['dist, prebuilt bundle']!],
    ]),
  ],
  figures: { unit: 'ms', cli: c, start: e, samples: { cli, start: engine } },
  ratios: {
    'p50 --help dist / tsx': c['help dist']!.p50 / c['help tsx']!.p50,
    'p50 validate dist / tsx': c['validate dist']!.p50 / c['validate tsx']!.p50,
    'p50 start dist prebuilt / tsx': e['dist, prebuilt bundle']!.p50 / e.tsx!.p50,
    'p50 start dist prebuilt / dist bundled at start': e['dist, prebuilt bundle']!.p50 / e['dist, bundled at start']!.p50,
  },
});
