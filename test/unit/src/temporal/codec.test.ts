// The payload codec: AES-256-GCM round trips, key rotation, plaintext refused (Temporal's own passes), tamper detection, and KAFKA_IR_PAYLOAD_KEY validation.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { loadConfig } from '../../../../src/config.js';
import { EncryptionCodec, REFUSED_ENCODING, type UndecodablePayload } from '../../../../src/temporal/codec.js';

const keyText = () => randomBytes(32).toString('base64');
const keysOf = (value: string) => loadConfig({ KAFKA_BROKERS: '127.0.0.1:9092', KAFKA_IR_PAYLOAD_KEY: value }).payloadKeys!;
const utf8 = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');
const meta = (p: Payload, key: string) => utf8(p.metadata?.[key]);

const secret = { principal: 'User:exfil-bot', summary: 'reads the payroll topic at 3 a.m.' };
const plain = () => defaultPayloadConverter.toPayload(secret);

function configError(value: string): string {
  try {
    keysOf(value);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected KAFKA_IR_PAYLOAD_KEY to be refused');
}

describe('EncryptionCodec', () => {
  it('encrypts a payload so none of its text remains, and decrypts it back exactly', async () => {
    const codec = new EncryptionCodec(keysOf(`k1:${keyText()}`));
    const original = plain();
    const [encrypted] = await codec.encode([original]);
    expect(meta(encrypted!, 'encoding')).toBe('binary/encrypted');
    expect(meta(encrypted!, 'encryption-key-id')).toBe('k1');
    expect(Object.keys(encrypted!.metadata!)).toEqual(['encoding', 'encryption-key-id']);
    expect(Buffer.from(encrypted!.data!).toString('latin1')).not.toContain('exfil-bot');
    expect(Buffer.from(encrypted!.data!).toString('latin1')).not.toContain('json/plain');

    const [decoded] = await codec.decode([encrypted!]);
    expect(meta(decoded!, 'encoding')).toBe('json/plain');
    expect(utf8(decoded!.data)).toBe(utf8(original.data));
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(secret);
  });

  it('uses a fresh IV per payload: the same value encrypts differently each time', async () => {
    const codec = new EncryptionCodec(keysOf(`k1:${keyText()}`));
    const [a, b] = await codec.encode([plain(), plain()]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
    expect(Buffer.from(a!.data!).subarray(0, 12).equals(Buffer.from(b!.data!).subarray(0, 12))).toBe(false);
  });

  it('round-trips an empty payload', async () => {
    const codec = new EncryptionCodec(keysOf(`k1:${keyText()}`));
    const empty = defaultPayloadConverter.toPayload(undefined);
    const [decoded] = await codec.decode(await codec.encode([empty]));
    expect(meta(decoded!, 'encoding')).toBe('binary/null');
    expect(defaultPayloadConverter.fromPayload(decoded!)).toBeUndefined();
  });

  it('encrypts with the first key and still decrypts with an older key after rotation', async () => {
    const oldKey = keyText();
    const before = new EncryptionCodec(keysOf(`2025:${oldKey}`));
    const [old] = await before.encode([plain()]);

    const after = new EncryptionCodec(keysOf(`2026:${keyText()}, 2025:${oldKey}`));
    const [fresh] = await after.encode([plain()]);
    expect(meta(fresh!, 'encryption-key-id')).toBe('2026');
    expect(defaultPayloadConverter.fromPayload((await after.decode([old!]))[0]!)).toEqual(secret);
    expect(defaultPayloadConverter.fromPayload((await after.decode([fresh!]))[0]!)).toEqual(secret);
  });

  it('refuses a payload that was never encrypted: its content never reaches the converter, and the refusal names the workflow', async () => {
    const heard: UndecodablePayload[] = [];
    const codec = new EncryptionCodec(keysOf(`k1:${keyText()}`), (p) => heard.push(p));
    const [decoded] = await codec.decode([plain()], { type: 'workflow', namespace: 'default', workflowId: 'ir-x-0123456789abcdef' });
    expect(meta(decoded!, 'encoding')).toBe(REFUSED_ENCODING);
    expect(utf8(decoded!.data)).toBe('');
    expect(() => defaultPayloadConverter.fromPayload(decoded!)).toThrow(/Unknown encoding: binary\/plaintext-refused/);
    expect(heard).toEqual([expect.objectContaining({ kind: 'plaintext', workflowId: 'ir-x-0123456789abcdef' })]);
  });

  it("passes Temporal's own plain payloads: typed search attributes and patch marker details", async () => {
    const heard: UndecodablePayload[] = [];
    const codec = new EncryptionCodec(keysOf(`k1:${keyText()}`), (p) => heard.push(p));
    const searchAttribute = { metadata: { encoding: Buffer.from('json/plain'), type: Buffer.from('KeywordList') }, data: Buffer.from('["archive-at-close"]') };
    const patchMarker = defaultPayloadConverter.toPayload({ id: 'archive-at-close', deprecated: false });
    const lookalike = defaultPayloadConverter.toPayload({ id: 'archive-at-close', deprecated: false, person: 'ana' });
    const [a, b, c] = await codec.decode([searchAttribute, patchMarker, lookalike]);
    expect(a).toBe(searchAttribute);
    expect(b).toBe(patchMarker);
    expect(meta(c!, 'encoding')).toBe(REFUSED_ENCODING);
    expect(heard.map((h) => h.kind)).toEqual(['plaintext']);
  });

  it('without a key passes plain payloads and reports an encrypted one it cannot read', async () => {
    const heard: UndecodablePayload[] = [];
    const codec = new EncryptionCodec([], (p) => heard.push(p));
    expect(codec.encrypts).toBe(false);
    const original = plain();
    expect(await codec.encode([original])).toEqual([original]);
    expect((await codec.decode([original]))[0]).toBe(original);
    const [encrypted] = await new EncryptionCodec(keysOf(`k1:${keyText()}`)).encode([plain()]);
    await expect(codec.decode([encrypted!], { type: 'workflow', namespace: 'default', workflowId: 'wf-1' })).rejects.toThrow(/encrypted with key id 'k1', and KAFKA_IR_PAYLOAD_KEY is not set/);
    expect(heard).toEqual([expect.objectContaining({ kind: 'no-key', keyId: 'k1', workflowId: 'wf-1' })]);
  });

  it('names an unknown key id, never a key', async () => {
    const retired = keyText();
    const [old] = await new EncryptionCodec(keysOf(`retired:${retired}`)).encode([plain()]);
    const current = keyText();
    const heard: UndecodablePayload[] = [];
    const codec = new EncryptionCodec(keysOf(`current:${current}`), (p) => heard.push(p));
    const error = await codec.decode([old!], { type: 'workflow', namespace: 'default', workflowId: 'wf-2' }).then(() => undefined, (err: Error) => err);
    expect(heard).toEqual([expect.objectContaining({ kind: 'unknown-key', keyId: 'retired', workflowId: 'wf-2' })]);
    expect(error?.message).toMatch(/key id 'retired', which KAFKA_IR_PAYLOAD_KEY does not hold/);
    expect(error?.message).not.toContain(current);
    expect(error?.message).not.toContain(retired);
  });

  it('refuses tampered ciphertext (the GCM tag no longer matches)', async () => {
    const codec = new EncryptionCodec(keysOf(`k1:${keyText()}`));
    const [encrypted] = await codec.encode([plain()]);
    const data = Buffer.from(encrypted!.data!);
    data[20] = data[20]! ^ 0x01;
    await expect(codec.decode([{ ...encrypted!, data }])).rejects.toThrow(/key id 'k1' failed authentication/);
    // A payload decrypted with a different key under the same id fails the same way.
    const impostor = new EncryptionCodec(keysOf(`k1:${keyText()}`));
    await expect(impostor.decode([encrypted!])).rejects.toThrow(/failed authentication/);
  });
});

describe('KAFKA_IR_PAYLOAD_KEY', () => {
  it('is optional: unset means no keys', () => {
    expect(loadConfig({ KAFKA_BROKERS: '127.0.0.1:9092' }).payloadKeys).toBeUndefined();
  });

  it('keeps key material out of JSON (a logged config shows no key)', () => {
    const key = keyText();
    const keys = keysOf(`k1:${key}`);
    expect(keys.map((k) => k.id)).toEqual(['k1']);
    expect(JSON.stringify(keys)).not.toContain(key);
    expect(JSON.stringify(keys)).not.toContain(Buffer.from(key, 'base64').toString('hex'));
  });

  it('names each bad entry by position and what is wrong, without echoing any value', () => {
    const good = keyText();
    const short = randomBytes(16).toString('base64');
    const value = [`k1:${good}`, 'no-colon-here', `bad id!:${good}`, `k2:${short}`, 'k3:not*base64', `k1:${keyText()}`, ''].join(',');
    const message = configError(value);
    expect(message).toContain('KAFKA_IR_PAYLOAD_KEY: entry 2 is not <key id>:<base64 of 32 bytes>');
    expect(message).toContain('KAFKA_IR_PAYLOAD_KEY: entry 3 has a key id that is not');
    expect(message).toContain('KAFKA_IR_PAYLOAD_KEY: entry 4 has a key that is not base64 of exactly 32 bytes');
    expect(message).toContain('KAFKA_IR_PAYLOAD_KEY: entry 5 has a key that is not base64 of exactly 32 bytes');
    expect(message).toContain('KAFKA_IR_PAYLOAD_KEY: entry 6 repeats the key id of an earlier entry');
    expect(message).toContain('KAFKA_IR_PAYLOAD_KEY: entry 7 is not');
    expect(message).not.toMatch(/entry 1 /);
    for (const leaked of [good, short, 'no-colon-here', 'bad id!', 'not*base64']) expect(message).not.toContain(leaked);
  });
});
