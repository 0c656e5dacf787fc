import { appendFileSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AlertLog } from '../../../../adapters/intake-log/alert-log.js';

const dir = () => join(mkdtempSync(join(tmpdir(), 'alert-log-')), 'intake');

describe('the intake log', () => {
  it('commits appends in groups and hands back, after a reopen, exactly what was written and never marked delivered', async () => {
    const where = dir();
    const log = await AlertLog.open<{ n: number }>(where);
    const appended = Array.from({ length: 100 }, (_, n) => log.append(() => ({ n })));
    await Promise.all(appended.map((a) => log.durable(a.seq)));
    expect(appended.every((a) => log.isDurable(a.seq))).toBe(true);
    log.delivered(appended.slice(0, 60).map((a) => a.seq));
    await log.close();

    const again = await AlertLog.open<{ n: number }>(where);
    expect(again.id).toBe(log.id);
    expect(again.takeReplay().map((r) => r.record.n)).toEqual(Array.from({ length: 40 }, (_, i) => 60 + i));
    // Numbering goes on: an incident that counted seq 99 from this log would otherwise drop the next alert.
    expect(again.append(() => ({ n: 100 })).seq).toBe(100);
    await again.close();
  });

  it('skips a torn last line (a crash mid-write: that alert was never answered 202)', async () => {
    const where = dir();
    const log = await AlertLog.open<{ n: number }>(where);
    await log.durable(log.append(() => ({ n: 1 })).seq);
    await log.close();
    const segment = readdirSync(where).find((n) => n.startsWith('segment-'))!;
    appendFileSync(join(where, segment), '{"s":1,"r":{"n":');
    const again = await AlertLog.open<{ n: number }>(where);
    expect(again.takeReplay().map((r) => r.record)).toEqual([{ n: 1 }]);
    await again.close();
  });

  it('deletes a closed segment once all its alerts are delivered, and the whole directory on a close with nothing left', async () => {
    const where = dir();
    const log = await AlertLog.open<{ n: number }>(where);
    const a = log.append(() => ({ n: 1 }));
    await log.durable(a.seq);
    await log.close();
    const again = await AlertLog.open<{ n: number }>(where);
    expect(readdirSync(where).filter((n) => n.startsWith('segment-'))).toHaveLength(2);
    again.delivered([again.takeReplay()[0]!.seq]);
    await again.close();
    expect(readdirSync(where).filter((n) => n.startsWith('segment-'))).toHaveLength(1);
    const third = await AlertLog.open<{ n: number }>(where);
    expect(third.takeReplay()).toEqual([]);
    await third.close(true);
    expect(existsSync(where)).toBe(false);
  });

  it('refuses a directory another live engine holds, naming it and what to change', async () => {
    const where = dir();
    const log = await AlertLog.open(where);
    await expect(AlertLog.open(where)).rejects.toThrow(/held by another engine.*KAFKA_IR_DATA_DIR/);
    await log.close();
    // A lock left by a process that is gone (a SIGKILL) is taken over.
    writeFileSync(join(where, 'lock'), '999999999\n');
    await (await AlertLog.open(where)).close(true);
  });
});
