// Encrypted history on the real Temporal server: raw history holds no alert text or failure message; the engine, the
// codec endpoint and a codec holding the key read them back.
import { createSecretKey, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { parseIncidentId } from '../../src/model/incident.js';
import { EncryptionCodec } from '../../src/temporal/codec.js';
import { dataConverter } from '../../src/temporal/data-converter.js';
import { workflowBundle } from '../../src/temporal/worker.js';
import { eventually, startTestEngine, type TestEngine } from '../support/engine.js';
import { infra, unique } from '../support/infra.js';

const key = randomBytes(32);
const apiToken = `codec-api-token-${randomBytes(8).toString('hex')}`;
const codec = new EncryptionCodec([{ id: 'it-1', key: createSecretKey(key) }]);
let engine: TestEngine;
let raw: Client;
const recorded: Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>[] = [];

beforeAll(async () => {
  engine = await startTestEngine({ KAFKA_IR_PAYLOAD_KEY: `it-1:${key.toString('base64')}`, KAFKA_IR_API_TOKEN: apiToken, KAFKA_IR_CODEC_CORS_ORIGIN: 'http://localhost:8233' });
  raw = new Client({ connection: await Connection.connect({ address: infra().TEMPORAL_ADDRESS }) });
});
afterAll(async () => {
  await engine?.close();
  await raw?.connection.close();
});

/** Calls the API with the service token, another token, or none (''). */
async function api(method: string, path: string, body?: unknown, token = apiToken) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${engine.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** Every string and every byte array (read as UTF-8) in a history: where plain text would show if it were there. */
function textOf(value: unknown, out: string[] = []): string {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (Array.isArray(value)) value.forEach((v) => textOf(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => textOf(v, out));
  return out.join('\n');
}

function payloadsIn(value: unknown, out: Payload[] = []): Payload[] {
  if (Array.isArray(value)) value.forEach((v) => payloadsIn(v, out));
  else if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const metadata = (value as Payload).metadata;
    if (metadata && metadata.encoding instanceof Uint8Array) out.push(value as Payload);
    else Object.values(value).forEach((v) => payloadsIn(v, out));
  }
  return out;
}

const encodingOf = (p: Payload) => Buffer.from(p.metadata!.encoding!).toString();
const b64 = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('base64');
const asJson = (p: Payload) => ({ metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v)])), data: b64(p.data) });

async function incident(principal: string, summary: string, until: (view: any) => boolean) {
  const alert = { kind: 'test.auto-deny', severity: 'high', summary, source: 'integration-test', observedAt: new Date().toISOString(), subject: { principal } };
  const started = await engine.post('/v1/alerts', alert);
  expect(started.status).toBe(202);
  const id: string = started.body.incidents[0].id;
  const view = await eventually(async () => {
    const r = await api('GET', `/v1/incidents/${id}`);
    return r.status === 200 && until(r.body) ? r.body : undefined;
  }, 30_000, `incident ${id} to end`);
  const { workflowId } = parseIncidentId(id)!;
  // Listed raw (the memo naming the incident is encrypted): each test's subject is its own, so its one run is the newest.
  const { executions } = await raw.workflowService.listWorkflowExecutions({ namespace: 'default', query: `WorkflowId = '${workflowId}'` });
  const runId = executions?.[0]?.execution?.runId ?? undefined;
  expect(runId).toBeDefined();
  const history = await raw.workflow.getHandle(workflowId, runId).fetchHistory();
  recorded.push(history);
  return { view, history };
}

