// A workflow history as plain JSON with its payloads decoded: what reports read and archives keep (decoding: src/report/decode-history.ts).

/** One history event in Temporal's JSON form (eventId, eventTime, eventType, <kind>EventAttributes), payloads decoded. */
export type DecodedEvent = { eventId: string; eventTime: string; eventType: string } & Record<string, unknown>;
export interface DecodedHistory { events: DecodedEvent[] }
