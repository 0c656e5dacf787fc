// The action catalogue: every runbook action, by domain. An action added here must be performed in workflows/dispatch.ts
// and described for the workflow in action-facts.ts.
import { z } from 'zod';
import { aclActions } from './actions/acl.js';
import { credentialActions } from './actions/credentials.js';
import { quotaActions } from './actions/quota.js';
import { forensicsActions } from './actions/forensics.js';
import { clusterActions } from './actions/cluster.js';
import { siemActions } from './actions/siem.js';
import { notifyActions } from './actions/notify.js';

export const actionCatalogue = {
  ...aclActions,
  ...quotaActions,
  ...credentialActions,
  ...forensicsActions,
  ...clusterActions,
  ...siemActions,
  ...notifyActions,
} as const;

export type ActionName = keyof typeof actionCatalogue;
export const ActionName = z.enum(Object.keys(actionCatalogue) as [ActionName, ...ActionName[]], {
  error: (issue) => `unknown action ${JSON.stringify(issue.input)}: use one of ${Object.keys(actionCatalogue).join(', ')} (runbooks/README.md describes each)`,
});
export type ActionInput<A extends ActionName> = z.output<(typeof actionCatalogue)[A]['input']>;
export type ActionOutput<A extends ActionName> = z.output<(typeof actionCatalogue)[A]['output']>;

