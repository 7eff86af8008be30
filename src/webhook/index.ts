export { createWebhookServer, ListenError, WEBHOOK_PATH, type WebhookServer, type WebhookServerOptions } from './server';
export { handleDelivery, type DeliveryOutcome, type Reply, type StartChain } from './handle-delivery';
export type { RouteMode, RouteOutcome, RouteRunState, RunStateUpdate } from './route-run-state';
export { signPayload, verifySignature, type SignatureCheck } from './verify-signature';
export { validateRunEvent, type RunEventValidation } from './validate-run-event';
export { shouldStartChain, type FilterDecision } from './chain-filter';
export type { Readiness, ReadinessCheck } from './readiness';
export type { RunEvent } from './run-event';
