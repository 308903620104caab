import type { Clock } from '../ports.js';

/** The wall clock; only the runtime layer (and the CLI, an operator's process) may read it. Kept apart from deps.ts so importing it loads no logger or metrics. */
export const systemClock: Clock = { now: () => Date.now() };
