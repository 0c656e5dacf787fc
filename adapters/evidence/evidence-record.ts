// One captured Kafka message as an NDJSON line: JSON values kept as JSON (masked by field path), else UTF-8, else base64.

const MASK = '***';
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Header values as Kafka clients hand them over: bytes or text, one or repeated. */
type Headers = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

export interface RawMessage {
  topic: string; partition: number; offset: string; timestamp: string;
  key: Buffer | null; value: Buffer | null; headers?: Headers;
}

function asText(bytes: Buffer): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function encodeBytes(bytes: Buffer | null): { value: string | null; encoding: 'utf8' | 'base64' } {
  if (bytes === null) return { value: null, encoding: 'utf8' };
  const text = asText(bytes);
  return text === undefined ? { value: bytes.toString('base64'), encoding: 'base64' } : { value: text, encoding: 'utf8' };
}

function maskPath(node: unknown, path: string[]): void {
  if (Array.isArray(node)) {
    for (const item of node) maskPath(item, path);
    return;
  }
  if (node === null || typeof node !== 'object' || path.length === 0) return;
  const [head, ...rest] = path as [string, ...string[]];
  const obj = node as Record<string, unknown>;
  if (!(head in obj)) return;
  if (rest.length === 0) obj[head] = MASK;
  else maskPath(obj[head], rest);
}

function encodeValue(bytes: Buffer | null, mask: string[]): { value: unknown; valueEncoding: 'json' | 'utf8' | 'base64' } {
  if (bytes === null) return { value: null, valueEncoding: 'utf8' };
  const text = asText(bytes);
  if (text === undefined) return { value: bytes.toString('base64'), valueEncoding: 'base64' };
  try {
    const json: unknown = JSON.parse(text);
    for (const path of mask) maskPath(json, path.split('.'));
    return { value: json, valueEncoding: 'json' };
  } catch {
    return { value: text, valueEncoding: 'utf8' };
  }
}

/** The NDJSON line (with its newline) for one message; field order is fixed so equal data hashes equally. */
export function evidenceLine(m: RawMessage, mask: string[]): string {
  const key = encodeBytes(m.key);
  const headers = Object.entries(m.headers ?? {}).flatMap(([name, v]) =>
    (Array.isArray(v) ? v : [v]).map((one) => {
      const h = encodeBytes(one === undefined ? null : Buffer.from(one));
      return { key: name, value: h.value, encoding: h.encoding };
    }));
  return `${JSON.stringify({
    topic: m.topic, partition: m.partition, offset: Number(m.offset), timestamp: Number(m.timestamp),
    key: key.value, keyEncoding: key.encoding, ...encodeValue(m.value, mask), headers,
  })}\n`;
}
