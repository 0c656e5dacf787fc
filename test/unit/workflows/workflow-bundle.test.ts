// The workflow code bundles for the Temporal sandbox: a bad import fails here, not in a worker at 3 a.m.
import { describe, expect, it } from 'vitest';
import { bundleWorkflows } from '../../../src/temporal/worker.js';

describe('workflow bundle', () => {
  it('builds with the SDK bundler and contains the incident workflow', async () => {
    const { code } = await bundleWorkflows();
    expect(code).toContain('runIncident');
    expect(code).not.toMatch(/require\(["']kafkajs["']\)/);
  }, 60_000);
});
