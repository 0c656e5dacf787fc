// Which cluster an alert acts on, and how the cluster shows in incident ids.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chooseCluster } from '../../../../src/model/clusters.js';
import { parseIncidentId, workflowIdParts } from '../../../../src/model/incident.js';
import { routeAlert } from '../../../../src/model/route-alert.js';
import { Runbook } from '../../../../src/model/runbook.js';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('chooseCluster', () => {
  it('takes a named cluster the engine serves, and refuses another with the list', () => {
    expect(chooseCluster(['default', 'dr'], 'dr')).toEqual({ ok: true, cluster: 'dr' });
    expect(chooseCluster(['default', 'dr'], 'prod')).toEqual({ ok: false, reason: 'unknown cluster "prod": this engine serves "default", "dr"' });
  });

  it('sends an alert naming none to the only cluster, else to "default", else refuses', () => {
    expect(chooseCluster(['prod'], undefined)).toEqual({ ok: true, cluster: 'prod' });
    expect(chooseCluster(['prod', 'default'], undefined)).toEqual({ ok: true, cluster: 'default' });
    expect(chooseCluster(['prod', 'dr'], undefined)).toEqual({
      ok: false, reason: 'the alert names no cluster (subject.cluster) and this engine serves several: "prod", "dr"',
    });
  });
});

describe('incident ids with clusters', () => {
  const runbook = Runbook.parse({
    id: 'auto-deny', version: 1, title: 't', match: { kind: ['x'] }, subject: 'principal',
    phases: { containment: [{ id: 'deny', action: 'kafka.acl.deny', with: { principal: '${alert.subject.principal}' } }] },
  });
  const alert = { kind: 'x', severity: 'high' as const, summary: 's', source: 't', observedAt: '2026-12-07T00:00:00Z', subject: { principal: 'User:eve' } };

  it('keeps the id of the "default" cluster as it was, and names any other, so the same subject is two incidents', () => {
    const plain = routeAlert([runbook], alert, sha);
    const dr = routeAlert([runbook], alert, sha, false, 'dr');
    const dryDr = routeAlert([runbook], alert, sha, true, 'dr');
    expect(plain.ok && plain.workflowId).toBe(`ir-auto-deny-${sha('User:eve').slice(0, 16)}`);
    expect(dr.ok && dr.workflowId).toMatch(/^ir-auto-deny\.dr-[0-9a-f]{16}$/);
    expect(dr.ok && plain.ok && dr.workflowId.endsWith(plain.workflowId.slice(-16))).toBe(false);
    expect(dryDr.ok && dryDr.workflowId).toMatch(/^ir-auto-deny\.dr-[0-9a-f]{16}-dry$/);
  });

  it('reads runbook and cluster back from the id, "default" when it names none', () => {
    expect(workflowIdParts('ir-data-exfiltration.prod-eu-0123456789abcdef-dry')).toEqual({ runbook: 'data-exfiltration', cluster: 'prod-eu' });
    expect(workflowIdParts('ir-data-exfiltration-0123456789abcdef')).toEqual({ runbook: 'data-exfiltration', cluster: 'default' });
    expect(parseIncidentId('ir-auto-deny.dr-0123456789abcdef-89abcdef')).toEqual({ workflowId: 'ir-auto-deny.dr-0123456789abcdef', runTag: '89abcdef' });
    expect(parseIncidentId('ir-auto-deny.dr/../x-0123456789abcdef-89abcdef')).toBeUndefined();
  });
});
