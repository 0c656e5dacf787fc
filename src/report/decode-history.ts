// A workflow history as plain JSON with every payload decoded (codec, then payload converter): what reports and archives read.
import { historyToJSON, JSONToPayload, type History } from '@temporalio/common/lib/proto-utils.js';
import { decode } from '@temporalio/common/lib/internal-non-workflow/codec-helpers.js';
import type { LoadedDataConverter } from '@temporalio/common';
import type { DecodedEvent, DecodedHistory } from '../model/decoded-history.js';


const isPayload = (x: Record<string, unknown>): boolean => {
  const meta = x.metadata as Record<string, unknown> | undefined;
  return typeof meta === 'object' && meta !== null && typeof meta.encoding === 'string'
    && Object.keys(x).every((k) => k === 'metadata' || k === 'data' || k === 'externalPayloads');
};

async function decodePayload(json: Record<string, unknown>, converter: LoadedDataConverter): Promise<unknown> {
  try {
    const [payload] = await decode(converter.payloadCodecs, [JSONToPayload(json)]);
    return converter.payloadConverter.fromPayload(payload!);
  } catch (err) {
    // A payload this engine cannot read (a retired key) stays visibly unreadable rather than silently dropped.
    return { undecodable: err instanceof Error ? err.message : String(err) };
  }
}

async function walk(node: unknown, converter: LoadedDataConverter): Promise<unknown> {
  if (Array.isArray(node)) return Promise.all(node.map((n) => walk(n, converter)));
  if (typeof node !== 'object' || node === null) return node;
  const obj = node as Record<string, unknown>;
  if (isPayload(obj)) return decodePayload(obj, converter);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) out[key] = await walk(value, converter);
  return out;
}

/** Runs of one workflow chain (continue-as-new), oldest first, become one event list. */
export async function decodeHistories(histories: readonly History[], converter: LoadedDataConverter): Promise<DecodedHistory> {
  const events: DecodedEvent[] = [];
  for (const history of histories) {
    const json = JSON.parse(historyToJSON(history)) as { events?: unknown[] };
    events.push(...((await walk(json.events ?? [], converter)) as DecodedEvent[]));
  }
  return { events };
}
