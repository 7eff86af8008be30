export { createNotifier, NotifyDeliveryError, NOTIFY_TIMEOUT_MS, type Notifier, type NotifierOptions } from './notifier';
export { buildSlackMessage, buildWebhookBody, deliveryId, webhookHeaders, type SlackMessage, type WebhookBody } from './payload';
export { approvalSummary, countStates, endSummary, timeoutSummary } from './summary';
export {
  NOTIFY_CHANNELS,
  type NotificationStack,
  type NotifyChannel,
  type NotifyEvent,
  type NotifyInput,
  type NotifyResult,
} from './types';
