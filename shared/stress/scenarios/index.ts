import type { Scenario } from '../scenario.js';
import { alertFlood } from './alert-flood.js';
import { disconnectStorm } from './disconnect-storm.js';
import { exchangeOutage } from './exchange-outage.js';
import { flashCrash } from './flash-crash.js';
import { killSwitchTripReset } from './kill-switch.js';
import { policyCorruption } from './policy-corruption.js';
import { signalFlood } from './signal-flood.js';
import { stateStoreOutage } from './state-store.js';

/** Every stress scenario, in the order `npm run stress` runs them. */
export const SCENARIOS: readonly Scenario[] = [flashCrash, exchangeOutage, killSwitchTripReset, policyCorruption, signalFlood, stateStoreOutage, disconnectStorm, alertFlood];
