// The runbook's statechart as this incident walked it: phases, their steps (parallel groups kept), process gates, the end.
import { actionCatalogue, type ActionName } from '../model/actions.js';
import { quorumOf } from '../model/approval-seats.js';
import type { IncidentView, StepView } from '../model/incident.js';
import { Runbook, type Phase, type Step } from '../model/runbook.js';
import { isParallel, isUndoStep, PHASES } from '../model/runbook-steps.js';
import type { FlowPhase, FlowStep, ReportFlow } from '../model/incident-report.js';

function flowStep(view: StepView | undefined, def: Step | undefined, fallback: { id: string; action: string }): FlowStep {
  const action = view?.action ?? fallback.action;
  const kind = action.startsWith('undo:') ? 'undo' : (actionCatalogue[action as ActionName] as { kind: 'read' | 'change' } | undefined)?.kind ?? 'read';
  const quorum = def?.approval ? quorumOf(def.approval) : view?.approvals?.quorum;
  return { id: fallback.id, action, kind, status: view?.status ?? 'pending', ...(quorum !== undefined ? { approval: { quorum } } : {}) };
}

/** Items of a phase from the pinned runbook; without it (a view-only report) every step is its own item. */
function itemsOf(phase: Phase, view: IncidentView, runbook: Runbook | undefined): FlowPhase['items'] {
  const byId = new Map(view.steps.map((s) => [s.id, s]));
  if (!runbook) return view.steps.filter((s) => s.phase === phase).map((s) => ({ parallel: false, steps: [flowStep(s, undefined, s)] }));
  const one = (def: Step) => flowStep(byId.get(def.id), def, { id: def.id, action: isUndoStep(def) ? `undo:${def.undo}` : def.action });
  return (runbook.phases[phase] ?? []).map((item) => (isParallel(item)
    ? { parallel: true, steps: item.parallel.map(one) }
    : { parallel: false, steps: [one(item)] }));
}

/** The same process gates the machine compiles (eradication waits for verified containment, close for the lessons record). */
function gateOf(phase: Phase, view: IncidentView, runbook: Runbook | undefined): FlowPhase['gate'] {
  const has = runbook
    ? (phase === 'containment' && (runbook.phases.eradication?.length ?? 0) > 0) || (phase === 'lessons' && runbook.phases.lessons !== undefined)
    : false;
  if (!has) return undefined;
  const forced = view.timeline.some((t) => t.type === 'force-advance' && t.phase === phase);
  return { kind: phase === 'containment' ? 'verified' : 'lessons', forced };
}

export function reportFlow(view: IncidentView, input: unknown): ReportFlow {
  const pinned = Runbook.safeParse((input as { runbook?: unknown } | undefined)?.runbook);
  const runbook = pinned.success ? pinned.data : undefined;
  const entered = view.timeline.filter((t) => t.type === 'phase').map((t) => String(t.phase));
  const phases = PHASES.map((phase) => {
    const gate = gateOf(phase, view, runbook);
    return { phase, entered: entered.includes(phase), items: itemsOf(phase, view, runbook), ...(gate ? { gate } : {}) };
  });
  // An abort leaves from the phase the incident was in; an open incident is still in it.
  const last = entered.at(-1);
  return { from: runbook ? 'runbook' : 'view', phases, end: view.status, ...(last ? { lastPhase: last as Phase } : {}) };
}
