// Configuration errors name each bad variable and what to do, and never echo a value.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('lists every bad variable without its value', () => {
    let message = '';
    try {
      loadConfig({ KAFKA_BROKERS: 'kafka-1', KAFKA_SASL_MECHANISM: 'scram-sha-1', KAFKA_SASL_PASSWORD: 'hunter2-secret', KAFKA_IR_PORT: 'http' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('KAFKA_BROKERS: expected host:port');
    expect(message).toContain('KAFKA_SASL_MECHANISM');
    expect(message).toContain('KAFKA_IR_PORT');
    expect(message).not.toContain('hunter2-secret');
    expect(message).not.toContain('kafka-1');
  });

  it('explains a missing KAFKA_BROKERS', () => {
    expect(() => loadConfig({})).toThrow(/KAFKA_BROKERS: is not set: the Kafka bootstrap brokers/);
  });

  it('reads a valid environment with its defaults', () => {
    const config = loadConfig({ KAFKA_BROKERS: '127.0.0.1:19092, 127.0.0.1:19093', KAFKA_IR_RUNBOOKS: 'a:b' });
    expect(config.kafka.brokers).toEqual(['127.0.0.1:19092', '127.0.0.1:19093']);
    expect(config.runbookDirs).toEqual(['a', 'b']);
    expect(config.temporal).toMatchObject({ address: undefined, namespace: 'default', taskQueue: 'kafka-ir', cachedIncidents: 500 });
    expect(config.port).toBe(8080);
  });

  it('bounds the worker cache: at least 2 incidents', () => {
    expect(loadConfig({ KAFKA_BROKERS: '127.0.0.1:19092', KAFKA_IR_CACHED_INCIDENTS: '50' }).temporal.cachedIncidents).toBe(50);
    expect(() => loadConfig({ KAFKA_BROKERS: '127.0.0.1:19092', KAFKA_IR_CACHED_INCIDENTS: '1' })).toThrow(/KAFKA_IR_CACHED_INCIDENTS: must be at least 2/);
  });
});
