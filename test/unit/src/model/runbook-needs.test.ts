// What the built-in runbooks need from an engine's settings, checked before any incident: which runbook, step and setting.
import { describe, expect, it } from 'vitest';
import { loadRunbookSet } from '../../../../src/runbooks/load.js';
import { describeAdvice, disabledRunbooks, unmetNeeds, type Facilities } from '../../../../src/model/runbook-needs.js';
import { Runbook } from '../../../../src/model/runbook.js';

const builtin = loadRunbookSet(['runbooks']).runbooks.map((r) => r.runbook);
const nothing: Facilities = {
  secretSink: false, hec: false, email: false, slack: false, accessLog: false, baseline: false, authorizerDeclared: false, evidence: { dir: '/evidence' },
};
const everything: Facilities = { ...nothing, secretSink: true, hec: true, email: true, slack: true, accessLog: true, baseline: true, authorizerDeclared: true };
const needsOf = (f: Facilities) => builtin.flatMap((r) => unmetNeeds(r, f));

describe('runbook needs', () => {
  it('disables the runbooks that rotate a credential when no secret sink is set, naming runbook, step and setting', () => {
    const disabled = disabledRunbooks(needsOf(nothing));
    expect([...disabled.keys()].sort()).toEqual(['compromised-credentials', 'data-exfiltration']);
    expect(disabled.get('data-exfiltration')).toMatch(/^runbook data-exfiltration is disabled on this engine: step rotate \(kafka\.credentials\.rotate\) needs secretSink: .*set secretSink: \{ type: file/);
  });

  it('advises, once per runbook and setting, what makes steps that go on after a failure do their whole job', () => {
    const advice = describeAdvice(needsOf({ ...nothing, secretSink: true }));
    expect(advice).toContain('runbook data-exfiltration, step backdoors (kafka.baseline.diff): fails until a baseline exists: set baseline: { every: 6h } in the settings file (the first is taken at start-up)');
    expect(advice.filter((a) => a.startsWith('runbook data-exfiltration, steps deny (kafka.acl.deny), verify (kafka.access.verify), rotate'))).toHaveLength(1);
  });

  it('has nothing to say when every setting is there, and names an evidence folder that cannot be written', () => {
    expect(needsOf(everything)).toEqual([]);
    const disabled = disabledRunbooks(needsOf({ ...everything, evidence: { dir: '/evidence', problem: 'is not writable' } }));
    expect(disabled.get('data-exfiltration')).toContain('step evidence (kafka.evidence.capture) needs KAFKA_IR_EVIDENCE_DIR: the evidence folder /evidence is not writable');
  });

  it('makes a missing baseline a reason to disable a runbook whose diff step would abort the incident', () => {
    const runbook = Runbook.parse({
      id: 'diff-or-stop', version: 1, title: 't', match: { kind: ['x'] }, subject: 'principal',
      phases: { eradication: [{ id: 'diff', action: 'kafka.baseline.diff' }], recovery: [{ id: 'export', action: 'siem.export', with: { dir: '/x' } }] },
    });
    const needs = unmetNeeds(runbook, { ...everything, baseline: false, hec: false });
    expect(needs.map((n) => `${n.step}:${n.setting}:${n.required}`)).toEqual(['diff:baseline.every:true', 'export:SPLUNK_HEC_URL:true']);
  });
});
