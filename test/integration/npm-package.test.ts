// The npm package as a user gets it: `npm pack` (which builds dist/) installed into an empty folder, then the installed
// `kafka-ir`: help, validating the runbooks it ships, and `kafka-ir start` from dist/ (with its memory settings) running an incident on the test cluster.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/engine.js';
import { startEngineProcess, type EngineProcess } from '../support/engine-process.js';
import { unique } from '../support/infra.js';

const tmp = mkdtempSync(join(tmpdir(), 'kafka-ir-package-'));
const app = join(tmp, 'app');
const kafkaIr = join(app, 'node_modules', '.bin', 'kafka-ir');
// npm and the installed bin's `#!/usr/bin/env node` run on the node of this test run.
const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` };
let packed: string[] = [];
let engine: EngineProcess | undefined;

function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): SpawnSyncReturns<string> {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 240_000, ...options, env: options.env ?? env });
  if (r.error) throw r.error;
  return r;
}
const ok = (r: SpawnSyncReturns<string>) => { expect(r.status, r.stderr).toBe(0); return r; };

beforeAll(() => {
  mkdirSync(app);
  const pack = ok(run('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: process.cwd() }));
  const [tarball] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  packed = tarball!.files.map((f) => f.path);
  ok(run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', join(tmp, tarball!.filename)], { cwd: app }));
}, 600_000);

afterAll(async () => {
  await engine?.kill();
  rmSync(tmp, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('holds the compiled code with its workflow bundles, the runbooks and schemas, and no TypeScript or tests', () => {
    expect(packed).toEqual(expect.arrayContaining(['bin/kafka-ir.js', 'dist/src/cli.js', 'dist/workflows/index.js', 'dist/workflow-bundle.js',
      'dist/workflow-bundle.failure-converter.js', 'dist/src/temporal/failure-converter.cjs', 'runbooks/data-exfiltration.yaml', 'schema/runbook.schema.json']));
    expect(packed.filter((f) => f.endsWith('.ts') || f.startsWith('test/') || f.startsWith('scripts/'))).toEqual([]);
  });

  it('installs into an empty folder without tsx or TypeScript, and prints its help', () => {
    expect(existsSync(join(app, 'node_modules', 'tsx'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'typescript'))).toBe(false);
    const help = ok(run(kafkaIr, ['--help'], { cwd: app }));
    expect(help.stdout).toContain('Usage: kafka-ir');
    for (const command of ['start', 'trigger', 'runbooks']) expect(help.stdout).toContain(command);
  });

  it('validates the built-in runbooks copied out of the package, as the README starts', () => {
    cpSync(join(app, 'node_modules', 'kafka-ir', 'runbooks'), join(app, 'runbooks'), { recursive: true });
    const validate = ok(run(kafkaIr, ['runbooks', 'validate'], { cwd: app }));
    expect(validate.stdout).toMatch(/^\d+ runbook\(s\) valid: .*runbooks\/data-exfiltration\.yaml/);
  });

  it('starts the engine from dist/ with its prebuilt workflow bundle and runs a dry-run incident to its end', async () => {
    engine = await startEngineProcess({ KAFKA_IR_RUNBOOKS: resolve('test/fixtures/runbooks'), KAFKA_IR_EVIDENCE_DIR: join(tmp, 'evidence') }, kafkaIr);
    // It started over in the same process with its memory settings, as `ps` shows them.
    const pid = engine.child.pid!;
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toContain('--max-semi-space-size=1');
    expect(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')).toContain('MALLOC_ARENA_MAX=2');
    const cli = (...args: string[]) => run(kafkaIr, args, { cwd: app, env: { ...env, KAFKA_IR_PUBLIC_URL: engine!.url } });
    const triggered = ok(cli('trigger', '--kind', 'test.auto-deny', '--severity', 'low', '--principal', `User:${unique('package')}`, '--dry-run', '--json'));
    const id = JSON.parse(triggered.stdout).incidents[0].id as string;
    const closed = await eventually(async () => {
      const view = JSON.parse(cli('status', id, '--json').stdout);
      return view.status === 'closed' ? view : undefined;
    }, 30_000, 'the dry-run incident to close');
    expect(closed).toMatchObject({ dryRun: true, steps: [expect.objectContaining({ id: 'deny' })] });
  });
});
