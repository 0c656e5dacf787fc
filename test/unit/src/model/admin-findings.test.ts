// The hunt on real 3.9.1 request-log lines (test/fixtures/access-log/admin-*): admin requests, backdoor findings, follow-up alerts, no secret kept.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accessRecordSource } from '../../../../adapters/access-log/access-source.js';
import { brokerLog4j2Properties, brokerLog4jProperties } from '../../../../scripts/infra/kafka/log4j-properties.js';
import { AccessLogSettings } from '../../../../src/model/access-log-settings.js';
import { ADMIN_APIS, type AdminRecord } from '../../../../src/model/access-records.js';
import { adminFindings, type AuditContext } from '../../../../src/model/admin-findings.js';
import { Alert } from '../../../../src/model/alert.js';
import { diffBaselines, type BaselineState } from '../../../../src/model/baseline.js';
import { followUpAlert, isDryRunIncident } from '../../../../src/model/follow-ups.js';

const ADMIN = 'test/fixtures/access-log/admin-broker';
const FORWARDED = 'test/fixtures/access-log/admin-forwarded';
/** The fixture broker's set-up (users, topic, mallet's grants) ran as User:admin, kafka-ir's own principal there. */
const trusted = new Map([['User:admin', "kafka-ir's own principal"]]);
/** A baseline taken after the set-up, before mallet's first change. */
const BASELINE_AT = Date.parse('2026-12-07T05:30:16Z');
const usersAtBaseline = { at: BASELINE_AT, users: new Set(['admin', 'mallet', 'alice', 'erp', 'eve']) };

async function adminRecords(files: unknown): Promise<AdminRecord[]> {
  const records: AdminRecord[] = [];
  await accessRecordSource(AccessLogSettings.parse({ files })).scan({
    window: { from: 0, to: Date.parse('2030-01-01') }, filter: { requests: ADMIN_APIS }, onRecord: (r) => { if (r.kind === 'admin') records.push(r); },
  });
  return records;
}
const fixtureRecords = () => adminRecords([{ broker: 1, paths: [`${ADMIN}/kafka-*.log`] }]);
const audit = async (ctx: Partial<AuditContext> = {}) => adminFindings(await fixtureRecords(), { trusted, usersAtBaseline, ...ctx });

