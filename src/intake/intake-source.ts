// What an HTTP intake source is: its route, registered once by the server, which maps the payload to candidates for the submit path.
import type { FastifyInstance } from 'fastify';
import type { Roster } from '../model/roster.js';
import type { IncidentService } from '../temporal/incidents.js';
import type { ResolvedMapping } from './alert-mapping.js';
import type { IntakeGate } from './intake-gate.js';

/** What every source's route may use. */
export interface IntakeContext {
  incidents: IncidentService;
  intakeToken?: string;
  roster: Roster;
  /** How flat source fields (Alertmanager labels, Splunk result fields) become an alert, resolved once for all sources. */
  fieldMapping: ResolvedMapping;
  /** Request size and rate limits; unset: none (tests of routes alone). */
  gate?: IntakeGate;
}

export interface IntakeSource {
  register(app: FastifyInstance, intake: IntakeContext): void;
}
