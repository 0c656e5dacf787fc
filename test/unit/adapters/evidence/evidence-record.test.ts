// NDJSON evidence lines: JSON kept as JSON and masked by field path, text as UTF-8, anything else as base64.
import { describe, expect, it } from 'vitest';
import { evidenceLine } from '../../../../adapters/evidence/evidence-record.js';
import { byteSize } from '../../../../src/model/byte-size.js';

const msg = (value: Buffer | null, key: Buffer | null = null) => ({ topic: 't', partition: 0, offset: '7', timestamp: '1700000000000', key, value, headers: { trace: Buffer.from('abc') } });

describe('evidenceLine', () => {
  it('keeps JSON values as JSON and masks field paths, through arrays', () => {
    const value = Buffer.from(JSON.stringify({ user: 'ann', card: { number: '4111', exp: '12/30' }, items: [{ sku: 'a', price: 3 }, { sku: 'b' }] }));
    const line = JSON.parse(evidenceLine(msg(value, Buffer.from('k1')), ['card.number', 'items.price', 'absent.path']));
    expect(line).toEqual({
      topic: 't', partition: 0, offset: 7, timestamp: 1700000000000, key: 'k1', keyEncoding: 'utf8', valueEncoding: 'json',
      value: { user: 'ann', card: { number: '***', exp: '12/30' }, items: [{ sku: 'a', price: '***' }, { sku: 'b' }] },
      headers: [{ key: 'trace', value: 'abc', encoding: 'utf8' }],
    });
  });

  it('stores text as UTF-8, invalid UTF-8 as base64, and a null value as null', () => {
    expect(JSON.parse(evidenceLine(msg(Buffer.from('héllo')), []))).toMatchObject({ value: 'héllo', valueEncoding: 'utf8' });
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0x80]);
    expect(JSON.parse(evidenceLine(msg(binary, binary), []))).toMatchObject({ value: binary.toString('base64'), valueEncoding: 'base64', keyEncoding: 'base64' });
    expect(JSON.parse(evidenceLine(msg(null), []))).toMatchObject({ value: null, key: null });
  });
});

describe('byteSize', () => {
  it('reads binary and decimal units and plain numbers', () => {
    expect([byteSize('1GiB'), byteSize('10MB'), byteSize('512KiB'), byteSize(42)]).toEqual([1024 ** 3, 10_000_000, 524_288, 42]);
    expect(() => byteSize('1 lots')).toThrow(/not a size/);
  });
});
