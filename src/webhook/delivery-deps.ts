import type { WebhookConfig } from '../config/types';
import type { RouteRunState } from './route-run-state';
import type { StartCascade } from './start-and-reply';

/** What both platforms' delivery handlers need from the listener. */
export interface DeliveryDeps {
  config: WebhookConfig;
  startCascade: StartCascade;
  routeRunState: RouteRunState;
  /**
   * Graph mode, when the listener knows the worker's API key: whether a run's `triggeredBy` names it (`api::<keyId>`
   * or the shortened `api::<prefix>::<name>`, src/spacelift/triggered-by.ts). Such a run's webhook is signalled to its
   * monitor and never starts a cascade; any other run is never watched and goes straight to the filter and the start.
   * Absent: the listener cannot tell, and asks Temporal (describe the run's monitor) before the filter.
   */
  cascadeTriggeredBy?: (triggeredBy: string | null | undefined) => boolean;
  /** False in direct mode: no cascade watches runs there, so no webhook is routed to a monitor. Default true. */
  watchesRuns?: boolean;
}
