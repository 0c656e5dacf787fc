// Email approval links: a signed token round-trips; any change to it, another key, expiry or garbage is refused with a reason.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { linkNonce, signLink, verifyLink, type LinkClaims } from '../../../../adapters/email/approval-link.js';

const SECRET = 'link-secret-for-unit-tests-0123456789abcdef';
const claims: LinkClaims = {
  incident: 'ir-data-exfiltration-0123456789abcdef-89abcdef',
  step: 'deny',
  planHash: 'a'.repeat(64),
  person: 'alice',
  expires: '2030-01-01T00:00:00.000Z',
  nonce: linkNonce(SECRET, 'ir-data-exfiltration-0123456789abcdef-89abcdef', 'deny', 'a'.repeat(64), 'alice'),
};
const NOW = new Date('2029-12-31T12:00:00Z');

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('approval links', () => {
  it('verifies what it signed, with every claim intact', () => {
    const token = signLink(SECRET, claims);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyLink(SECRET, token, NOW)).toEqual({ ok: true, claims });
  });

  it.each(Object.keys(claims) as (keyof LinkClaims)[])('refuses a link whose %s was changed, and still names the incident', (field) => {
    const [, signature] = signLink(SECRET, claims).split('.');
    const changed = { ...claims, [field]: field === 'expires' ? '2099-01-01T00:00:00.000Z' : `${claims[field]}x` };
    const verdict = verifyLink(SECRET, `${b64(changed)}.${signature}`, NOW);
    expect(verdict).toMatchObject({ ok: false, reason: 'tampered', claims: { incident: changed.incident, step: changed.step } });
    expect(verdict.ok === false && verdict.message).toMatch(/not carry a valid signature.*Nothing was decided/);
  });

  it('refuses a link signed with another secret, a truncated signature, and an extra claim', () => {
    const other = signLink('another-secret-of-at-least-32-characters!!', claims);
    expect(verifyLink(SECRET, other, NOW)).toMatchObject({ ok: false, reason: 'tampered', claims: { incident: claims.incident } });
    const token = signLink(SECRET, claims);
    expect(verifyLink(SECRET, token.slice(0, -4), NOW)).toMatchObject({ ok: false, reason: 'tampered' });
    const [body, signature] = token.split('.');
    const widened = b64({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), admin: true });
    expect(verifyLink(SECRET, `${widened}.${signature}`, NOW)).toMatchObject({ ok: false, reason: 'tampered' });
  });

  it('refuses an expired link, saying when it expired and how to decide instead', () => {
    const token = signLink(SECRET, { ...claims, expires: '2029-12-31T11:59:59.000Z' });
    const verdict = verifyLink(SECRET, token, NOW);
    expect(verdict).toMatchObject({ ok: false, reason: 'expired', claims: { incident: claims.incident, person: 'alice' } });
    expect(verdict.ok === false && verdict.message).toContain(`expired at 2029-12-31T11:59:59.000Z`);
    expect(verdict.ok === false && verdict.message).toContain(`kafka-ir approve ${claims.incident} --step deny`);
    expect(verifyLink(SECRET, token, new Date('2029-12-31T11:59:58Z')).ok).toBe(true);
  });

  it.each([
    ['empty', ''], ['no dot', 'abc'], ['three parts', 'a.b.c'], ['not base64url', 'a+b.c/d'], ['cut after the dot', `${b64(claims)}.`],
  ])('calls a %s token malformed', (_name, token) => {
    const verdict = verifyLink(SECRET, token, NOW);
    expect(verdict).toMatchObject({ ok: false, reason: 'malformed' });
    expect(verdict.ok === false && verdict.message).toMatch(/incomplete or damaged.*nothing was decided/);
  });

  it('calls correctly signed garbage malformed, not valid', () => {
    const body = Buffer.from('not json').toString('base64url');
    const signature = createHmac('sha256', SECRET).update(body).digest('base64url');
    expect(verifyLink(SECRET, `${body}.${signature}`, NOW)).toMatchObject({ ok: false, reason: 'malformed' });
    const partial = b64({ incident: claims.incident });
    const signed = createHmac('sha256', SECRET).update(partial).digest('base64url');
    expect(verifyLink(SECRET, `${partial}.${signed}`, NOW)).toMatchObject({ ok: false, reason: 'malformed', claims: { incident: claims.incident } });
  });

  it('derives the same nonce for the same person, step and plan, and another for any other', () => {
    const nonce = linkNonce(SECRET, claims.incident, 'deny', claims.planHash, 'alice');
    expect(linkNonce(SECRET, claims.incident, 'deny', claims.planHash, 'alice')).toBe(nonce);
    expect(Buffer.from(nonce, 'base64url')).toHaveLength(16);
    const others = [
      linkNonce(SECRET, claims.incident, 'deny', claims.planHash, 'bob'),
      linkNonce(SECRET, claims.incident, 'revoke', claims.planHash, 'alice'),
      linkNonce(SECRET, claims.incident, 'deny', 'b'.repeat(64), 'alice'),
      linkNonce(SECRET, `${claims.incident}0`, 'deny', claims.planHash, 'alice'),
      linkNonce('another-secret-of-at-least-32-characters!!', claims.incident, 'deny', claims.planHash, 'alice'),
    ];
    expect(new Set([nonce, ...others]).size).toBe(6);
  });
});
