export { ConfigError } from './errors';
export { defaultCascadeConfig } from './cascade-section';
export { configSecrets } from './config-secrets';
export {
  loadConfig,
  loadGeneralConfig,
  type ConfigRole,
  type ConfigWithSpacelift,
  type LoadConfigFlags,
  type LoadConfigOptions,
} from './load-config';
export type { ConfigFlags, Env } from './read-secret';
export { VARIABLES, flagName, type VariableGroup, type VariableName, type VariableSpec } from './variables';
export type * from './types';
