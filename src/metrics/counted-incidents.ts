// Counts intake outcomes where every source (HTTP, Alertmanager, Splunk, the Kafka intake topic) passes: IncidentService.submit.
import type { IncidentService } from '../temporal/incidents.js';
import type { EngineMetrics } from './engine-metrics.js';

export function countedIncidents(service: IncidentService, metrics: EngineMetrics): IncidentService {
  return {
    ...service,
    clusters: service.clusters,
    async submit(alert, options) {
      const outcome = await service.submit(alert, options);
      if (outcome.matched) metrics.intake(outcome.status, outcome.runbook);
      else metrics.intake('unmatched');
      return outcome;
    },
  };
}
