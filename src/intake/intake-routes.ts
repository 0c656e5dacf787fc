// The intake sources that post to the engine, registered once on the HTTP server: a new source is a file here and a line in SOURCES.
import type { FastifyInstance } from 'fastify';
import type { Roster } from '../model/roster.js';
import type { AlertMapping } from '../model/settings.js';
import type { IncidentService } from '../temporal/incidents.js';
import { resolveMapping } from './alert-mapping.js';
import { alertmanagerWebhook } from './alertmanager-webhook.js';
import { genericAlerts } from './generic-alerts.js';
import type { IntakeSource } from './intake-source.js';
import type { IntakeGate } from './intake-gate.js';
import { splunkWebhook } from './splunk-webhook.js';

const SOURCES: readonly IntakeSource[] = [genericAlerts, alertmanagerWebhook, splunkWebhook];

export interface IntakeOptions {
  /** The settings file's `alertmanager` field mapping, which maps Splunk result fields too. */
  alertmanager?: AlertMapping;
}

export interface IntakeDeps {
  incidents: IncidentService;
  intakeToken?: string;
  roster: Roster;
  intake?: IntakeOptions;
  gate?: IntakeGate;
}

export function intakeRoutes(app: FastifyInstance, deps: IntakeDeps): void {
  const { incidents, intakeToken, roster } = deps;
  const intake = { incidents, intakeToken, roster, fieldMapping: resolveMapping(deps.intake?.alertmanager), gate: deps.gate };
  for (const source of SOURCES) source.register(app, intake);
}
