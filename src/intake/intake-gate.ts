// What the HTTP intake admits before anything reaches Temporal: at most so many alerts per request, and per second (a token bucket).
import type { EdgeLimits } from '../model/edge-limits.js';

export type GateVerdict = { ok: true } | { ok: false; status: 413 | 429; error: string; retryAfterS?: number };

export class IntakeGate {
  private tokens: number;
  private at: number;

  constructor(private readonly limits: Pick<EdgeLimits, 'maxAlertsPerRequest' | 'intakeRate' | 'intakeBurst'>, private readonly now = Date.now) {
    this.tokens = limits.intakeBurst;
    this.at = now();
  }

  /** Whether a request carrying `items` alerts (any, valid or not) may be read at all. */
  size(items: number): GateVerdict {
    const max = this.limits.maxAlertsPerRequest;
    if (items <= max) return { ok: true };
    return { ok: false, status: 413, error: `the request carries ${items} alerts; at most ${max} per request (KAFKA_IR_MAX_ALERTS_PER_REQUEST): send them in smaller batches (Alertmanager: max_alerts in the webhook receiver)` };
  }

  /** Takes `alerts` tokens (the valid alerts about to be submitted), or says when enough will be there. */
  take(alerts: number): GateVerdict {
    const { intakeRate: rate, intakeBurst: burst } = this.limits;
    const now = this.now();
    this.tokens = Math.min(burst, this.tokens + ((now - this.at) / 1000) * rate);
    this.at = now;
    if (alerts <= this.tokens) {
      this.tokens -= alerts;
      return { ok: true };
    }
    const retryAfterS = Math.max(1, Math.ceil((Math.min(alerts, burst) - this.tokens) / rate));
    return { ok: false, status: 429, retryAfterS, error: `the intake takes at most ${rate} alerts per second, in bursts of ${burst} (KAFKA_IR_INTAKE_RATE, KAFKA_IR_INTAKE_BURST); retry after ${retryAfterS} s` };
  }
}
