// Template resolution: paths, whole-value typing, ± durations, and the errors a runbook author sees.
import { describe, expect, it } from 'vitest';
import { parseExpression, resolveTemplates, TemplateError } from '../../../../src/model/template.js';

const scope = {
  alert: { observedAt: '2026-11-23T03:00:00.000Z', subject: { principal: 'User:sergei', topics: ['purchasing', 'supply'] } },
  incident: { id: 'ir-x' },
  steps: { 'blast-radius': { output: { readTopics: ['purchasing'] } } },
};

describe('resolveTemplates', () => {
  it('keeps the type of a whole-value template and interpolates inside text', () => {
    expect(resolveTemplates({
      principal: '${alert.subject.principal}',
      topics: '${steps.blast-radius.output.readTopics}',
      note: 'incident ${incident.id} for ${alert.subject.principal}',
      nested: ['${alert.subject.topics}'],
      n: 3,
    }, scope)).toEqual({
      principal: 'User:sergei', topics: ['purchasing'], note: 'incident ir-x for User:sergei', nested: [['purchasing', 'supply']], n: 3,
    });
  });

  it('adds and subtracts durations from timestamps', () => {
    expect(resolveTemplates('${alert.observedAt - 24h}', scope)).toBe('2026-11-22T03:00:00.000Z');
    expect(resolveTemplates('${alert.observedAt + 90s}', scope)).toBe('2026-11-23T03:01:30.000Z');
  });

  it('names the missing key of a path that does not resolve', () => {
    expect(() => resolveTemplates('${alert.subject.clientId}', scope)).toThrow('${alert.subject.clientId} does not resolve: "clientId" is missing');
  });

  it('refuses anything but a path with an optional duration (no expressions, no eval)', () => {
    expect(() => parseExpression('process.exit(1)')).toThrow(TemplateError);
    expect(() => parseExpression('env.SECRET')).toThrow('must start with alert, incident or steps.<step id>.output');
    expect(() => resolveTemplates('${alert.subject.principal - 1h}', scope)).toThrow('a duration can only be added to a timestamp');
  });
});
