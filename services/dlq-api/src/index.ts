/**
 * The dead-letter HTTP API, startable in-process for tests.
 *
 * ```ts
 * import { startDlqApi, loadConfig } from '@junction/dlq-api';
 * const api = await startDlqApi(loadConfig());
 * ```
 */
export { startDlqApi, type DlqApi } from './server';
export {
  loadConfig,
  parseKeys,
  hashApiKey,
  ConfigError,
  type DlqApiConfig,
  type ApiKey,
  type Role,
} from './config';
export { OPENAPI } from './openapi';
