// With no tokens (loopback), a web page cannot reach the engine: DNS rebinding meets the Host allow-list (421), a
// cross-origin post is refused (403), and the codec endpoint answers only the Temporal UI's origin, only with a token.
import { createSecretKey, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/common';
import { EncryptionCodec } from '../../src/temporal/codec.js';
import { startTestEngine, type TestEngine } from '../support/engine.js';
import { unique } from '../support/infra.js';
import { token } from '../support/people.js';

const UI = 'http://localhost:8233';
const key = randomBytes(32);
let engine: TestEngine;
let port: number;
beforeAll(async () => {
  engine = await startTestEngine({ KAFKA_IR_PAYLOAD_KEY: `b1:${key.toString('base64')}`, KAFKA_IR_CODEC_CORS_ORIGIN: UI });
  port = Number(new URL(engine.url).port);
});
afterAll(async () => { await engine?.close(); });

/** A request as a browser would send it: any Host (a rebound name) and Origin, no token unless given. */
function browser(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; headers: Record<string, unknown>; body: any }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request({ host: '127.0.0.1', port, method, path, headers: { ...headers, ...(data ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => { text += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

describe('DNS rebinding', () => {
  it('refuses a host name the engine does not serve (421), reads and writes alike, and the incident stays open', async () => {
    const id: string = (await engine.post('/v1/alerts', {
      kind: 'test.hold', severity: 'high', summary: 'rebinding', source: 'integration-test', observedAt: new Date().toISOString(), subject: { principal: `User:${unique('rebind')}` },
    })).body.incidents[0].id;
    const rebound = { host: `evil.example:${port}` };
    const list = await browser('GET', '/v1/incidents', rebound);
    expect(list.status).toBe(421);
    expect(list.body.error).toContain('does not serve the host name "evil.example:');
    expect(list.body.error).toContain('KAFKA_IR_ALLOWED_HOSTS');
    expect((await browser('POST', `/v1/incidents/${id}/notes`, rebound, { text: 'closed by a web page', lessons: true })).status).toBe(421);
    expect((await engine.view(id)).status).toBe('open');
    expect((await browser('GET', '/v1/incidents', { host: `localhost:${port}` })).status).toBe(200);
    expect((await browser('GET', '/healthz', rebound)).status).toBe(200); // probes by address; it holds nothing
  });

  it('refuses a cross-origin post from a page on another site (403)', async () => {
    const res = await browser('POST', '/v1/alerts', { host: `127.0.0.1:${port}`, origin: 'http://evil.example' }, {
      kind: 'test.hold', severity: 'high', summary: 'csrf', source: 'evil', observedAt: new Date().toISOString(), subject: { principal: `User:${unique('csrf')}` },
    });
    expect(res.status).toBe(403);
    expect(res.body.error).toContain('cross-origin request from "http://evil.example" refused');
  });
});

describe('the codec endpoint', () => {
  const secret = defaultPayloadConverter.toPayload({ principal: 'User:payroll-bot' });
  const codec = new EncryptionCodec([{ id: 'b1', key: createSecretKey(key) }]);
  const asJson = async () => {
    const [p] = await codec.encode([secret]);
    return { payloads: [{ metadata: Object.fromEntries(Object.entries(p!.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])), data: Buffer.from(p!.data!).toString('base64') }] };
  };
  const host = () => ({ host: `127.0.0.1:${port}` });

  it('refuses another origin, preflight and request, and decrypts nothing for it', async () => {
    const evil = { ...host(), origin: 'http://evil.example' };
    const preflight = await browser('OPTIONS', '/v1/codec/decode', { ...evil, 'access-control-request-method': 'POST' });
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const res = await browser('POST', '/v1/codec/decode', evil, await asJson());
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).not.toContain(Buffer.from('payroll-bot').toString('base64'));
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers the Temporal UI origin, but only with a token, even though this engine has no API token', async () => {
    const ui = { ...host(), origin: UI };
    const preflight = await browser('OPTIONS', '/v1/codec/decode', { ...ui, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(UI);
    const anonymous = await browser('POST', '/v1/codec/decode', ui, await asJson());
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toContain('the codec endpoint needs a token');
    const withToken = await browser('POST', '/v1/codec/decode', { ...ui, authorization: `Bearer ${token('alice')}` }, await asJson());
    expect(withToken.status).toBe(200);
    expect(withToken.headers['access-control-allow-origin']).toBe(UI);
    expect(Buffer.from(withToken.body.payloads[0].data, 'base64').toString()).toContain('payroll-bot');
  });
});
