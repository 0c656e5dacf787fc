// kafka.baseline.snapshot / kafka.baseline.diff: the security state recorded under the evidence directory, and what changed since.
import type { ActionInput } from '../../src/model/actions.js';
import type { BaselineRef } from '../../src/model/actions/cluster.js';
import { diffBaselines, type BaselineDiff } from '../../src/model/baseline.js';
import { loadBaseline, saveBaseline } from '../../adapters/evidence/baseline-store.js';
import { readBaselineState } from '../../adapters/kafka/baseline-state.js';
import type { KafkaClient } from '../../adapters/kafka/client.js';

export async function snapshotBaseline(client: KafkaClient, evidenceDir: string): Promise<BaselineRef> {
  return saveBaseline(evidenceDir, await readBaselineState(client));
}

export async function diffBaseline(client: KafkaClient, evidenceDir: string, input: ActionInput<'kafka.baseline.diff'>): Promise<BaselineDiff> {
  const { ref, state, notes } = await loadBaseline(evidenceDir, input.baseline, input.sha256, input.before === undefined ? undefined : Date.parse(input.before));
  return diffBaselines(ref, state, await readBaselineState(client), notes);
}
