// What an HEC answer means for the sender: accepted, one bad event in the batch, worth retrying, or configuration to fix.
import { KafkaIrError } from '../../src/model/errors.js';

export type HecOutcome =
  | { kind: 'ok' }
  /** `index`: the zero-based place in the batch of the first event HEC refused ("invalid-event-number"). */
  | { kind: 'bad-event'; index: number; reason: string }
  | { kind: 'retry'; reason: string }
  | { kind: 'fatal'; error: KafkaIrError };

interface HecBody { text?: unknown; code?: unknown; 'invalid-event-number'?: unknown }

/** Splunk's HEC status codes that say "busy or broken, come back later" (8 internal error, 9 busy, 18-20 unhealthy). */
const BUSY = new Set([8, 9, 18, 19, 20]);
/** 1 token disabled, 2 token required, 3 invalid authorization, 4 invalid token. */
const TOKEN_HINTS: Record<number, string> = {
  1: 'the token is disabled: enable it in Splunk (Settings > Data inputs > HTTP Event Collector)',
  2: 'set SPLUNK_HEC_TOKEN to an HEC token (kafka-ir sends it as "Authorization: Splunk <token>")',
  3: 'check SPLUNK_HEC_TOKEN: Splunk did not accept the Authorization header',
  4: 'SPLUNK_HEC_TOKEN is not a token this HEC knows: copy it again from Settings > Data inputs > HTTP Event Collector',
};

function parse(body: string): HecBody {
  try {
    const json: unknown = JSON.parse(body);
    return json !== null && typeof json === 'object' ? (json as HecBody) : {};
  } catch {
    return {};
  }
}

/** `index` is the index events name (undefined: the token's default), for the message. */
export function classifyHecResponse(status: number, body: string, index?: string): HecOutcome {
  const json = parse(body);
  const code = typeof json.code === 'number' ? json.code : undefined;
  const text = typeof json.text === 'string' ? json.text : body.slice(0, 200) || `HTTP ${status}`;
  const said = `Splunk HEC answered ${status}: ${text}${code === undefined ? '' : ` (code ${code})`}`;
  if (status >= 200 && status < 300 && (code === undefined || code === 0)) return { kind: 'ok' };
  if (code !== undefined && TOKEN_HINTS[code]) return { kind: 'fatal', error: new KafkaIrError('SIEM_REJECTED', said, TOKEN_HINTS[code]) };
  if (status === 401 || status === 403) return { kind: 'fatal', error: new KafkaIrError('SIEM_REJECTED', said, TOKEN_HINTS[4]) };
  if (code === 7) {
    return {
      kind: 'fatal',
      error: new KafkaIrError('SIEM_REJECTED', said, index
        ? `the token may not write to index "${index}": add it to the token's allowed indexes, or change SPLUNK_HEC_INDEX`
        : "the token's default index is not usable: set SPLUNK_HEC_INDEX to an index the token may write to"),
    };
  }
  if (status >= 500 || status === 429 || (code !== undefined && BUSY.has(code))) return { kind: 'retry', reason: said };
  const bad = json['invalid-event-number'];
  if (status === 400 && typeof bad === 'number' && Number.isInteger(bad) && bad >= 0) return { kind: 'bad-event', index: bad, reason: said };
  return {
    kind: 'fatal',
    error: new KafkaIrError('SIEM_REJECTED', said, status === 404
      ? 'check SPLUNK_HEC_URL: the HEC base URL, such as https://splunk.example:8088'
      : 'Splunk refused the request as a whole; check the HEC settings (SPLUNK_HEC_URL, SPLUNK_HEC_TOKEN)'),
  };
}
