// The engine's seal (HMAC-SHA256, key outside Temporal) on incident starts and updates: made by the edge, checked for the workflow by an activity. Never logs a key.
import { createHmac, createSecretKey, hkdfSync, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Seal } from '../src/model/engine-seal.js';
import { KafkaIrError } from '../src/model/errors.js';

const MAC_BYTES = 32;

/**
 * JSON with every object's keys sorted and undefined fields left out, as the request will look after Temporal's JSON
 * payload converter: the edge seals the object it sends, the workflow hands back the object it received.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v);
}

export class EngineSeal {
  /** `keys[0]` seals; every key is accepted when checking, so a key can be rotated without refusing requests in flight. */
  constructor(private readonly keys: readonly KeyObject[]) {
    if (keys.length === 0) throw new KafkaIrError('INVALID_CONFIG', 'the engine seal has no key', 'set KAFKA_IR_DECISION_KEY');
  }

  seal(subject: Record<string, unknown>, at: Date = new Date()): Seal {
    const time = at.toISOString();
    return { at: time, mac: this.mac(this.keys[0]!, subject, time).toString('base64url') };
  }

  /** True when `seal` was made by this engine (any of its keys) over `subject`; its time is checked by the workflow. */
  check(subject: Record<string, unknown>, seal: Seal): boolean {
    const given = Buffer.from(seal.mac, 'base64url');
    // The length of a MAC is no secret; its bytes are compared in constant time.
    return given.length === MAC_BYTES && this.keys.some((key) => timingSafeEqual(given, this.mac(key, subject, seal.at)));
  }

  private mac(key: KeyObject, subject: Record<string, unknown>, at: string): Buffer {
    return createHmac('sha256', key).update(canonicalJson({ ...subject, sealedAt: at })).digest();
  }
}

export type SealKeySource = 'KAFKA_IR_DECISION_KEY' | 'KAFKA_IR_PAYLOAD_KEY' | 'key file';

/**
 * The seal's keys: KAFKA_IR_DECISION_KEY when set; else derived (HKDF) from each KAFKA_IR_PAYLOAD_KEY, which every
 * engine of a deployment already shares; else a random key kept in `<dataDir>/engine-seal.key` (0600), made on first
 * start, which serves the engines of one machine.
 */
export function sealKeys(given: { decisionKeys?: readonly KeyObject[]; payloadKeys?: readonly { key: KeyObject }[]; dataDir: string }): { keys: KeyObject[]; source: SealKeySource; file?: string } {
  if (given.decisionKeys?.length) return { keys: [...given.decisionKeys], source: 'KAFKA_IR_DECISION_KEY' };
  if (given.payloadKeys?.length) {
    const keys = given.payloadKeys.map(({ key }) => createSecretKey(Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'kafka-ir engine seal v1', 32))));
    return { keys, source: 'KAFKA_IR_PAYLOAD_KEY' };
  }
  const file = join(given.dataDir, 'engine-seal.key');
  return { keys: [createSecretKey(keyFile(file))], source: 'key file', file };
}

/** Reads the key file, or makes it: written aside and linked into place, so engines starting together agree on one key. */
function keyFile(file: string): Buffer {
  try {
    return decodeKey(readFileSync(file, 'utf8'), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(aside, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  try {
    linkSync(aside, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(aside);
  }
  return decodeKey(readFileSync(file, 'utf8'), file);
}

function decodeKey(text: string, file: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length < 32) {
    throw new KafkaIrError('INVALID_CONFIG', `${file} does not hold a key of at least 32 bytes in base64`,
      'delete it to have a new one made (requests in flight are then refused once), or set KAFKA_IR_DECISION_KEY');
  }
  return key;
}
