// The demo's approvers: roster people deciding through the public decision endpoint, scripted or asked at the terminal.
import { createInterface, type Interface } from 'node:readline/promises';
import { DEMO_PEOPLE, type DemoEngine, type DemoPerson } from './demo-engine.js';
import type { ProgressView } from './progress-view.js';
import { waitForStep } from './wait-for.js';

export interface Approvers {
  /** Waits for `step` to ask for approval and decides it as the people it waits on (as many as the quorum needs). */
  decide(id: string, step: string): Promise<'approved' | 'rejected'>;
  close(): void;
}

export interface ApproverOptions {
  /** Ask the person at the terminal instead of deciding for the scripted people. */
  interactive?: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream };
  /** A human-like pause before each scripted decision, in ms. */
  pauseMs?: [number, number];
}

const isDemoPerson = (p: string): p is DemoPerson => p in DEMO_PEOPLE;

/** The next voter: someone from a group no voter belongs to yet, so two approvals mean two teams agreeing. */
function nextVoter(waitingOn: string[], voted: string[]): DemoPerson | undefined {
  const candidates = waitingOn.filter(isDemoPerson);
  const votedGroups = new Set(voted.filter(isDemoPerson).flatMap((p) => DEMO_PEOPLE[p].groups as readonly string[]));
  return candidates.find((p) => !DEMO_PEOPLE[p].groups.some((g) => votedGroups.has(g))) ?? candidates[0];
}

export function approvers(engine: DemoEngine, progress: ProgressView, options: ApproverOptions = {}): Approvers {
  const [min, max] = options.pauseMs ?? [1_500, 3_500];
  let prompt: Interface | undefined;
  const ask = async (question: string): Promise<boolean> => {
    prompt ??= createInterface({ input: options.interactive!.input, output: options.interactive!.output });
    for (;;) {
      const answer = (await prompt.question(question)).trim().toLowerCase();
      if (answer === 'y' || answer === 'yes') return true;
      if (answer === 'n' || answer === 'no') return false;
    }
  };

  return {
    async decide(id, stepId) {
      const view = (i: string) => engine.view(i);
      let step = await waitForStep(view, id, stepId, ['awaiting_approval'], 600_000);
      while (step.status === 'awaiting_approval') {
        const votes = step.approvals?.votes ?? [];
        const person = nextVoter(step.approvals?.waitingOn ?? [], votes.map((v) => v.person));
        if (!person) throw new Error(`step ${stepId} waits on nobody the demo can speak for`);
        const name = DEMO_PEOPLE[person].name;
        const approve = options.interactive
          ? await ask(`\n${name}, approve "${stepId}" — ${step.plan?.summary ?? 'no plan'}? [y/n] `)
          : await new Promise<boolean>((r) => setTimeout(() => r(true), min + Math.random() * (max - min)));
        const decision = approve ? 'approve' : 'reject';
        const res = await engine.api<{ accepted: boolean; reason?: string }>('POST', `/v1/incidents/${id}/decisions`,
          { step: stepId, decision, planHash: step.plan?.hash, reason: approve ? undefined : 'rejected in the demo' }, person);
        if (!res.body.accepted) throw new Error(`${name}'s decision on ${stepId} was refused: ${res.body.reason ?? `HTTP ${res.status}`}`);
        progress.say(`${name} ${approve ? 'approves' : 'rejects'} "${stepId}"`);
        if (!approve) return 'rejected';
        const now = (await engine.view(id)).steps.find((s) => s.id === stepId)!;
        const approvals = now.approvals?.votes.filter((v) => v.decision === 'approve').length ?? 0;
        // The vote is in the view at once; the step moves on when the workflow loop next runs.
        step = now.status === 'awaiting_approval' && approvals >= (now.approvals?.quorum ?? 1)
          ? await waitForStep(view, id, stepId, ['planned', 'running', 'done', 'failed', 'skipped', 'rejected', 'undone'])
          : now;
      }
      return 'approved';
    },
    close() { prompt?.close(); },
  };
}
