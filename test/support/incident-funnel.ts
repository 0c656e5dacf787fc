// The engine's own incident funnel beside a test engine: its IncidentService over the fixture runbooks, sealing with
// the engine's key (the key file every engine of this machine shares) — quicker than HTTP, and the same updates.
import { Client, Connection } from '@temporalio/client';
import { EngineSeal, sealKeys } from '../../adapters/engine-seal.js';
import { loadRunbookSet } from '../../src/runbooks/load.js';
import { createIncidentService, type IncidentService } from '../../src/temporal/incidents.js';
import type { TestEngine } from './engine.js';
import { infra, testConfig } from './infra.js';

export interface IncidentFunnel { client: Client; incidents: IncidentService; close(): Promise<void> }

export async function incidentFunnel(engine: TestEngine): Promise<IncidentFunnel> {
  const client = new Client({ connection: await Connection.connect({ address: infra().TEMPORAL_ADDRESS }) });
  const set = loadRunbookSet(['test/fixtures/runbooks']);
  const catalog = { runbooks: set.runbooks.map((r) => r.runbook), roster: set.roster };
  const seal = new EngineSeal(sealKeys({ dataDir: testConfig().temporal.dataDir }).keys);
  return { client, incidents: createIncidentService(client, engine.taskQueue, () => catalog, { seal }), close: () => client.connection.close() };
}