describe('administrative requests read from the request log', () => {
  it('lists every one with principal, client, host, time and outcome, the refused and failed ones included', async () => {
    const { requests } = await audit();
    const mallet = requests.filter((r) => r.principal === 'User:mallet');
    expect(mallet.map((r) => `${r.request}:${r.outcome}`)).toEqual([
      'CreateAcls:ok', 'AlterUserScramCredentials:ok', 'AlterUserScramCredentials:failed', 'AlterUserScramCredentials:ok',
      'CreateDelegationToken:ok', 'RenewDelegationToken:ok', 'CreateDelegationToken:ok', 'ExpireDelegationToken:ok', 'CreateTopics:ok',
      'IncrementalAlterConfigs:ok', 'AlterConfigs:ok', 'AlterClientQuotas:ok', 'AlterPartitionReassignments:ok', 'DeleteAcls:ok', 'CreateAcls:ok',
      'AlterUserScramCredentials:ok', 'AlterConfigs:ok', 'CreateAcls:ok',
    ]);
    expect(mallet[0]).toMatchObject({
      at: '2026-12-07T05:30:18.976Z', broker: 1, clientId: 'adminclient-1', host: '127.0.0.1', what: ['create ALLOW User:alice all on topic *'],
      source: expect.stringMatching(/admin-broker\/kafka-request\.log:\d+$/),
    });
    expect(mallet.find((r) => r.outcome === 'failed')!.what[0]).toMatch(/credential of erp .* — DUPLICATE_RESOURCE$/);
    expect(requests.find((r) => r.request === 'AlterConfigs')!.what).toEqual(["replace the configs with: set log.cleaner.threads=2 on the brokers' cluster-wide default"]);
    expect(requests.find((r) => r.request === 'AlterClientQuotas')!.what).toEqual(['quota user=alice: consumer_byte_rate=10485760']);
    expect(requests.find((r) => r.request === 'AlterPartitionReassignments')!.what).toEqual(['move ledger[0] to replicas 1']);
    expect(requests.filter((r) => r.principal === 'User:eve').map((r) => `${r.request}:${r.outcome}`))
      .toEqual(['CreateAcls:refused', 'AlterUserScramCredentials:refused', 'CreateDelegationToken:refused']);
    expect(requests.filter((r) => r.principal === 'User:admin').every((r) => r.trusted === "kafka-ir's own principal")).toBe(true);
  });

  it('never keeps a salt, a salted password or a token HMAC, though the lines hold them', async () => {
    const raw = readFileSync(`${ADMIN}/kafka-request.log`, 'utf8');
    const secrets = [...raw.matchAll(/"(?:salt|saltedPassword|hmac)":"([^"]+)"/g)].map((m) => m[1]!);
    expect(secrets.length).toBeGreaterThanOrEqual(20);
    const records = await fixtureRecords();
    const kept = JSON.stringify([records, adminFindings(records, { trusted, usersAtBaseline })]);
    expect(secrets.filter((s) => kept.includes(s))).toEqual([]);
    expect(kept).not.toMatch(/salt/i);
  });

  it('leaves out the copy a controller logs of a request a broker forwarded to it', async () => {
    const records = await adminRecords([`${FORWARDED}/broker-{broker}/server.log`]);
    expect(readFileSync(`${FORWARDED}/broker-3/server.log`, 'utf8')).toContain('"isForwarded":true');
    expect(records.map((r) => `${r.broker}:${r.request}:${r.items.length}`)).toEqual(['2:CreateAcls:4']);
  });
});

