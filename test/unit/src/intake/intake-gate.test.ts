// The intake's own limits: alerts per request, and a token bucket of alerts per second with a burst, on an injected clock.
import { describe, expect, it } from 'vitest';
import { IntakeGate } from '../../../../src/intake/intake-gate.js';

describe('IntakeGate', () => {
  it('refuses a request carrying more alerts than allowed, whatever the rate', () => {
    const gate = new IntakeGate({ maxAlertsPerRequest: 50, intakeRate: 10, intakeBurst: 100 });
    expect(gate.size(50)).toEqual({ ok: true });
    expect(gate.size(51)).toMatchObject({ ok: false, status: 413, error: expect.stringContaining('at most 50 per request (KAFKA_IR_MAX_ALERTS_PER_REQUEST)') });
  });

  it('takes a burst, then refuses with the seconds until enough alerts are allowed again, and refills at the rate', () => {
    let now = 0;
    const gate = new IntakeGate({ maxAlertsPerRequest: 50, intakeRate: 10, intakeBurst: 100 }, () => now);
    expect(gate.take(60)).toEqual({ ok: true });
    expect(gate.take(40)).toEqual({ ok: true });
    expect(gate.take(5)).toMatchObject({ ok: false, status: 429, retryAfterS: 1 });
    expect(gate.take(30)).toMatchObject({ ok: false, status: 429, retryAfterS: 3 });
    now = 3_000;
    expect(gate.take(30)).toEqual({ ok: true });
    now = 1_000_000; // refills up to the burst, no further
    expect(gate.take(100)).toEqual({ ok: true });
    expect(gate.take(1)).toMatchObject({ ok: false, status: 429 });
  });
});
