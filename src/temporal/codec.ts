// The payload codec: AES-256-GCM over every payload Temporal stores (DESIGN §4); keys come from KAFKA_IR_PAYLOAD_KEY via config.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import protobuf from 'protobufjs';
import type { PayloadKey } from '../payload-keys.js';
import { KafkaIrError } from '../model/errors.js';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
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

const encodingOf = (payload: Payload) => (payload.metadata?.encoding ? read.decode(payload.metadata.encoding) : undefined);

export class EncryptionCodec implements PayloadCodec {
  private readonly byId: ReadonlyMap<string, PayloadKey>;
  private readonly current: PayloadKey;

  /** The first key encrypts; every key decrypts, so a rotated-out key still reads older histories. */
  constructor(keys: readonly PayloadKey[]) {
    if (!keys[0]) throw new KafkaIrError('INVALID_CONFIG', 'the payload codec needs at least one key', 'set KAFKA_IR_PAYLOAD_KEY');
    this.current = keys[0];
    this.byId = new Map(keys.map((k) => [k.id, k]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
      const plain = WirePayload.encode({ metadata: payload.metadata ?? {}, data: payload.data ?? new Uint8Array() }).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: text.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: text.encode(this.current.id) }, data };
    });
  }

  /** Payloads that were never encrypted (histories from before the key, test fixtures) pass through untouched. */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (encodingOf(payload) === ENCRYPTED_ENCODING ? this.decrypt(payload) : payload));
  }

  private decrypt(payload: Payload): Payload {
    const idBytes = payload.metadata?.[KEY_ID_METADATA];
    const id = idBytes ? read.decode(idBytes) : '';
    const key = this.byId.get(id);
    if (!key) {
      throw new KafkaIrError('INVALID_CONFIG', `a payload is encrypted with key id '${id}', which KAFKA_IR_PAYLOAD_KEY does not hold`,
        'keep retired keys after the current one in KAFKA_IR_PAYLOAD_KEY until no history needs them');
    }
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES) throw unreadable(id);
    const decipher = createDecipheriv('aes-256-gcm', key.key, data.subarray(0, IV_BYTES));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw unreadable(id);
    }
    const decoded = WirePayload.toObject(WirePayload.decode(plain)) as { metadata?: Record<string, Uint8Array>; data?: Uint8Array };
    return { metadata: decoded.metadata ?? {}, data: decoded.data ?? new Uint8Array() };
  }
}

const unreadable = (id: string) => new KafkaIrError('INVALID_CONFIG', `a payload encrypted with key id '${id}' failed authentication`,
  'it was altered, or the key under that id in KAFKA_IR_PAYLOAD_KEY is not the one that encrypted it');
