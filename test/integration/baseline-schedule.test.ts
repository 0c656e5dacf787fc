// The baseline schedule: configured in KAFKA_IR_CONFIG, it exists in Temporal and each run leaves a fresh baseline.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { baselineScheduleId } from '../../src/temporal/baseline-schedule.js';
import { eventually, startTestEngine, type TestEngine } from '../support/engine.js';
import { infra } from '../support/infra.js';

let engine: TestEngine | undefined;
let client: Client | undefined;
afterAll(async () => {
  if (engine) await client?.schedule.getHandle(baselineScheduleId(engine.taskQueue)).delete();
  await engine?.close();
  await client?.connection.close();
});

describe('the baseline schedule', () => {
  it('is created at start-up with the configured interval, and a run writes a baseline the diff can use', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafka-ir-baseline-'));
    writeFileSync(join(dir, 'config.yaml'), 'baseline: { every: 6h }\n');
    engine = await startTestEngine({ KAFKA_IR_CONFIG: join(dir, 'config.yaml'), KAFKA_IR_EVIDENCE_DIR: join(dir, 'evidence') });
    client = new Client({ connection: await Connection.connect({ address: infra().TEMPORAL_ADDRESS }) });
    const schedule = client.schedule.getHandle(baselineScheduleId(engine.taskQueue));
    const description = await schedule.describe();
    expect(description.spec.intervals).toMatchObject([{ every: 6 * 3_600_000 }]);
    expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'refreshBaseline', taskQueue: engine.taskQueue });

    await schedule.trigger();
    const files = await eventually(async () => {
      const f = readdirSync(join(dir, 'evidence', 'baselines'), { withFileTypes: true }).filter((e) => e.name.endsWith('.json'));
      return f.length ? f : undefined;
    }, 30_000, 'a baseline file');
    const baseline = JSON.parse(readFileSync(join(dir, 'evidence', 'baselines', files[0]!.name), 'utf8'));
    expect(baseline.scramUsers.map((u: { user: string }) => u.user)).toContain('admin');
  });
});
