// The workflows the worker registers (bundled by bundleWorkflowCode: deterministic code only).
export { runIncident } from './run-incident.js';
export { refreshBaseline } from './refresh-baseline.js';
