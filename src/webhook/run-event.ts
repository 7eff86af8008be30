/**
 * The part of Spacelift's run state change webhook (spacelift-api.md §4.2) the cascade reads. It mirrors
 * schemas/webhook-run-event.json, which enforces it at the gate; every other field is passed over untouched.
 */
export interface RunEvent {
  account?: string | null;
  state: string;
  stateVersion: number;
  timestamp?: number | null;
  run: {
    id: string;
    /** null: the payload does not say, and such a run starts nothing. */
    type: string | null;
    branch?: string | null;
    createdAt?: number | null;
    triggeredBy?: string | null;
    /** Resources the run changed; null until a plan exists. A null count makes it unknown, like null. */
    delta?: { added: number | null; changed: number | null; deleted: number | null; resources?: number | null } | null;
  };
  stack: {
    id: string;
    name?: string | null;
    labels?: string[] | null;
  };
}
