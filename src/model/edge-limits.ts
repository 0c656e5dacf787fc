// What the HTTP edge accepts: served host names, the codec's one CORS origin, intake rates and caps, refusal reporting.
import { z } from 'zod';

/** What the HTTP edge accepts (docs/operations.md "Limits"). */
export const EdgeLimits = z.object({
  /** Host names served (lower case, no port); `*`: any. */
  allowedHosts: z.array(z.string().min(1)),
  /** The only origin the codec endpoint answers cross-origin (the Temporal UI); unset: none. */
  codecCorsOrigin: z.string().optional(),
  maxAlertsPerRequest: z.number().int().min(1),
  /** Alerts per second, sustained, and the burst above it. */
  intakeRate: z.number().positive(),
  intakeBurst: z.number().int().min(1),
  /** Open incidents per runbook; an alert that would open one more is deferred (429). */
  maxOpenIncidents: z.number().int().min(1),
  /** At most one report of refused requests per incident per interval. */
  refusalIntervalMs: z.number().positive(),
});
export type EdgeLimits = z.infer<typeof EdgeLimits>;

/** The defaults (docs/operations.md "Limits"), for KAFKA_IR_* unset and for servers built without a config. */
export const EDGE_DEFAULTS: EdgeLimits = {
  allowedHosts: ['localhost', '127.0.0.1', '::1'],
  maxAlertsPerRequest: 50,
  intakeRate: 200,
  intakeBurst: 2_000,
  maxOpenIncidents: 1_000,
  refusalIntervalMs: 30_000,
};
