// The action catalogue: every runbook action, by domain. An action added here must be performed in workflows/dispatch.ts.
import { z } from 'zod';
import { aclActions } from './actions/acl.js';

export const actionCatalogue = {
  ...aclActions,
} as const;

export type ActionName = keyof typeof actionCatalogue;
export const ActionName = z.enum(Object.keys(actionCatalogue) as [ActionName, ...ActionName[]]);
export type ActionInput<A extends ActionName> = z.output<(typeof actionCatalogue)[A]['input']>;
export type ActionOutput<A extends ActionName> = z.output<(typeof actionCatalogue)[A]['output']>;
