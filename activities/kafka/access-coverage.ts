// Whether the access records cover a window on every broker: "exact" only then, otherwise the gaps, per broker and log.
import type { Coverage, CoverageGap, LineCounts } from '../../src/model/access-findings.js';
import type { AccessLog } from '../../adapters/access-log/access-line-parser.js';
import type { BrokerSpan } from '../../adapters/access-log/access-source.js';

const iso = (ms: number) => new Date(ms).toISOString();
const LOG_NAME: Record<AccessLog, string> = { request: 'request log', authorizer: 'authorizer log' };

export interface CoverageInput {
  window: { from: number; to: number };
  /** The cluster's brokers now. */
  brokers: number[];
  spans: BrokerSpan[];
  /** Probe lines found, per broker and log, and whether each broker was probed at all. */
  markers: { broker: number; log: AccessLog }[];
  probeFailed: { broker: number; error: string }[];
  lines: LineCounts;
  sources: string[];
  /** The logs the answer rests on (default both): the admin audit reads request logs only. */
  logs?: readonly AccessLog[];
  /** Topics the principal can or did read or write, and when the records show each created. */
  reachable?: { topics: string[]; createdAt: ReadonlyMap<string, number> };
}

/**
 * Records that begin after the window's start leave reads in between unseen — unless every topic the principal can
 * reach was created after they begin: what did not exist yet could not be read or written.
 */
function createdSince(input: CoverageInput, startsAt: number): string | undefined {
  const reachable = input.reachable;
  if (!reachable?.topics.length) return undefined;
  const created = reachable.topics.map((t) => reachable.createdAt.get(t));
  if (created.some((c) => c === undefined || c < startsAt)) return undefined;
  return reachable.topics.join(', ');
}

/**
 * A broker's log covers the window when its records begin at or before the window's start and reach its end: its
 * probe line arrived (the broker was logging, and the shipper delivering, when the question was asked), or a
 * record is at least as late as the window's end.
 */
export function accessCoverage(input: CoverageInput): Coverage {
  const { window } = input;
  const missing: CoverageGap[] = [];
  const waived = new Set<string>();
  const brokers = input.brokers.map((broker) => {
    let covered = true;
    for (const log of input.logs ?? ['request', 'authorizer'] as const) {
      const span = input.spans.find((s) => s.broker === broker && s.log === log);
      if (!span) {
        covered = false;
        missing.push({ broker, from: iso(window.from), to: iso(window.to), reason: `no ${LOG_NAME[log]} records from broker ${broker} in the sources` });
        continue;
      }
      if (span.first > window.from) {
        const topics = createdSince(input, span.first);
        if (topics) {
          waived.add(`broker ${broker}'s ${LOG_NAME[log]} records begin at ${iso(span.first)}, after the window's start, but every topic the principal can reach (${topics}) was created later: nothing of them existed before`);
        } else {
          covered = false;
          missing.push({ broker, from: iso(window.from), to: iso(span.first), reason: `broker ${broker}'s ${LOG_NAME[log]} records begin at ${iso(span.first)} (rotated away, or logged only since then)` });
        }
      }
      const probed = input.markers.some((m) => m.broker === broker && m.log === log);
      if (!probed && span.last < window.to) {
        covered = false;
        const failed = input.probeFailed.find((f) => f.broker === broker);
        const why = failed ? `the probe could not reach it (${failed.error})` : 'its probe line did not arrive';
        missing.push({ broker, from: iso(span.last), to: iso(window.to), reason: `broker ${broker}'s ${LOG_NAME[log]} records end at ${iso(span.last)}: ${why}` });
      }
    }
    const request = input.spans.find((s) => s.broker === broker && s.log === 'request');
    return { broker, ...(request ? { firstAt: iso(request.first), lastAt: iso(request.last) } : {}), covered };
  });
  return {
    basis: 'records',
    answer: missing.length === 0 && brokers.length > 0 ? 'exact' : 'estimate',
    window: { from: iso(window.from), to: iso(window.to) },
    brokers,
    missing,
    waived: [...waived],
    lines: input.lines,
    sources: input.sources,
  };
}

/** The offsets fallback: always an estimate, and why. */
export function offsetsCoverage(window: { from: number; to: number }): Coverage {
  const w = { from: iso(window.from), to: iso(window.to) };
  return {
    basis: 'offsets', answer: 'estimate', window: w, brokers: [],
    missing: [{ ...w, reason: 'no access records configured (accessLog in KAFKA_IR_CONFIG): only committed group offsets are known' }], waived: [],
    lines: { records: 0, other: 0, garbage: 0, truncated: 0 }, sources: [],
  };
}
