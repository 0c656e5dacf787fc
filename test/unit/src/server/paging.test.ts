// PagerDuty's webhook signatures as "Verifying Signatures" describes them: v1 HMAC-SHA256 of the raw body, several while a secret rotates.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pagerDutySigned } from '../../../../src/server/paging.js';

const sign = (body: string, secret: string) => `v1=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('pagerDutySigned', () => {
  const body = '{"event":{"event_type":"incident.acknowledged"}}';
  it('accepts the signature of the secret, alone or among others during a rotation', () => {
    expect(pagerDutySigned(body, sign(body, 'secret-one-0123456789'), 'secret-one-0123456789')).toBe(true);
    expect(pagerDutySigned(body, `${sign(body, 'old-secret-0123456789')},${sign(body, 'secret-one-0123456789')}`, 'secret-one-0123456789')).toBe(true);
  });
  it('refuses another secret, another body, another version or no header', () => {
    expect(pagerDutySigned(body, sign(body, 'old-secret-0123456789'), 'secret-one-0123456789')).toBe(false);
    expect(pagerDutySigned(`${body} `, sign(body, 'secret-one-0123456789'), 'secret-one-0123456789')).toBe(false);
    expect(pagerDutySigned(body, sign(body, 'secret-one-0123456789').replace('v1=', 'v2='), 'secret-one-0123456789')).toBe(false);
    expect(pagerDutySigned(body, undefined, 'secret-one-0123456789')).toBe(false);
  });
});
