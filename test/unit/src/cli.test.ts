// The `kafka-ir` command as a user runs it, in a node process of its own (from the sources; the packed build: test/integration/npm-package.test.ts): help, usage errors, runbook validation.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const run = (...args: string[]) => spawnSync(process.execPath, ['scripts/kafka-ir-from-sources.js', ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, KAFKA_IR_RUNBOOKS: '' } });

describe('kafka-ir', () => {
  it('prints help listing its commands', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    for (const command of ['start', 'status', 'trigger', 'note', 'abort', 'runbooks']) expect(r.stdout).toContain(command);
  });

  it('exits 2 on a usage error', () => {
    expect(run('frobnicate').status).toBe(2);
  });

  it('validates runbook folders: 0 when valid, 2 with every problem listed', () => {
    const ok = run('runbooks', 'validate', 'test/fixtures/runbooks');
    expect(ok.stdout).toMatch(/runbook\(s\) valid/);
    expect(ok.status).toBe(0);
    const bad = run('runbooks', 'validate', 'test/fixtures/invalid-runbooks');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('test/fixtures/invalid-runbooks/quorum.yaml:13 (phases.containment[0].approval.quorum) needs 3 distinct approvers');
  });

  it('explains a missing engine instead of a stack trace', () => {
    const r = spawnSync(process.execPath, ['scripts/kafka-ir-from-sources.js', 'status'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, KAFKA_IR_PUBLIC_URL: 'http://127.0.0.1:9' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('cannot reach kafka-ir at http://127.0.0.1:9');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
