// The payload codec: AES-256-GCM over every payload Temporal stores (docs/design.md §4); keys come from KAFKA_IR_PAYLOAD_KEY via config.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import protobuf from 'protobufjs';
import type { PayloadKey } from '../payload-keys.js';
import { KafkaIrError } from '../model/errors.js';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** What a refused plaintext payload decodes to: no converter knows it, so the workflow never sees the content (an update is rejected). */
export const REFUSED_ENCODING = 'binary/plaintext-refused';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const text = new TextEncoder();
const read = new TextDecoder();

// The plaintext is the original payload in Temporal's own wire format (temporal.api.common.v1.Payload), as in
// Temporal's encryption samples, so any SDK holding the key can decode it.
const WirePayload = new protobuf.Type('Payload')
  .add(new protobuf.MapField('metadata', 1, 'string', 'bytes'))
  .add(new protobuf.Field('data', 2, 'bytes'));
new protobuf.Root().define('temporal.api.common.v1').add(WirePayload);

/**
 * A payload the codec could not (or would not) decode. `unknown-key`, `failed-authentication` and `no-key` stall the
 * incident until the keys are right; `plaintext` is a payload written without the key (refused, not passed).
 */
export interface UndecodablePayload {
  kind: 'unknown-key' | 'failed-authentication' | 'no-key' | 'plaintext';
  keyId?: string;
  workflowId?: string;
  message: string;
}

const encodingOf = (payload: Payload) => (payload.metadata?.encoding ? read.decode(payload.metadata.encoding) : undefined);

/**
 * Temporal's own bookkeeping, written by the SDK's core or the server and never through a codec: typed search
 * attributes (they carry a `type`; the server indexes them) and the details of a patch marker.
 */
function temporalOwn(payload: Payload): boolean {
  if (payload.metadata?.type) return true;
  if (encodingOf(payload) !== 'json/plain') return false;
  try {
    const value = JSON.parse(read.decode(payload.data ?? new Uint8Array())) as Record<string, unknown>;
    return Object.keys(value).sort().join() === 'deprecated,id' && typeof value.id === 'string' && typeof value.deprecated === 'boolean';
  } catch {
    return false;
  }
}

export class EncryptionCodec implements PayloadCodec {
  private readonly byId: ReadonlyMap<string, PayloadKey>;
  private readonly current: PayloadKey | undefined;

  /**
   * The first key encrypts; every key decrypts, so a rotated-out key still reads older histories. With no key the
   * codec encrypts nothing and only reports encrypted payloads it cannot read. `onUndecodable` hears every refusal.
   */
  constructor(keys: readonly PayloadKey[], private readonly onUndecodable: (problem: UndecodablePayload) => void = () => {}) {
    this.current = keys[0];
    this.byId = new Map(keys.map((k) => [k.id, k]));
  }

  /** Whether payloads are encrypted (a key is set). */
  get encrypts(): boolean {
    return this.current !== undefined;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.current;
    if (!key) return payloads;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key.key, iv);
      const plain = WirePayload.encode({ metadata: payload.metadata ?? {}, data: payload.data ?? new Uint8Array() }).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: text.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: text.encode(key.id) }, data };
    });
  }

  /**
   * With a key, a payload that is not encrypted is refused: anyone with Temporal access could otherwise start an
   * incident or send an update in plain text. Temporal's own plain payloads pass; without a key everything plain does.
   */
  async decode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    const workflowId = context?.workflowId;
    return payloads.map((payload) => {
      if (encodingOf(payload) === ENCRYPTED_ENCODING) return this.decrypt(payload, workflowId);
      if (!this.current || temporalOwn(payload)) return payload;
      this.onUndecodable({ kind: 'plaintext', workflowId, message: `a payload of ${workflowId ?? 'a workflow'} is not encrypted, so it was refused` });
      return { metadata: { encoding: text.encode(REFUSED_ENCODING) }, data: new Uint8Array() };
    });
  }

  private decrypt(payload: Payload, workflowId: string | undefined): Payload {
    const idBytes = payload.metadata?.[KEY_ID_METADATA];
    const id = idBytes ? read.decode(idBytes) : '';
    const refuse = (kind: UndecodablePayload['kind'], error: KafkaIrError) => {
      this.onUndecodable({ kind, keyId: id, workflowId, message: error.message });
      return error;
    };
    if (!this.current) {
      throw refuse('no-key', new KafkaIrError('INVALID_CONFIG', `a payload is encrypted with key id '${id}', and KAFKA_IR_PAYLOAD_KEY is not set`,
        'set KAFKA_IR_PAYLOAD_KEY to the keys that encrypted this history'));
    }
    const key = this.byId.get(id);
    if (!key) {
      throw refuse('unknown-key', new KafkaIrError('INVALID_CONFIG', `a payload is encrypted with key id '${id}', which KAFKA_IR_PAYLOAD_KEY does not hold`,
        'keep retired keys after the current one in KAFKA_IR_PAYLOAD_KEY until no history needs them'));
    }
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES) throw refuse('failed-authentication', unreadable(id));
    const decipher = createDecipheriv('aes-256-gcm', key.key, data.subarray(0, IV_BYTES));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw refuse('failed-authentication', unreadable(id));
    }
    const decoded = WirePayload.toObject(WirePayload.decode(plain)) as { metadata?: Record<string, Uint8Array>; data?: Uint8Array };
    return { metadata: decoded.metadata ?? {}, data: decoded.data ?? new Uint8Array() };
  }
}

const unreadable = (id: string) => new KafkaIrError('INVALID_CONFIG', `a payload encrypted with key id '${id}' failed authentication`,
  'it was altered, or the key under that id in KAFKA_IR_PAYLOAD_KEY is not the one that encrypted it');
