/**
 * Every setting the service reads. This table drives `--help`, the flag names and the README, so the three
 * cannot drift. Each variable may also be given as VAR_FILE (a path) or as a systemd credential named VAR.
 */

export type VariableGroup = 'temporal' | 'spacelift' | 'terraform' | 'webhook' | 'cascade' | 'notify' | 'audit' | 'tracing' | 'general';

export interface VariableSpec {
  name: string;
  /** Shown as the default in help; undefined when the variable is simply off/absent by default. */
  default: string | undefined;
  description: string;
  /** Secrets have no CLI flag (argv is visible in `ps`) and are never echoed in errors or logs. */
  secret: boolean;
  group: VariableGroup;
}

export const VARIABLES = [
  { name: 'TEMPORAL_URL', default: 'temporal:7233', secret: false, group: 'temporal', description: 'Temporal frontend address, host:port' },
  { name: 'TEMPORAL_NAMESPACE', default: 'default', secret: false, group: 'temporal', description: 'Temporal namespace' },
  {
    name: 'TEMPORAL_TASK_QUEUE',
    default: 'spacelift-task-queue',
    secret: false,
    group: 'temporal',
    description: 'Task queue the worker polls and workflows start on',
  },
  {
    name: 'TEMPORAL_TLS',
    default: 'false',
    secret: false,
    group: 'temporal',
    description: 'Connect with TLS (true/false); implied by any TLS file, server name or API key',
  },
  {
    name: 'TEMPORAL_TLS_CA_FILE',
    default: undefined,
    secret: false,
    group: 'temporal',
    description: 'PEM CA bundle to verify the server (default: system roots)',
  },
  {
    name: 'TEMPORAL_TLS_CERT_FILE',
    default: undefined,
    secret: false,
    group: 'temporal',
    description: 'PEM client certificate for mTLS (needs TEMPORAL_TLS_KEY_FILE)',
  },
  {
    name: 'TEMPORAL_TLS_KEY_FILE',
    default: undefined,
    secret: false,
    group: 'temporal',
    description: 'PEM client key for mTLS (needs TEMPORAL_TLS_CERT_FILE)',
  },
  {
    name: 'TEMPORAL_TLS_SERVER_NAME',
    default: undefined,
    secret: false,
    group: 'temporal',
    description: 'Override the TLS server name (SNI)',
  },
  { name: 'TEMPORAL_API_KEY', default: undefined, secret: true, group: 'temporal', description: 'Temporal Cloud API key; implies TLS' },
  {
    name: 'SPACELIFT_API_ENDPOINT',
    default: undefined,
    secret: false,
    group: 'spacelift',
    description: 'Spacelift account URL, e.g. https://acme.app.spacelift.io',
  },
  {
    name: 'SPACELIFT_API_KEY_ID',
    default: undefined,
    secret: false,
    group: 'spacelift',
    description: 'Spacelift API key ID; `webhook` may be given it alone (not a secret) to know the runs cascades triggered',
  },
  { name: 'SPACELIFT_API_KEY_SECRET', default: undefined, secret: true, group: 'spacelift', description: 'Spacelift API key secret' },
  {
    name: 'SPACELIFT_DISCOVERY',
    default: 'scan',
    secret: false,
    group: 'spacelift',
    description: 'How dependents are found: scan (all stacks) or label (searchStacks by label)',
  },
  {
    name: 'SPACELIFT_REQUEST_TIMEOUT_MS',
    default: '10000',
    secret: false,
    group: 'spacelift',
    description: 'Timeout of one Spacelift API request, in ms',
  },
  {
    name: 'SPACELIFT_TRIGGER_RATE',
    default: '5',
    secret: false,
    group: 'spacelift',
    description:
      'Most runTrigger calls per second, for all workers of the task queue together: the Temporal server holds triggers back (0 = unlimited; a direct chain then triggers in local activities)',
  },
  {
    name: 'TFC_URL',
    default: 'https://app.terraform.io',
    secret: false,
    group: 'terraform',
    description: 'HCP Terraform, or your Terraform Enterprise base URL (see docs/platforms.md)',
  },
  {
    name: 'TFC_ORGANIZATION',
    default: undefined,
    secret: false,
    group: 'terraform',
    description: 'HCP Terraform organization whose workspaces join cascades as tfc:<workspace> (with TFC_TOKEN; default: off)',
  },
  {
    name: 'TFC_TOKEN',
    default: undefined,
    secret: true,
    group: 'terraform',
    description: 'HCP Terraform team or user API token (with TFC_ORGANIZATION)',
  },
  {
    name: 'TFC_WEBHOOK_SECRET',
    default: undefined,
    secret: true,
    group: 'webhook',
    description: 'Token of the HCP Terraform notification configuration; enables POST /webhooks/terraform (comma-separated for rotation)',
  },
  {
    name: 'SPACELIFT_WEBHOOK_SECRET',
    default: undefined,
    secret: true,
    group: 'webhook',
    description: 'Webhook HMAC secret; a comma-separated list accepts several during rotation',
  },
  { name: 'WEBHOOK_HOST', default: '0.0.0.0', secret: false, group: 'webhook', description: 'Address the webhook listener binds' },
  { name: 'WEBHOOK_PORT', default: '8080', secret: false, group: 'webhook', description: 'Port the webhook listener binds' },
  {
    name: 'WEBHOOK_MAX_BODY_BYTES',
    default: '1048576',
    secret: false,
    group: 'webhook',
    description: 'Largest webhook body accepted; larger ones get 413',
  },
  {
    name: 'CASCADE_TRIGGER_STATES',
    default: 'FINISHED',
    secret: false,
    group: 'webhook',
    description: 'Comma-separated run states that start a chain',
  },
  {
    name: 'CASCADE_RUN_TYPES',
    default: 'TRACKED',
    secret: false,
    group: 'webhook',
    description: 'Comma-separated run types that start a chain',
  },
  {
    name: 'CASCADE_MODE',
    default: 'graph',
    secret: false,
    group: 'cascade',
    description:
      'graph: CascadeWorkflow runs the whole downstream graph; direct: StackDependencyChainWorkflow triggers only the direct dependents (the original behaviour)',
  },
  {
    name: 'CASCADE_MAX_IN_FLIGHT',
    default: '10',
    secret: false,
    group: 'cascade',
    description: 'Runs in flight at once per cascade, 1 to 1000',
  },
  {
    name: 'CASCADE_RUN_TIMEOUT',
    default: '4h',
    secret: false,
    group: 'cascade',
    description:
      'A triggered run that has not ended after this long counts as timed out and skips its dependents (30s, 90m, 4h, 1h30m ...)',
  },
  {
    name: 'CASCADE_APPROVAL_TIMEOUT',
    default: '24h',
    secret: false,
    group: 'cascade',
    description: 'How long a stack labelled cascade:approval waits for approve/reject before it is skipped',
  },
  {
    name: 'CASCADE_BLACKOUTS',
    default: undefined,
    secret: false,
    group: 'cascade',
    description:
      'UTC maintenance windows in which nothing is triggered, separated by ;, e.g. "Sat 00:00-Mon 06:00; 2026-12-24T00:00Z/2026-12-27T00:00Z" (default: none)',
  },
  {
    name: 'CASCADE_EDGE_MODE',
    default: 'always',
    secret: false,
    group: 'cascade',
    description:
      'always: a dependsOn edge fires on its upstream state alone; changed: edges without when: also need the upstream run to have changed resources',
  },
  {
    name: 'CASCADE_PLAN_TIMEOUT',
    default: '1h',
    secret: false,
    group: 'cascade',
    description: 'How long a cascade may take to read and plan its graph, retrying through Spacelift outages, before it fails',
  },
  {
    name: 'CASCADE_TRIGGER_ATTEMPTS',
    default: '3',
    secret: false,
    group: 'cascade',
    description: 'Attempts of each runTrigger (1 s, 2 s, … up to 60 s apart), 1 to 10; a stack label cascadeRetries:<n> overrides it',
  },
  {
    name: 'CASCADE_POLL_INTERVAL',
    default: '60s',
    secret: false,
    group: 'cascade',
    description: 'First poll of a triggered run when no webhook reports its end; the interval doubles up to 10m (or stays, if longer)',
  },
  {
    name: 'NOTIFY_SLACK_WEBHOOK_URL',
    default: undefined,
    secret: true,
    group: 'notify',
    description: 'Slack incoming-webhook URL that hears about cascades (the URL itself is the credential)',
  },
  {
    name: 'NOTIFY_WEBHOOK_URL',
    default: undefined,
    secret: false,
    group: 'notify',
    description: 'URL that receives every cascade notification as JSON, signed in X-Signature-256 with NOTIFY_WEBHOOK_SECRET',
  },
  {
    name: 'NOTIFY_WEBHOOK_SECRET',
    default: undefined,
    secret: true,
    group: 'notify',
    description: 'HMAC-SHA256 secret that signs the NOTIFY_WEBHOOK_URL requests (required with it)',
  },
  {
    name: 'NOTIFY_SMTP_URL',
    default: undefined,
    secret: true,
    group: 'notify',
    description:
      'SMTP server for email notifications: smtp://user:password@host:587 (STARTTLS required; ?starttls=optional for a relay without TLS) or smtps://…:465 (TLS)',
  },
  {
    name: 'NOTIFY_EMAIL_FROM',
    default: undefined,
    secret: false,
    group: 'notify',
    description: 'Sender of notification emails, e.g. "Spacelift cascade <cascade@example.com>" (with NOTIFY_SMTP_URL)',
  },
  {
    name: 'NOTIFY_EMAIL_TO',
    default: undefined,
    secret: false,
    group: 'notify',
    description: 'Comma-separated recipients of notification emails (with NOTIFY_SMTP_URL)',
  },
  {
    name: 'NOTIFY_EVENTS',
    default: 'completed,failed,approval_needed,timed_out',
    secret: false,
    group: 'notify',
    description: 'Comma-separated events that are sent: completed, failed (a stack failed), approval_needed, timed_out (a run)',
  },
  {
    name: 'AUDIT_LOG_PATH',
    default: undefined,
    secret: false,
    group: 'audit',
    description:
      'Absolute path of the audit log: one JSON line per cascade decision (triggered, skipped, failed, approved, rejected, cancelled); default: off',
  },
  {
    name: 'AUDIT_LOG_MAX_BYTES',
    default: '10485760',
    secret: false,
    group: 'audit',
    description: 'Size in bytes at which the audit log is rotated to AUDIT_LOG_PATH.1 (1024 to 1073741824)',
  },
  {
    name: 'AUDIT_LOG_KEEP',
    default: '5',
    secret: false,
    group: 'audit',
    description: 'Rotated audit logs kept, AUDIT_LOG_PATH.1 (newest) to .N, 1 to 100',
  },
  {
    name: 'METRICS_PORT',
    default: undefined,
    secret: false,
    group: 'general',
    description:
      '`worker` only: serve GET /metrics on this port of WEBHOOK_HOST (serve and webhook expose it on the listener); default: off',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    default: undefined,
    secret: false,
    group: 'tracing',
    description:
      'OpenTelemetry collector (OTLP/HTTP, protobuf), e.g. http://otel-collector:4318: traces go to <url>/v1/traces; default: tracing off',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_HEADERS',
    default: undefined,
    secret: true,
    group: 'tracing',
    description: "Headers sent with every trace export, key=value pairs separated by commas (a tracing vendor's API key)",
  },
  {
    name: 'OTEL_SERVICE_NAME',
    default: 'spacelift-cascade',
    secret: false,
    group: 'tracing',
    description: 'service.name of the spans this process exports',
  },
  { name: 'LOG_LEVEL', default: 'info', secret: false, group: 'general', description: 'debug, info, warn or error' },
  {
    name: 'SHUTDOWN_GRACE_MS',
    default: '20000',
    secret: false,
    group: 'general',
    description: 'How long SIGTERM waits for in-flight work before exiting',
  },
] as const satisfies readonly VariableSpec[];

export type VariableName = (typeof VARIABLES)[number]['name'];

/** `TEMPORAL_URL` → `temporal-url`; undefined for secrets, which are never accepted on the command line. */
export function flagName(variable: VariableSpec): string | undefined {
  return variable.secret ? undefined : variable.name.toLowerCase().replace(/_/g, '-');
}

export function variableSpec(name: VariableName): VariableSpec {
  const spec = VARIABLES.find((v) => v.name === name);
  if (!spec) throw new Error(`unknown variable ${name}`);
  return spec;
}
