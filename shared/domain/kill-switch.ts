/** ARMED lets orders out; TRIPPED and COOLDOWN stop every order that opens or increases a position. */
export type KillSwitchStatus = 'ARMED' | 'TRIPPED' | 'COOLDOWN';

export interface KillSwitchEvent {
  readonly event: 'TRIP' | 'RESET';
  readonly at: number;
  readonly by: string;
  readonly reason: string;
}

/** The kill switch item. A missing item means ARMED with no history. */
export interface KillSwitchState {
  readonly status: KillSwitchStatus;
  readonly reason?: string;
  readonly changedAt?: number;
  readonly changedBy?: string;
  /** While COOLDOWN: epoch ms after which the switch counts as ARMED again. */
  readonly cooldownUntil?: number;
  readonly tripCount: number;
  readonly history: readonly KillSwitchEvent[];
}
