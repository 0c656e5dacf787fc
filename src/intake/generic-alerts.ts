// POST /v1/alerts: generic alerts, one or a batch, as they are (docs/design.md §6); `?dryRun=true` plans without changing Kafka.
import type { IntakeSource } from './intake-source.js';
import { requireCaller } from './auth.js';
import { submitAndAnswer } from './submit.js';

export const genericAlerts: IntakeSource = {
  register(app, intake) {
    app.post('/v1/alerts', { preHandler: requireCaller(intake.intakeToken, intake.roster) }, async (request, reply) => {
      const dryRun = (request.query as { dryRun?: string }).dryRun === 'true';
      const body = request.body;
      const batch = Array.isArray(body);
      const items: unknown[] = batch ? body : [body];
      const requestedBy = request.caller?.kind === 'person' ? request.caller.person : undefined;
      return submitAndAnswer(reply, intake, {
        candidates: items.map((alert) => ({ alert })),
        refuseIfNoneValid: batch ? { error: 'no valid alert in the batch', indexed: true } : { error: 'invalid alert' },
      }, { dryRun, requestedBy });
    });
  },
};
