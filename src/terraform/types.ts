/** JSON:API shapes we read from HCP Terraform. Each mirrors a JSON Schema in schemas/terraform-*.json. */

export interface ToOne {
  data?: { id: string; type: string } | null;
}

export interface WorkspaceResource {
  id: string;
  type: 'workspaces';
  attributes: { name: string; 'tag-names': string[] };
}

export interface RunActions {
  'is-cancelable'?: boolean;
  'is-confirmable'?: boolean;
  'is-discardable'?: boolean;
  'is-force-cancelable'?: boolean;
}

export interface RunResource {
  id: string;
  type: 'runs';
  attributes: { status: string; 'created-at': string; message?: string | null; actions?: RunActions };
  relationships?: { workspace?: ToOne; plan?: ToOne };
}

export interface PlanResource {
  id: string;
  type: 'plans';
  attributes: {
    status: string;
    'has-changes'?: boolean;
    'resource-additions'?: number | null;
    'resource-changes'?: number | null;
    'resource-destructions'?: number | null;
  };
}

/** An included resource: a plan when type is "plans" (the schema enforces it), anything else otherwise. */
export type IncludedResource = PlanResource | { id: string; type: string };

export interface Pagination {
  'current-page': number;
  'next-page': number | null;
  'prev-page'?: number | null;
  'total-pages'?: number;
  'total-count'?: number;
}

export interface WorkspaceListResponse {
  data: WorkspaceResource[];
  meta: { pagination: Pagination };
}
export interface WorkspaceShowResponse {
  data: WorkspaceResource;
}
export interface RunShowResponse {
  data: RunResource;
  included?: IncludedResource[];
}
export interface RunListResponse {
  data: RunResource[];
  included?: IncludedResource[];
  meta?: { pagination?: Partial<Pagination> };
}
export interface AccountDetailsResponse {
  data: { id: string; type: 'users'; attributes: { username: string | null; 'is-service-account'?: boolean } };
}
export interface ErrorsResponse {
  errors: { status?: string | number; title?: string; detail?: string | null }[];
}

/** A run notification (payload_version 1); verification pings carry nulls in the run fields. */
export interface RunNotificationPayload {
  payload_version: 1;
  notification_configuration_id?: string;
  run_url?: string | null;
  run_id: string | null;
  run_message: string | null;
  run_created_at?: string | null;
  run_created_by?: string | null;
  workspace_id?: string | null;
  workspace_name: string | null;
  organization_name: string | null;
  notifications: {
    message?: string | null;
    trigger: string;
    run_status: string | null;
    run_updated_at?: string | null;
    run_updated_by?: string | null;
  }[];
}

/** A workspace notification (payload_version 2: health assessments, auto-destroy); not a run event. */
export interface WorkspaceNotificationPayload {
  payload_version: 2 | '2';
  trigger: string;
}

export type NotificationPayload = RunNotificationPayload | WorkspaceNotificationPayload;
