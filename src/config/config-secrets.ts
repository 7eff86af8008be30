import type { Config } from './types';

/** Every secret value in the config, for the logger to scrub from its output. */
export function configSecrets(config: Config): string[] {
  return [
    ...(config.temporal.apiKey ? [config.temporal.apiKey] : []),
    ...(config.spacelift ? [config.spacelift.apiKeySecret] : []),
    ...(config.terraform ? [config.terraform.token] : []),
    ...config.webhook.secrets,
    ...config.webhook.terraformSecrets,
    ...(config.notify?.slackWebhookUrl ? [config.notify.slackWebhookUrl] : []),
    ...(config.notify?.webhookSecret ? [config.notify.webhookSecret] : []),
    // The whole URL, and the password alone: a message may quote either.
    ...(config.notify?.email ? [config.notify.email.smtpUrl, ...(config.notify.email.password ? [config.notify.email.password] : [])] : []),
    ...Object.values(config.tracing?.headers ?? {}),
  ];
}
