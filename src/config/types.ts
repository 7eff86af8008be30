/** The one typed configuration object, built and validated by loadConfig. */
import type { Blackout } from '../cascade/blackout';

export interface TemporalConfig {
  /** host:port of the Temporal frontend. */
  address: string;
  namespace: string;
  taskQueue: string;
  /** TLS is on when any TLS option or an API key is set. */
  tls?: {
    serverNameOverride?: string;
    serverRootCACertificate?: Buffer;
    clientCert?: Buffer;
    clientKey?: Buffer;
  };
  apiKey?: string;
}

export type DiscoveryMode = 'scan' | 'label';

export interface SpaceliftConfig {
  /** Base URL, e.g. https://acme.app.spacelift.io (no /graphql). */
  endpoint: string;
  apiKeyId: string;
  apiKeySecret: string;
  discovery: DiscoveryMode;
  requestTimeoutMs: number;
}

/** HCP Terraform / Terraform Enterprise: present when TFC_TOKEN and TFC_ORGANIZATION are set. */
export interface TerraformConfig {
  /** Base URL without trailing slash (https://app.terraform.io, or a Terraform Enterprise host). */
  url: string;
  organization: string;
  token: string;
  requestTimeoutMs: number;
}

export interface WebhookConfig {
  host: string;
  port: number;
  /** Accepted HMAC secrets (rotation); empty only with insecureSkipSignature. */
  secrets: string[];
  /** TFC_WEBHOOK_SECRET: tokens that sign HCP Terraform notifications; empty: POST /webhooks/terraform is off. */
  terraformSecrets: string[];
  insecureSkipSignature: boolean;
  maxBodyBytes: number;
  /** Run states that start a chain (default FINISHED). */
  triggerStates: string[];
  /** Run types that start a chain (default TRACKED). */
  runTypes: string[];
}

/** graph: CascadeWorkflow over the whole downstream graph; direct: the original one-level StackDependencyChainWorkflow. */
export type CascadeMode = 'graph' | 'direct';
export type EdgeMode = 'always' | 'changed';

export interface CascadeConfig {
  mode: CascadeMode;
  maxInFlight: number;
  runTimeoutMs: number;
  approvalTimeoutMs: number;
  /** Maintenance windows, parsed at start; empty when none are configured. */
  blackouts: Blackout[];
  /** The `when` of edges whose label does not say (the workflow's options.globalWhen). */
  edgeMode: EdgeMode;
  /** First poll of a triggered run's state when no webhook reports it. */
  pollIntervalMs: number;
  /** runTrigger dispatches per second for the whole trigger task queue; 0 means unlimited. */
  triggerRatePerSecond: number;
  /** How long a cascade's plan may take, retries through outages included. */
  planTimeoutMs: number;
  /** Attempts of each trigger, unless the stack says otherwise (cascadeRetries:<n>). */
  triggerAttempts: number;
}

export const NOTIFY_EVENTS = ['completed', 'failed', 'approval_needed', 'timed_out'] as const;
/** completed / failed: the cascade ended (failed when any stack failed); approval_needed / timed_out: one stack. */
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

/** Where cascade notifications go; a channel without its URL is off. */
export interface NotifyConfig {
  /** A Slack incoming-webhook URL: a secret, since anyone holding it can post. */
  slackWebhookUrl?: string;
  webhookUrl?: string;
  /** Always set when webhookUrl is. */
  webhookSecret?: string;
  /** Email over SMTP: present when NOTIFY_SMTP_URL, NOTIFY_EMAIL_FROM and NOTIFY_EMAIL_TO are all set. */
  email?: EmailConfig;
  /** The events that are sent; the workflow reports every event and the activity picks. */
  events: NotifyEvent[];
}

/** Where and how notification emails go; parsed from NOTIFY_SMTP_URL (a secret: it may hold a password). */
export interface EmailConfig {
  /** The URL as configured, for the logger to scrub. */
  smtpUrl: string;
  host: string;
  port: number;
  /** smtps://: TLS from the first byte (port 465 by default). */
  secure: boolean;
  /** smtp://: STARTTLS is `required` (default) or `optional` (`?starttls=optional`, for a relay without TLS). */
  starttls: 'required' | 'optional';
  user?: string;
  password?: string;
  from: string;
  to: string[];
}

export interface AuditConfig {
  /** Absolute path of the JSON-lines audit log; absent: no audit log. */
  path?: string;
  /** The file is rotated before a write would take it past this size. */
  maxBytes: number;
  /** Rotated files kept: path.1 (newest) … path.<keep>. */
  keep: number;
}

/** OpenTelemetry tracing: present when OTEL_EXPORTER_OTLP_ENDPOINT is set. */
export interface TracingConfig {
  /** Where spans are POSTed (OTLP/HTTP, protobuf): the endpoint plus /v1/traces. */
  tracesUrl: string;
  serviceName: string;
  /** OTEL_EXPORTER_OTLP_HEADERS; values are secrets. */
  headers: Record<string, string>;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Config {
  temporal: TemporalConfig;
  /** Absent when no Spacelift credentials are configured (allowed for `webhook` and `check-connection`). */
  spacelift?: SpaceliftConfig;
  /**
   * SPACELIFT_API_KEY_ID whenever it is set: the key cascades trigger runs with, by which the listener recognises
   * their runs. `webhook` may be given it alone, without the rest of the credentials.
   */
  cascadeKeyId?: string;
  /** Absent when HCP Terraform is not configured. */
  terraform?: TerraformConfig;
  webhook: WebhookConfig;
  cascade: CascadeConfig;
  /** loadConfig always sets it; absent (the demo) means no notifications. */
  notify?: NotifyConfig;
  /** loadConfig always sets it; absent (the demo) means no audit log. */
  audit?: AuditConfig;
  logLevel: LogLevel;
  shutdownGraceMs: number;
  /** METRICS_PORT: where a `worker` alone serves /metrics; absent: it does not. */
  metricsPort?: number;
  /** OTEL_EXPORTER_OTLP_ENDPOINT and friends; absent: no tracing. */
  tracing?: TracingConfig;
}
