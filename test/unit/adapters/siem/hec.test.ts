// The pure parts of siem.export: Splunk's documented answers classified, batching, the HEC envelope, the progress meter.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { batchBody, batches, type PendingEvent } from '../../../../adapters/siem/hec-batches.js';
import { hecEvent } from '../../../../adapters/siem/hec-event.js';
import { classifyHecResponse } from '../../../../adapters/siem/hec-response.js';
import { eventEndpoint } from '../../../../adapters/siem/hec-sender.js';
import { estimate, formatDuration, renderBar } from '../../../../src/cli/progress-meter.js';
import { parseConcatenated } from '../../../support/hec-stand-in.js';

const fixture = (name: string) => {
  const f = JSON.parse(readFileSync(`test/fixtures/splunk/${name}.json`, 'utf8')) as { status: number; body: unknown };
  return classifyHecResponse(f.status, JSON.stringify(f.body), 'security');
};

describe('classifyHecResponse on Splunk\'s documented answers', () => {
  it('success is ok; busy is retried; a refused event is named by its zero-based place', () => {
    expect(fixture('success')).toEqual({ kind: 'ok' });
    expect(fixture('server-busy')).toMatchObject({ kind: 'retry', reason: expect.stringContaining('Server is busy (code 9)') });
    expect(fixture('invalid-data-format')).toMatchObject({ kind: 'bad-event', index: 2 });
    expect(fixture('event-field-required')).toMatchObject({ kind: 'bad-event', index: 0 });
    expect(classifyHecResponse(502, '<html>bad gateway</html>')).toMatchObject({ kind: 'retry' });
  });

  it('token and index errors are configuration: not retryable, with a hint', () => {
    for (const [name, hint] of [['invalid-token', /SPLUNK_HEC_TOKEN/], ['token-required', /SPLUNK_HEC_TOKEN/], ['incorrect-index', /index "security"/]] as const) {
      const outcome = fixture(name);
      expect(outcome.kind).toBe('fatal');
      if (outcome.kind !== 'fatal') continue;
      expect(outcome.error).toMatchObject({ code: 'SIEM_REJECTED', retryable: false, hint: expect.stringMatching(hint) });
    }
    expect(classifyHecResponse(404, 'not found')).toMatchObject({ kind: 'fatal', error: { hint: expect.stringContaining('SPLUNK_HEC_URL') } });
  });
});

describe('batches', () => {
  const ev = (i: number, size = 10): PendingEvent => ({ file: 'f', line: i, body: JSON.stringify({ event: 'x'.repeat(size) }) });
  const all = async (it: AsyncIterable<PendingEvent[]>) => { const out: PendingEvent[][] = []; for await (const b of it) out.push(b); return out; };

  it('cuts by count and by bytes, keeps order, and sends an oversized event alone', async () => {
    expect((await all(batches([1, 2, 3, 4, 5].map((i) => ev(i)), { maxBytes: 1e6, maxEvents: 2 }))).map((b) => b.map((e) => e.line))).toEqual([[1, 2], [3, 4], [5]]);
    const size = Buffer.byteLength(ev(0).body);
    expect((await all(batches([1, 2, 3].map((i) => ev(i)), { maxBytes: 2 * size, maxEvents: 100 }))).map((b) => b.length)).toEqual([2, 1]);
    expect((await all(batches([ev(1), ev(2, 500), ev(3)], { maxBytes: 100, maxEvents: 100 }))).map((b) => b.map((e) => e.line))).toEqual([[1], [2], [3]]);
  });

  it('a body is the events as concatenated JSON objects, not an array', () => {
    const body = batchBody([ev(1), ev(2)]);
    expect(body.startsWith('[')).toBe(false);
    expect(parseConcatenated(body)).toEqual([{ event: 'x'.repeat(10) }, { event: 'x'.repeat(10) }]);
  });
});

describe('hecEvent', () => {
  it('wraps the record with time in epoch seconds, the topic as source, and the index only when set', () => {
    const line = JSON.stringify({ topic: 'orders', partition: 0, offset: 7, timestamp: 1767225600123, value: 'v' });
    expect(JSON.parse(hecEvent(line, { host: 'h', sourcetype: 'st' })!)).toEqual({
      time: 1767225600.123, host: 'h', source: 'kafka:orders', sourcetype: 'st', event: JSON.parse(line),
    });
    expect(JSON.parse(hecEvent(line, { host: 'h', sourcetype: 'st', index: 'sec' })!).index).toBe('sec');
    expect(hecEvent('not json', { host: 'h', sourcetype: 'st' })).toBeUndefined();
    expect(hecEvent('{"topic":"t"}', { host: 'h', sourcetype: 'st' })).toBeUndefined();
  });

  it('finds the event endpoint from a base URL or takes the endpoint as given', () => {
    expect(eventEndpoint('https://splunk:8088')).toBe('https://splunk:8088/services/collector/event');
    expect(eventEndpoint('https://splunk:8088/services/collector')).toBe('https://splunk:8088/services/collector/event');
    expect(eventEndpoint('https://splunk:8088/services/collector/event')).toBe('https://splunk:8088/services/collector/event');
  });
});

describe('progress meter', () => {
  it('estimates rate and time left, and renders count, MB, rate and ETA', () => {
    expect(estimate({ done: 50, bytes: 0 }, 200, 10_000)).toEqual({ rate: 5, etaSeconds: 30, fraction: 0.25 });
    expect(estimate({ done: 0, bytes: 0 }, 10, 0).etaSeconds).toBe(Infinity);
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(renderBar('reading', 'messages', { done: 50, bytes: 2_500_000 }, 200, 10_000, 8))
      .toBe('reading [##------] 25% 50/200 messages  2.5 MB  5 messages/s  ETA 00:30');
  });
});
