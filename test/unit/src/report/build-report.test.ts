// The report from a recorded history (test/fixtures/histories): votes, refusals and timings come from history events; the schema file is current.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow/data-converter-helpers.js';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import type { IncidentView } from '../../../../src/model/incident.js';
import { buildReport } from '../../../../src/report/build-report.js';
import { decodeHistories } from '../../../../src/report/decode-history.js';
import { reportJsonSchema } from '../../../../src/model/incident-report.js';
import { renderHtml } from '../../../../src/report/render-html.js';
import { renderMarkdown } from '../../../../src/report/render-markdown.js';

async function recorded(name: string) {
  const history = await decodeHistories([historyFromJSON(JSON.parse(readFileSync(`test/fixtures/histories/${name}.json`, 'utf8')))], loadDataConverter());
  const completed = history.events.at(-1)!.workflowExecutionCompletedEventAttributes as { result: { payloads: [IncidentView] } };
  return { history, view: completed.result.payloads[0] };
}

describe('buildReport on recorded histories', () => {
  it('names both approvers with their channel, and times the wait and the apply (approved-quorum)', async () => {
    const { history, view } = await recorded('approved-quorum');
    const r = buildReport(view, history);
    expect(r.builtFrom).toBe('history');
    expect(r.incident.runbook).toEqual({ id: 'approve-deny', version: 1 });
    expect(r.approvals[0]!.votes.map((v) => `${v.person}/${v.channel}/${v.decision}`)).toEqual(['alice/api/approve', 'bob/api/approve']);
    expect(r.approvals[0]!.outcome).toBe('approved');
    expect(r.metrics.approvalWaitMs.deny).toBeGreaterThanOrEqual(0);
    expect(r.actions[0]!.runs.map((x) => x.role)).toEqual(['plan', 'apply']);
    // The archive activity is bookkeeping: it is not one of the incident's actions.
    expect(JSON.stringify(r.actions)).not.toContain('archiveIncident');
    expect(renderMarkdown(r)).toContain('| vote | deny | bob (api) |');
    expect(renderHtml(r)).toContain('<td>alice (api)</td>');
  });

  it('records the veto and aborts (rejected)', async () => {
    const { history, view } = await recorded('rejected');
    const r = buildReport(view, history);
    expect(r.incident.status).toBe('aborted');
    expect(r.approvals[0]).toMatchObject({ outcome: 'rejected', votes: [{ person: 'bob', decision: 'reject', reason: 'fixture' }] });
    expect(r.approvals[0]!.decidedAt).toBe(r.approvals[0]!.votes[0]!.at);
  });

  it('marks steps undone by the rollback (aborted-with-rollback)', async () => {
    const { history, view } = await recorded('aborted-with-rollback');
    const deny = buildReport(view, history).actions.find((a) => a.step === 'deny')!;
    expect(deny.runs.map((x) => x.role)).toEqual(['plan', 'apply', 'undo']);
    expect(deny.undone).toMatchObject({ by: 'rollback' });
  });
});

describe('schema/report.schema.json', () => {
  it('is up to date (regenerate with `npx tsx scripts/report-schema.ts`)', () => {
    expect(JSON.parse(readFileSync('schema/report.schema.json', 'utf8'))).toEqual(reportJsonSchema());
  });
});
