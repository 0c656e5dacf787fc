// What a benchmark ran on: CPU, memory, load, and the versions of everything on the measured path.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { findTemporalBinary, TEMPORAL_CLI_MODULE } from '../scripts/infra/temporal/temporal-binary.js';

export interface Machine { cpu: string; cores: number; ramGiB: number; kernel: string }
export interface Versions { kafkaIr: string; node: string; kafka: string; temporalCli: string; temporalSdk: string; kafkajs: string; kcat: string }
export interface Load { at: string; loadavg1m: number; loadavg5m: number; loadavg15m: number }

export function machine(): Machine {
  return { cpu: cpus()[0]?.model.trim() ?? 'unknown', cores: cpus().length, ramGiB: Number((totalmem() / 2 ** 30).toFixed(1)), kernel: release() };
}

/** CPU time a process has used so far (user + system, its threads included), in seconds; clock ticks of 1/100 s. */
export function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function load(): Load {
  const [one, five, fifteen] = loadavg() as [number, number, number];
  return { at: new Date().toISOString(), loadavg1m: one, loadavg5m: five, loadavg15m: fifteen };
}

const packageVersion = (name: string): string => {
  try {
    return (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
};

function output(command: string | undefined, args: string[]): string {
  if (!command) return '';
  const res = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000 });
  return `${res.stdout ?? ''}${res.stderr ?? ''}`;
}
const match = (text: string, pattern: RegExp) => pattern.exec(text)?.[1]?.trim() ?? 'unknown';

/** The commit measured: a benchmark run from an exported tree (`git archive`) names it in KAFKA_IR_BENCH_COMMIT. */
function commit(): string {
  const head = spawnSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: new URL('..', import.meta.url), encoding: 'utf8' });
  return process.env.KAFKA_IR_BENCH_COMMIT ?? (head.status === 0 ? head.stdout.trim() : 'unknown');
}

/** `kafka`: the cluster's version as `npm run infra -- up` recorded it in .infra/env. */
export function versions(kafka: string): Versions {
  const temporal = match(output(findTemporalBinary(), ['--version']), /temporal version (.+)/);
  const kcat = output('kcat', ['-V']);
  return {
    kafkaIr: commit(),
    node: process.version,
    kafka,
    temporalCli: `${temporal} from ${TEMPORAL_CLI_MODULE.split('@')[1] ?? TEMPORAL_CLI_MODULE}`,
    temporalSdk: packageVersion('@temporalio/worker'),
    kafkajs: packageVersion('kafkajs'),
    kcat: kcat ? `${match(kcat, /Version ([\d.]+)/)} (librdkafka ${match(kcat, /librdkafka ([\d.]+)/)})` : 'not installed',
  };
}