describe('with KAFKA_IR_PAYLOAD_KEY set', () => {
  it('stores alert text encrypted in history; the engine and the codec endpoint read it back', async () => {
    const principal = `User:${unique('codec-secret')}`;
    const summary = `unmistakable ${unique('summary')} about a payroll export`;
    const { view, history } = await incident(principal, summary, (v) => v.status === 'closed');

    // The engine decodes: the incident view shows the subject, the alert's summary and the applied plan.
    expect(view.subject).toBe(principal);
    expect(view.timeline).toContainEqual(expect.objectContaining({ type: 'alert', summary }));
    expect(view.steps[0]).toMatchObject({ id: 'deny', status: 'done' });

    // The raw history, read without the codec, holds neither the principal nor the summary anywhere.
    const rawText = `${JSON.stringify(history)}\n${textOf(history)}`;
    expect(rawText).not.toContain(principal);
    expect(rawText).not.toContain(principal.slice('User:'.length));
    expect(rawText).not.toContain(summary);
    const payloads = payloadsIn(history);
    expect(payloads.length).toBeGreaterThan(5);
    // Only Temporal's own bookkeeping is not ours to encrypt: the patch id (in a marker and a search attribute) and the
    // local activity's record (its type, attempt and times; its result is encrypted).
    const plain = payloads.filter((p) => encodingOf(p) !== 'binary/encrypted').map((p) => Buffer.from(p.data!).toString());
    const patch = '"(lean-start|sealed-requests|bounded-state|archive-at-close)"';
    const localActivity = '\\{"seq":\\d+,"attempt":\\d+,"activity_id":"\\d+","activity_type":"checkSeals",.*\\}';
    const bookkeeping = new RegExp(`^(\\{"id":${patch},"deprecated":false\\}|\\[${patch}(,${patch})*\\]|${localActivity})$`);
    expect(plain.filter((text) => !bookkeeping.test(text))).toEqual([]);
    expect(new Set(payloads.filter((p) => encodingOf(p) === 'binary/encrypted').map((p) => Buffer.from(p.metadata!['encryption-key-id']!).toString()))).toEqual(new Set(['it-1']));

    // The same payloads, decoded with the key, do hold them: the check above looks where the text would be.
    const decodedText = textOf(await codec.decode(payloads));
    expect(decodedText).toContain(principal);
    expect(decodedText).toContain(summary);

    // The codec endpoint (as the Temporal UI calls it) decodes a payload taken from the raw history: the workflow input.
    const input = history.events!.find((e) => e.workflowExecutionStartedEventAttributes)!.workflowExecutionStartedEventAttributes!.input!.payloads!;
    const decoded = await api('POST', '/v1/codec/decode', { payloads: input.map(asJson) });
    expect(decoded.status).toBe(200);
    expect(decoded.headers.get('access-control-allow-origin')).toBeNull(); // no Origin: not a browser, no CORS headers
    expect(Buffer.from(decoded.body.payloads[0].metadata.encoding, 'base64').toString()).toBe('json/plain');
    const workflowInput = JSON.parse(Buffer.from(decoded.body.payloads[0].data, 'base64').toString());
    expect(workflowInput).toMatchObject({ subject: principal, alert: { summary, subject: { principal } } });
  });

  it('stores failure messages encrypted: the protected-principal refusal is not in the raw history', async () => {
    const summary = `unmistakable ${unique('summary')} about the admin`;
    const { view, history } = await incident('User:admin', summary, (v) => v.status !== 'open');

    expect(view.steps[0]).toMatchObject({ id: 'deny', status: 'failed' });
    expect(JSON.stringify(view.steps[0])).toContain("kafka-ir's own principal");

    const failed = history.events!.filter((e) => e.activityTaskFailedEventAttributes);
    expect(failed.length).toBeGreaterThan(0);
    for (const event of failed) {
      const failure = event.activityTaskFailedEventAttributes!.failure!;
      expect(failure.message).toBe('Encoded failure');
      expect(failure.encodedAttributes && encodingOf(failure.encodedAttributes)).toBe('binary/encrypted');
    }
    const rawText = `${JSON.stringify(history)}\n${textOf(history)}`;
    expect(rawText).not.toContain("kafka-ir's own principal");
    expect(rawText).not.toContain(summary);

    const decodedText = textOf(await codec.decode(payloadsIn(history)));
    expect(decodedText).toContain("User:admin is kafka-ir's own principal");
    expect(decodedText).toContain(summary);
  });

  it('serves the codec endpoint only to API callers, answers CORS preflight, encodes with the key and names an unknown key id', async () => {
    const plain = { metadata: { encoding: b64(Buffer.from('json/plain')) }, data: b64(Buffer.from('"hello from the UI"')) };

    expect((await api('POST', '/v1/codec/decode', { payloads: [plain] }, '')).status).toBe(401);
    expect((await api('POST', '/v1/codec/encode', { payloads: [plain] }, 'not-the-token-at-all')).status).toBe(401);

    const preflight = await fetch(`${engine.url}/v1/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:8233', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-namespace' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization.*content-type.*x-namespace/);

    const encoded = await api('POST', '/v1/codec/encode', { payloads: [plain] });
    expect(encoded.status).toBe(200);
    const [payload] = encoded.body.payloads;
    expect(Buffer.from(payload.metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(payload.data, 'base64').toString('latin1')).not.toContain('hello from the UI');
    const [back] = await codec.decode([{ metadata: { encoding: Buffer.from(payload.metadata.encoding, 'base64'), 'encryption-key-id': Buffer.from(payload.metadata['encryption-key-id'], 'base64') }, data: Buffer.from(payload.data, 'base64') }]);
    expect(Buffer.from(back!.data!).toString()).toBe('"hello from the UI"');

    const stranger = new EncryptionCodec([{ id: 'retired-2019', key: createSecretKey(randomBytes(32)) }]);
    const [foreign] = await stranger.encode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"x"') }]);
    const refused = await api('POST', '/v1/codec/decode', { payloads: [asJson(foreign!)] });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(/key id 'retired-2019', which KAFKA_IR_PAYLOAD_KEY does not hold/);
    expect(refused.body.error).not.toContain(key.toString('base64'));

    expect((await api('POST', '/v1/codec/decode', { payloads: [{ data: '%%% not base64' }] })).status).toBe(400);
  });

  it('replays the encrypted histories with the engine\'s data converter (a restarted worker can resume them)', async () => {
    expect(recorded).toHaveLength(2);
    const converter = dataConverter(codec)!;
    const bundle = await workflowBundle(converter.failureConverterPath);
    for (const history of recorded) {
      await expect(Worker.runReplayHistory({ workflowBundle: bundle, dataConverter: converter }, history)).resolves.toBeUndefined();
    }
  }, 60_000);
});