describe('the backdoors among them', () => {
  it('finds a grant, a new user, a password reset, a token and its renewal, a topic — each by whom, when, and the follow-up it calls for', async () => {
    const { findings } = await audit();
    expect(findings.map((f) => `${f.kind} ${f.by} → ${f.followUp ? `${f.followUp.kind} ${f.followUp.principal}` : `none (${f.why})`}`)).toEqual([
      'acl.granted User:mallet → unauthorized-access User:alice',
      'scram.created User:mallet → unauthorized-access User:svc-backup',
      'scram.reset User:mallet → compromised-credentials User:erp',
      'token.created User:mallet → compromised-credentials User:mallet',
      'token.renewed User:mallet → compromised-credentials User:mallet',
      'token.created User:mallet → none (User:mallet expired it at 2026-12-07T05:30:28.014Z)',
      'topic.created User:mallet → unauthorized-access User:mallet',
      'acl.granted User:mallet → unauthorized-access User:alice',
      'scram.created User:mallet → unauthorized-access User:svc-sync',
      'acl.granted User:mallet → unauthorized-access User:svc-sync',
    ]);
    expect(findings[1]).toMatchObject({
      says: 'User:mallet created SCRAM user svc-backup (SCRAM-SHA-512)', at: '2026-12-07T05:30:20.655Z', host: '127.0.0.1', fingerprint: 'scram.created|svc-backup',
    });
    expect(findings[4]!.says).toBe('User:mallet renewed delegation token lfjow8fLTeSLeHhh6Un00A of User:mallet until 2026-12-08T05:30:25.458Z');
    // The set-up by kafka-ir's own principal is listed with the requests, never as a finding; eve's refusals change nothing.
    expect(findings.filter((f) => f.by !== 'User:mallet')).toEqual([]);
  });

  it('without a baseline taken before it, a credential set is "created or reset" (raised as a compromised credential) unless the records made the user earlier', async () => {
    const { findings } = await audit({ usersAtBaseline: undefined });
    expect(findings.filter((f) => f.kind.startsWith('scram.')).map((f) => `${f.kind} ${f.target.principal} ${f.followUp?.kind}`)).toEqual([
      'scram.set User:svc-backup compromised-credentials', 'scram.reset User:erp compromised-credentials', 'scram.set User:svc-sync compromised-credentials',
    ]);
  });

  it('adds what the baseline diff shows and no request explains: listed for people with records, raised without; one fingerprint per backdoor whichever view found it', async () => {
    const acl = { resourceType: 'topic', resourceName: '*', patternType: 'literal', principal: 'User:alice', host: '*', operation: 'all', permission: 'allow' } as const;
    const before: BaselineState = { takenAt: '2026-12-07T05:00:00.000Z', acls: [], scramUsers: [], quotas: [], configs: [], tokens: [], topics: [], groups: [] };
    const token = { tokenId: 'old-token', owner: 'User:ops', requester: 'User:ops', renewers: [], issuedAt: '2026-12-07T05:10:00.000Z', expiresAt: '2026-12-08T05:10:00.000Z' };
    const after: BaselineState = {
      ...before, takenAt: '2026-12-07T06:00:00.000Z', acls: [acl], tokens: [token],
      scramUsers: [{ user: 'svc-backup', mechanisms: ['SCRAM-SHA-512'] }, { user: 'ghost', mechanisms: ['SCRAM-SHA-256'] }], topics: [{ name: 'drop', topicId: 'X' }],
    };
    const diff = diffBaselines('baselines/b0.json', before, after);
    const { findings } = await audit({ diff, withRecords: true });
    const fromDiff = findings.filter((f) => f.by === null);
    expect(fromDiff.map((f) => `${f.kind} ${f.fingerprint} → ${f.followUp?.principal ?? 'listed'}`)).toEqual([
      'scram.created scram.created|ghost → listed', 'token.created token.created|old-token → listed', 'topic.created topic.created|drop → listed',
    ]);
    expect(fromDiff[0]).toMatchObject({
      says: 'SCRAM user ghost (SCRAM-SHA-256) appeared since the baseline of 2026-12-07T05:00:00.000Z, and no request in the records explains it',
      why: expect.stringMatching(/^no request in the records explains it .*look at it by hand$/),
    });
    // Without records the diff is all there is: its backdoors are raised, with the fingerprints the records would give them.
    const diffOnly = adminFindings([], { trusted, diff });
    expect(diffOnly.findings.map((f) => `${f.fingerprint} → ${f.followUp?.principal ?? f.why}`)).toEqual([
      'scram.created|svc-backup → User:svc-backup', 'scram.created|ghost → User:ghost', 'acl.granted|allow|User:alice|*|all|topic|literal|* → User:alice',
      'token.created|old-token → User:ops', 'topic.created|drop → who made it is not known: no principal to raise it about',
    ]);
    expect(findings.map((f) => f.fingerprint)).toEqual(expect.arrayContaining(['scram.created|svc-backup', 'acl.granted|allow|User:alice|*|all|topic|literal|*']));
  });

  it('raises no follow-up about User:*, a non-user principal, or a protected one, and says why', () => {
    const at = Date.parse('2026-12-07T06:00:00Z');
    const grant = (principal: string) => ({ op: 'acl.create' as const, error: 0, binding: { resourceType: 'topic', resourceName: 'x', patternType: 'literal', principal, host: '*', operation: 'read', permission: 'allow' } });
    const record: AdminRecord = {
      kind: 'admin', at, broker: 1, source: 'f:1', principal: 'User:mallet', clientId: 'c', host: '10.0.0.9', connection: 'c', request: 'CreateAcls',
      items: [grant('User:*'), grant('Group:ops'), grant('User:backup-agent')],
    };
    const { findings } = adminFindings([record], { trusted: new Map([...trusted, ['User:backup-agent', 'a protected principal (protectedPrincipals)']]) });
    expect(findings.map((f) => f.why)).toEqual([
      'it names every principal (User:*), which no incident can take as its subject: remove it by hand (kafka-acls --remove)',
      'Group:ops is not a User principal, which is what the runbooks take as subject',
      'it is about User:backup-agent, a protected principal (protectedPrincipals)',
    ]);
  });
});

