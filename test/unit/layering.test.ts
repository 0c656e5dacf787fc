// The layering of docs/design.md §2 holds for the real tree, and the check itself catches each kind of violation.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importsOf, layeringViolations, readImports, type Arrow } from '../support/layering.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const arrow = (from: string, to: string, typeOnly = false): Arrow => ({ from, line: 1, to, typeOnly });
const pkg = (from: string, name: string, typeOnly = false): Arrow => ({ from, line: 1, pkg: name, typeOnly });

describe('layering check', () => {
  it('accepts the intended layering', () => {
    expect(layeringViolations([
      arrow('workflows/run-incident.ts', 'src/model/runbook.ts'),
      arrow('workflows/dispatch.ts', 'activities/index.ts', true),
      arrow('workflows/run-incident.ts', 'workflows/dispatch.ts'),
      arrow('activities/kafka/acl.ts', 'adapters/kafka/client.ts'),
      arrow('activities/kafka/acl.ts', 'src/model/errors.ts'),
      arrow('adapters/kafka/client.ts', 'src/model/errors.ts'),
      pkg('adapters/kafka/client.ts', 'kafkajs'),
      pkg('adapters/kafka/broker-config.ts', '@platformatic/kafka'),
      pkg('adapters/slack/slack-client.ts', '@slack/web-api'),
      pkg('adapters/email/mailer.ts', 'nodemailer'),
      arrow('src/engine.ts', 'activities/index.ts'),
      arrow('src/temporal/worker.ts', 'activities/index.ts', true),
      arrow('src/server/app.ts', 'adapters/slack/slack-client.ts'),
      arrow('src/server/app.ts', 'src/temporal/incidents.ts'),
      arrow('src/temporal/incidents.ts', 'workflows/messages.ts'),
    ])).toEqual([]);
  });

  it('names each arrow that breaks a rule, with the rule', () => {
    expect(layeringViolations([
      arrow('workflows/dispatch.ts', 'activities/index.ts'),
      arrow('workflows/run-incident.ts', 'src/config.ts', true),
      arrow('adapters/kafka/client.ts', 'src/logger.ts'),
      arrow('activities/kafka/acl.ts', 'src/config.ts', true),
      arrow('src/server/slack.ts', 'activities/notify/slack.ts', true),
      arrow('src/model/plan.ts', 'adapters/kafka/client.ts'),
      pkg('activities/kafka/quota.ts', '@platformatic/kafka'),
      pkg('src/cli/status.ts', 'kafkajs/types', true),
      pkg('activities/notify/slack.ts', '@slack/web-api'),
      pkg('adapters/slack/mail.ts', 'nodemailer'),
    ])).toEqual([
      'workflows/dispatch.ts:1 → activities/index.ts: workflows import src/model and activity types (import type) only',
      'workflows/run-incident.ts:1 → src/config.ts (type): workflows import src/model and activity types (import type) only',
      'adapters/kafka/client.ts:1 → src/logger.ts: adapters import only src/model',
      'activities/kafka/acl.ts:1 → src/config.ts (type): activities import src/model only from src/ (adapters for the rest)',
      'src/server/slack.ts:1 → activities/notify/slack.ts (type): src/ uses adapters, never activities (only src/engine.ts and src/temporal/worker.ts wire them)',
      'src/model/plan.ts:1 → adapters/kafka/client.ts: src/model is pure: it imports only src/model',
      'activities/kafka/quota.ts:1 → @platformatic/kafka: @platformatic/kafka is imported only in adapters/kafka/',
      'src/cli/status.ts:1 → kafkajs/types (type): kafkajs/types is imported only in adapters/kafka/',
      'activities/notify/slack.ts:1 → @slack/web-api: @slack/web-api is imported only in adapters/slack/',
      'adapters/slack/mail.ts:1 → nodemailer: nodemailer is imported only in adapters/email/',
    ]);
  });

  it('names folder cycles with the arrows that close them, between top-level folders and between src/ folders', () => {
    expect(layeringViolations([
      arrow('src/server/app.ts', 'src/temporal/incidents.ts'),
      arrow('src/temporal/incidents.ts', 'src/report/build-report.ts'),
      arrow('src/report/build-report.ts', 'src/server/codec.ts'),
      arrow('src/cli.ts', 'src/cli/status.ts'),
      arrow('src/cli/status.ts', 'src/config.ts'),
      ...[0, 1, 2, 3, 4, 5].map((i) => arrow(`activities/a${i}.ts`, 'adapters/kafka/client.ts')),
      arrow('adapters/kafka/client.ts', 'activities/failure.ts'),
    ]).filter((v) => v.startsWith('cycle'))).toEqual([
      'cycle between activities, adapters:\n'
        + '    activities → adapters (6): activities/a0.ts:1 → adapters/kafka/client.ts and 5 more\n'
        + '    adapters → activities (1): adapters/kafka/client.ts:1 → activities/failure.ts',
      'cycle between src/report, src/server, src/temporal:\n'
        + '    src/report → src/server (1): src/report/build-report.ts:1 → src/server/codec.ts\n'
        + '    src/server → src/temporal (1): src/server/app.ts:1 → src/temporal/incidents.ts\n'
        + '    src/temporal → src/report (1): src/temporal/incidents.ts:1 → src/report/build-report.ts',
    ]);
  });

  it('reads static, re-exported, dynamic, type-position and require imports, telling type-only ones apart', () => {
    const source = [
      "import { a } from '../../src/model/a.js';",
      "import type { B } from '../index.js';",
      "import { type C, type D } from './c.js';",
      "import { type E, f } from './e.js';",
      "export { g } from '../../adapters/kafka/g.js';",
      "export type { H } from 'kafkajs';",
      "const i = await import('@slack/web-api');",
      "let j: import('./j.js').J;",
      "const k = require('nodemailer');",
    ].join('\n');
    expect(importsOf('activities/kafka/x.ts', source).map((a) => ['to' in a ? a.to : a.pkg, a.line, a.typeOnly])).toEqual([
      ['src/model/a.ts', 1, false],
      ['activities/index.ts', 2, true],
      ['activities/kafka/c.ts', 3, true],
      ['activities/kafka/e.ts', 4, false],
      ['adapters/kafka/g.ts', 5, false],
      ['kafkajs', 6, true],
      ['@slack/web-api', 7, false],
      ['activities/kafka/j.ts', 8, true],
      ['nodemailer', 9, false],
    ]);
  });
});

describe('the tree', () => {
  it('follows the layering: every offending import is listed', () => {
    const arrows = readImports(ROOT);
    expect(arrows.length).toBeGreaterThan(100);
    const violations = layeringViolations(arrows);
    expect(violations.length, `layering violations (docs/design.md §2):\n${violations.join('\n')}\n`).toBe(0);
  });
});
