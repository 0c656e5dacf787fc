// What the access records say one principal did in a window: probe every broker, scan the sources, fold, name topic ids, judge coverage.
import { randomUUID } from 'node:crypto';
import type { Coverage } from '../../src/model/access-findings.js';
import type { AccessRecordSource } from '../../adapters/access-log/access-source.js';
import { probeBrokers } from '../../adapters/kafka/access-probe.js';
import type { KafkaClient } from '../../adapters/kafka/client.js';
import { topicIdNames } from '../../adapters/kafka/topic-ids.js';
import { accessCoverage } from './access-coverage.js';
import { PrincipalActivity, type PrincipalFindings } from './principal-activity.js';

export interface RecordFindings extends PrincipalFindings { coverage: Coverage; notes: string[] }

/** A broker's clock (or time zone setting) this far off kafka-ir's makes window edges unreliable: say so. */
const SKEW_MS = 60_000;

export async function recordFindings(
  client: KafkaClient, source: AccessRecordSource, principal: string, window: { from: number; to: number }, reachable: string[],
  onProgress: (p: { bytes: number }) => void = () => {}, signal?: AbortSignal,
): Promise<RecordFindings> {
  const marker = `__kafka-ir-probe-${randomUUID()}`;
  const probe = await probeBrokers(client, marker);
  const fold = new PrincipalActivity(principal);
  const scan = await source.scan({
    window, filter: { principal, marker }, onRecord: (r) => fold.add(r), awaitMarkers: probe.sent.map((s) => s.broker), onProgress, signal,
  });
  const names = await topicIdNames(client);
  const findings = fold.findings(names);
  const coverage = accessCoverage({
    window, brokers: probe.brokers, spans: scan.spans, markers: scan.markers, probeFailed: probe.failed, lines: scan.counts, sources: source.sources,
    reachable: { topics: [...new Set([...reachable, ...findings.reads.map((r) => r.topic), ...findings.written.map((w) => w.topic)])].sort(), createdAt: fold.createdAt },
  });
  const notes = [...scan.problems];
  for (const m of scan.markers) {
    const sent = probe.sent.find((s) => s.broker === m.broker);
    if (sent && Math.abs(m.at - sent.at) > SKEW_MS) {
      notes.push(`broker ${m.broker}'s ${m.log} log times are ${Math.round((m.at - sent.at) / 60_000)} min off kafka-ir's clock: check its clock, or accessLog.timeZone if its lines carry no offset`);
    }
  }
  const { lines } = coverage;
  if (lines.garbage || lines.truncated) notes.push(`${lines.garbage} line(s) were no log line and ${lines.truncated} were cut short: skipped`);
  for (const u of findings.unnamedReads) {
    notes.push(`topic id ${u.topicId} was read but no source names it (a topic deleted before its creation was logged)`
      + (findings.fetchAuthorized.length ? `; the authorizer let ${principal} fetch: ${findings.fetchAuthorized.join(', ')}` : ''));
  }
  return { ...findings, coverage, notes };
}