describe('the follow-up alert', () => {
  it('is a valid alert of the runbook kind about the backdoor principal, naming the incident that found it and keyed by the fingerprint', async () => {
    const { findings } = await audit();
    const created = findings.find((f) => f.kind === 'scram.created')!;
    const alert = Alert.parse(followUpAlert({ ...created, followUp: created.followUp! }, { incidentId: 'ir-data-exfiltration-0123456789abcdef-a1b2c3d4', step: 'hunt' }, '2026-12-07T06:00:00.000Z'));
    expect(alert).toMatchObject({
      kind: 'unauthorized-access', severity: 'high', subject: { principal: 'User:svc-backup' }, fingerprint: 'scram.created|svc-backup',
      source: 'kafka-ir incident ir-data-exfiltration-0123456789abcdef-a1b2c3d4',
      labels: { 'kafka-ir.follow-up-of': 'ir-data-exfiltration-0123456789abcdef-a1b2c3d4', 'kafka-ir.made-by': 'User:mallet', 'kafka-ir.made-at': '2026-12-07T05:30:20.655Z' },
    });
    expect(alert.summary).toBe('User:mallet created SCRAM user svc-backup (SCRAM-SHA-512) (found by incident ir-data-exfiltration-0123456789abcdef-a1b2c3d4, step hunt)');
  });

  it('acts on the cluster the finding was made on', async () => {
    const { findings } = await audit();
    const created = findings.find((f) => f.kind === 'scram.created')!;
    const from = { incidentId: 'ir-data-exfiltration.dr-0123456789abcdef-a1b2c3d4', step: 'hunt', cluster: 'dr' };
    expect(followUpAlert({ ...created, followUp: created.followUp! }, from, '2026-12-07T06:00:00.000Z').subject).toEqual({ principal: 'User:svc-backup', cluster: 'dr' });
  });

  it('is a dry run when the incident that found it is one', () => {
    expect(isDryRunIncident('ir-unauthorized-access-0123456789abcdef-dry-a1b2c3d4')).toBe(true);
    expect(isDryRunIncident('ir-unauthorized-access-0123456789abcdef-a1b2c3d4')).toBe(false);
    expect(isDryRunIncident('ir-unauthorized-access.dr-0123456789abcdef-dry-a1b2c3d4')).toBe(true);
  });
});

describe('the generated broker log config', () => {
  const lines = readFileSync(`${ADMIN}/kafka-request.log`, 'utf8').trimEnd().split('\n');
  const forwarded = readFileSync(`${FORWARDED}/broker-3/server.log`, 'utf8').trimEnd();
  const metadata = forwarded.replace('"isForwarded":true', '"isForwarded":false').replace('"CREATE_ACLS"', '"METADATA"');
  const files = { logDir: '/logs', brokerPrincipal: 'User:admin' };

  it('keeps every admin request and drops forwarded copies, in the reload4j chain (first match decides) and the log4j2 regex', () => {
    const props = Object.fromEntries(brokerLog4jProperties(files).split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const ids = Object.keys(props).map((k) => /^log4j\.appender\.requests\.filter\.(\d+)$/.exec(k)?.[1]).filter((id): id is string => !!id).sort();
    const reload4j = (line: string) => {
      for (const id of ids) {
        const f = `log4j.appender.requests.filter.${id}`;
        if (props[f] === 'org.apache.log4j.varia.DenyAllFilter') return false;
        if (line.includes(props[`${f}.StringToMatch`]!)) return props[`${f}.AcceptOnMatch`] === 'true';
      }
      return true;
    };
    const regex = new RegExp(/appender\.requests\.filter\.access\.regex=(.*)/.exec(brokerLog4j2Properties(files))![1]!);
    for (const keeps of [reload4j, (l: string) => regex.test(l)]) {
      expect(lines.filter(keeps)).toEqual(lines);
      expect(keeps(forwarded)).toBe(false);
      expect(keeps(metadata)).toBe(false);
    }
  });
});
