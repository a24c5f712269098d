/**
 * Hosts pipelines in a NestJS app with health endpoints and validated configuration.
 *
 * ```ts
 * // services/lead-scoring/src/main.ts
 * import { runService } from '@junction/nest';
 * import { leadScoring } from './lead-scoring.pipeline';
 * await runService({ name: 'lead-scoring', pipelines: [leadScoring] });
 * ```
 *
 * Settings (environment): KAFKA_BROKERS, SCHEMA_REGISTRY_URL (required); PORT (3000), HOST (0.0.0.0),
 * LOG_LEVEL (info), SHUTDOWN_TIMEOUT_MS (20000). Endpoints: GET /health/live, GET /health/ready, GET /stats.
 */
export { runService, createService, type ServiceOptions } from './bootstrap';
export { loadJunctionConfig, ConfigError, type JunctionConfig } from './config';
export { JunctionModule } from './junction.module';
export {
  PipelineHost,
  JUNCTION_OPTIONS,
  type JunctionModuleOptions,
  type AnyPipeline,
} from './pipeline-host';
export { HealthController, StatsController } from './health.controller';
