// Invalid runbooks are refused before anything runs, with the file, YAML path, line and what to do — pinned per fixture.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkRunbookSet, formatProblem, loadRoster, loadRunbookSet, parseRunbookFile, RunbookError } from '../../../../src/runbooks/load.js';

const dir = 'test/fixtures/invalid-runbooks';
const { roster } = loadRoster(dir);
const problemsOf = (file: string) => parseRunbookFile(`${dir}/${file}`, undefined, roster).problems.map(formatProblem).map((p) => p.trim());

describe('invalid runbooks', () => {
  it('names the line of a YAML syntax error', () => {
    expect(problemsOf('bad-yaml.yaml')).toEqual([
      `${dir}/bad-yaml.yaml:4 is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    ]);
  });

  it('names an unknown action and lists the known ones', () => {
    const [problem, ...rest] = problemsOf('unknown-action.yaml');
    expect(rest).toEqual([]);
    expect(problem).toMatch(new RegExp(`^${dir}/unknown-action.yaml:9 \\(phases.containment\\[0\\].action\\) unknown action "kafka.cluster.nuke": use one of kafka.acl.deny, `));
  });

  it('refuses templates that cannot resolve, forward references and expressions', () => {
    expect(problemsOf('bad-template.yaml')).toEqual([
      `${dir}/bad-template.yaml:11 (phases.containment[0].with.principal) \${alert.subject.user} "user" is not a field of alert`,
      `${dir}/bad-template.yaml:15 (phases.containment[1].with.principal) \${steps.later.output.principal} refers to step "later", which does not run before this one`,
      `${dir}/bad-template.yaml:19 (phases.containment[2].with.principal) "\${alert.subject.principal | upper}" is not a path with an optional "± duration" (e.g. \${alert.observedAt - 24h})`,
    ]);
  });

  it('checks approvals against the roster: quorum, groups, escalation, proceed only when safe', () => {
    expect(problemsOf('quorum.yaml')).toEqual([
      `${dir}/quorum.yaml:15 (phases.containment[0].approval.onTimeout) onTimeout: proceed is only allowed for steps marked safe: true`,
      `${dir}/quorum.yaml:13 (phases.containment[0].approval.quorum) needs 3 distinct approvers but kafka-oncall, secops have only 2 between them: add people to the groups or lower the quorum`,
      `${dir}/quorum.yaml:20 (phases.containment[1].approval.from[0]) group "nobody-group" is not in _roster.yaml (add it under groups:)`,
      `${dir}/quorum.yaml:22 (phases.containment[1].approval.escalate.after) escalation after 10m would come after the 5m timeout: make it shorter`,
    ]);
  });

  it('lets a step go ahead unanswered only when reversible, marked safe, and allowed by the runbook\'s unattended severities', () => {
    expect(problemsOf('proceed.yaml')).toEqual([
      `${dir}/proceed.yaml:13 (phases.containment[0].approval.from) needs 2 distinct approvers but kafka-oncall has only 1 between them: add people to the groups or lower the quorum`,
      `${dir}/proceed.yaml:18 (phases.containment[1].approval.onTimeout) onTimeout: proceed would run kafka.credentials.rotate, which cannot be undone, with nobody's approval: use abort or skip`,
      `${dir}/proceed.yaml:24 (phases.recovery[0].approval.onTimeout) onTimeout: proceed is not allowed on an undo step: lifting a containment nobody approved cannot itself be undone`,
      `${dir}/proceed.yaml:24 (phases.recovery[0].approval.quorum) quorum 1 is smaller than the 2 approvals the groups' counts require: raise it to at least 2 or leave it out`,
    ]);
    expect(problemsOf('unattended.yaml')).toEqual([
      `${dir}/unattended.yaml:13 (phases.containment[0].approval.onTimeout) onTimeout: proceed needs the runbook to say at which severities a step may go ahead unanswered: add \`unattended: { severity: [high, critical] }\` (or the severities you mean) at the top level`,
      `${dir}/unattended.yaml:16 (phases.containment[1].onFailure) onFailure: ask needs someone to ask: give the step an approval, or add incident-commanders to _roster.yaml`,
    ]);
  });

  it('checks a communication plan: its triggers, ids apart from the steps, audiences of the roster, templates, approvals that never send unapproved', () => {
    const f = `${dir}/communications.yaml`;
    expect(problemsOf('communications.yaml')).toEqual([
      `${f}:26 (communications[2].on) "on" is <phase>.started or <phase>.done, with a phase among preparation, detection, containment, eradication, recovery, lessons`,
    ]);
    const valid = parseRunbookFile(f, readFileSync(f, 'utf8').replace('containment.begun', 'containment.started'), roster).problems.map(formatProblem).map((p) => p.trim());
    expect(valid).toEqual([
      `${f}:12 (communications[0].id) id "deny" is already used by a step or another message: message ids share the steps' names`,
      `${f}:14 (communications[0].to[0]) audience "execs" is not in _roster.yaml (add it under audiences: with its slack channel or email list)`,
      `${f}:15 (communications[0].text) \${alert.subject.user} "user" is not a field of alert`,
      `${f}:17 (communications[1].on) phase recovery is not in this runbook, so "recovery.started" never happens`,
      `${f}:18 (communications[1].to[0]) audience "customers" is not in _roster.yaml (add it under audiences: with its slack channel or email list)`,
      `${f}:24 (communications[1].approval.onTimeout) a message that needs approval is never sent without it: use onTimeout: skip`,
      `${f}:23 (communications[1].approval.escalate) messages do not escalate: give the approval to the groups who should decide`,
      `${f}:27 (communications[2].to[0]) audience "execs" is not in _roster.yaml (add it under audiences: with its slack channel or email list)`,
    ]);
  });

  it('reports every schema problem with its line', () => {
    expect(problemsOf('structure.yaml')).toEqual([
      `${dir}/structure.yaml:1 (id) a runbook id is lower-case letters, digits and dashes`,
      `${dir}/structure.yaml:2 (version) Too small: expected number to be >=1`,
      `${dir}/structure.yaml:4 (match.kind) Too small: expected array to have >=1 items`,
      `${dir}/structure.yaml:5 (subject) Invalid option: expected one of "principal"|"clientId"|"brokerId"|"host"`,
      `${dir}/structure.yaml:7 (phases) Unrecognized key: "cleanup"`,
    ]);
  });

  it('refuses two runbooks that match the same alerts with equal priority, and duplicate ids', () => {
    const rb = (id: string, priority: number) => ({ file: `${id}.yaml`, runbook: { id, priority, match: { kind: ['x'], severity: ['high'] } } as never });
    expect(checkRunbookSet([rb('a', 1), rb('b', 1), rb('c', 2), rb('a', 3)]).map((p) => `${p.file} ${p.message}`)).toEqual([
      'b.yaml matches the same alerts as a.yaml (kind x; severity high) with the same priority 1: give one of them a higher priority or narrow its match',
      'a.yaml repeats the id "a" of a.yaml: runbook ids must be unique',
    ]);
  });

  it('loads a folder only when every file in it is valid, listing all problems at once', () => {
    let error: unknown;
    try { loadRunbookSet([dir]); } catch (err) { error = err; }
    expect(error).toBeInstanceOf(RunbookError);
    const files = new Set((error as RunbookError).problems.map((p) => p.file));
    expect(files.size).toBe(readdirSync(dir).filter((f) => !f.startsWith('_')).length);
  });
});
