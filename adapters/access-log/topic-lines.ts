// Access records a shipper put on a Kafka topic: one line per message, raw or in a JSON envelope, its broker named by key or field.
import type { AccessLogTopic } from '../../src/model/access-log-settings.js';
import type { AccessLineParser } from './access-line-parser.js';

export interface ShippedMessage { key: Buffer | null; value: Buffer | null; partition: number; offset: string }

/** Reads a topic for the source; implemented over a Kafka client and injected (this module imports no Kafka library). */
export interface TopicMessages {
  /**
   * Calls `onMessage` for every message of `topic` from the first at or after `from` (epoch ms) to the end as it
   * was when the read began, then for newer ones while `more()` holds, for up to `waitMs` more.
   */
  read(topic: string, options: {
    from: number; more: () => boolean; waitMs: number; signal?: AbortSignal; onMessage: (m: ShippedMessage) => void;
  }): Promise<void>;
}

export interface TopicScanOptions {
  from: number;
  more: () => boolean;
  waitMs: number;
  signal?: AbortSignal;
  onBytes: (n: number) => void;
}

/** The value at a dotted path of a JSON object ("host.name"). */
function field(json: unknown, path: string): unknown {
  let v = json;
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

export async function scanTopic(
  messages: TopicMessages, topic: AccessLogTopic, names: Record<string, number>, parser: AccessLineParser, options: TopicScanOptions,
): Promise<{ problems: string[] }> {
  const unplaced = new Map<string, number>();
  const pattern = typeof topic.broker === 'object' && topic.broker.pattern ? new RegExp(topic.broker.pattern) : undefined;
  const brokerOf = (name: string | undefined): number | undefined => {
    if (name === undefined) return undefined;
    const text = pattern ? pattern.exec(name)?.[1] : name;
    if (text === undefined) return undefined;
    return /^\d+$/.test(text) ? Number(text) : names[text];
  };
  const unplace = (why: string) => unplaced.set(why, (unplaced.get(why) ?? 0) + 1);
  await messages.read(topic.name, {
    from: options.from, more: options.more, waitMs: options.waitMs, signal: options.signal,
    onMessage: (m) => {
      if (!m.value) return;
      options.onBytes(m.value.length);
      const source = `${topic.name}/${m.partition}@${m.offset}`;
      let line = m.value;
      let envelope: unknown;
      if (line[0] === 0x7b) {
        try {
          envelope = JSON.parse(line.toString('utf8'));
        } catch {
          parser.counts.garbage++;
          return;
        }
        const inner = field(envelope, 'message') ?? field(envelope, 'log');
        if (typeof inner !== 'string') { parser.counts.garbage++; return; }
        line = Buffer.from(inner.trimEnd());
      }
      const named = topic.broker === 'key' ? m.key?.toString('utf8') : field(envelope, topic.broker.field);
      const broker = brokerOf(typeof named === 'string' || typeof named === 'number' ? String(named) : undefined);
      if (broker === undefined) {
        unplace(topic.broker === 'key' ? `key ${JSON.stringify(m.key?.toString('utf8') ?? null)}` : `field ${topic.broker.field} = ${JSON.stringify(named ?? null)}`);
        return;
      }
      let end = line.length;
      while (end > 0 && (line[end - 1] === 10 || line[end - 1] === 13)) end--;
      // A message holds one line; one with more (a shipper that batched) is split.
      parser.lines(line, 0, end, broker, source, 0);
    },
  });
  return {
    problems: [...unplaced].map(([why, n]) => `${topic.name}: ${n} message(s) name no known broker (${why}): set accessLog.topic.broker or accessLog.brokers`),
  };
}
