// Debian's prometheus-alertmanager as a real webhook peer: one process per test file, on a free loopback port, no clustering.
import { spawnSync } from 'node:child_process';
import { spawnServer } from './spawned.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './eventually.js';

export interface RunningAlertmanager {
  url: string;
  /** What the process wrote (its notify errors name what the engine answered). */
  output(): string;
  post(alerts: unknown[]): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    }).on('error', reject);
  });
}

/** Starts Alertmanager with one webhook receiver; fails (never skips) when the Debian package is missing. */
export async function startAlertmanager(webhookUrl: string, bearerToken: string): Promise<RunningAlertmanager> {
  const binary = spawnSync('sh', ['-c', 'command -v prometheus-alertmanager'], { encoding: 'utf8' }).stdout.trim();
  if (!binary) throw new Error('prometheus-alertmanager is not installed: apt-get install -y prometheus-alertmanager (Debian package prometheus-alertmanager)');
  const dir = mkdtempSync(join(tmpdir(), 'kafka-ir-am-'));
  const port = await freePort();
  writeFileSync(join(dir, 'alertmanager.yml'), [
    'route:',
    '  receiver: kafka-ir',
    "  group_by: ['principal']",
    '  group_wait: 0s',
    '  group_interval: 1s',
    '  repeat_interval: 1h',
    'receivers:',
    '  - name: kafka-ir',
    '    webhook_configs:',
    `      - url: ${webhookUrl}`,
    '        send_resolved: true',
    '        http_config:',
    '          authorization:',
    `            credentials: ${bearerToken}`,
    '',
  ].join('\n'));
  const { child, output: printed, exited } = spawnServer(binary, [
    `--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=',
]);
  const url = `http://127.0.0.1:${port}`;
  try {
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`alertmanager exited: ${printed()}`);
      return (await fetch(`${url}/-/ready`)).ok ? true : undefined;
    }, 20_000, 'alertmanager to be ready');
  } catch (err) {
    child.kill();
    throw err;
  }
  return {
    url,
    output: printed,
    async post(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
      if (!res.ok) throw new Error(`alertmanager refused the alerts: ${res.status} ${await res.text()}`);
    },
    async stop() {
      child.kill();
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
