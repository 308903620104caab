/** `npm run stress`: the stress suite (shared/stress) on the embedded pipeline; see `npm run stress -- --help`. */
import { runStress } from '../shared/stress/runner.js';

process.exitCode = await runStress(process.argv.slice(2));
