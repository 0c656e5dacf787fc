// Debian's prometheus as a real scraper and rule evaluator: one process per test file, on a free loopback port.
import { spawnSync } from 'node:child_process';
import { spawnServer } from './spawned.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ephemeralPort } from '../../scripts/infra/ports.js';
import { eventually } from './eventually.js';

export interface RunningPrometheus {
  url: string;
  /** The alerts Prometheus holds now (GET /api/v1/alerts). */
  alerts(): Promise<{ labels: Record<string, string>; annotations: Record<string, string>; state: string; value: string }[]>;
  output(): string;
  stop(): Promise<void>;
}

/** Scrapes `targets` every second and evaluates `rules` (a rules file's text) every second, alerting `alertmanager`. */
export async function startPrometheus(options: { targets: string[]; rules: string; alertmanager: string }): Promise<RunningPrometheus> {
  const binary = spawnSync('sh', ['-c', 'command -v prometheus'], { encoding: 'utf8' }).stdout.trim();
  if (!binary) throw new Error("prometheus is not installed: apt-get install -y prometheus (Debian package prometheus)");
  const dir = mkdtempSync(join(tmpdir(), 'kafka-ir-prom-'));
  const port = await ephemeralPort();
  writeFileSync(join(dir, 'rules.yml'), options.rules);
  writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify({
    global: { scrape_interval: '1s', evaluation_interval: '1s', scrape_timeout: '1s' },
    rule_files: [join(dir, 'rules.yml')],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [options.alertmanager.replace(/^https?:\/\//, '')] }] }] },
    scrape_configs: [{ job_name: 'kafka', static_configs: [{ targets: options.targets }] }],
  }));
  const { child, output: printed, exited } = spawnServer(binary, [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`,
    '--rules.alert.resend-delay=1s',
]);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    child.kill();
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited: ${printed()}`);
      return (await fetch(`${url}/-/ready`).catch(() => undefined))?.ok ? true : undefined;
    }, 30_000, 'prometheus to be ready');
    // A counter's increase needs two samples: an attack before the second scrape would be the first sample, and count nothing.
    await eventually(async () => {
      const query = encodeURIComponent('count_over_time(up{job="kafka"}[1m])');
      const body = await (await fetch(`${url}/api/v1/query?query=${query}`)).json() as { data: { result: { value: [number, string] }[] } };
      const scrapes = body.data.result.map((r) => Number(r.value[1]));
      return scrapes.length === options.targets.length && scrapes.every((n) => n >= 2) ? true : undefined;
    }, 30_000, 'prometheus to scrape every target twice');
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    output: printed,
    async alerts() {
      const body = await (await fetch(`${url}/api/v1/alerts`)).json() as { data: { alerts: [] } };
      return body.data.alerts;
    },
    stop,
  };
}
