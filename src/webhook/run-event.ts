/**
 * The part of Spacelift's run state change webhook (spacelift-api.md §4.2) the cascade reads. It mirrors
 * schemas/webhook-run-event.json, which enforces it at the gate; every other field is passed over untouched.
 */
export interface RunEvent {
  account: string;
  state: string;
  stateVersion: number;
  timestamp?: number;
  run: {
    id: string;
    type: string;
    branch?: string;
    createdAt?: number;
    triggeredBy?: string | null;
    /** Resources the run changed; null until a plan exists. */
    delta?: { added: number; changed: number; deleted: number; resources?: number } | null;
  };
  stack: {
    id: string;
    name?: string;
    labels?: string[];
  };
}
