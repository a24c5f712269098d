/**
 * Hosts pipelines in a NestJS service: one runner per pipeline, started with the app and stopped
 * gracefully on SIGTERM, health endpoints, and configuration validated once at start.
 *
 * ```ts
 * // services/lead-scoring/src/main.ts
 * import { runService } from '@junction/nest';
 * import { leadScoring } from './lead-scoring.pipeline';
 *
 * await runService({ name: 'lead-scoring', pipelines: [leadScoring] });
 * ```
 *
 * With controllers or providers of its own, a service passes its module; it can inject the host:
 *
 * ```ts
 * @Controller('admin')
 * class AdminController {
 *   constructor(@Inject(PipelineHost) private readonly host: PipelineHost) {}
 *   @Get('stats') stats() { return this.host.stats(); }
 * }
 * @Module({ controllers: [AdminController] })
 * class LeadScoringModule {}
 *
 * await runService({ name: 'lead-scoring', pipelines: [leadScoring], module: LeadScoringModule });
 * ```
 *
 * Or, inside an existing Nest app: `imports: [JunctionModule.forRoot({ pipelines: [leadScoring] })]`.
 *
 * Settings (environment): `KAFKA_BROKERS`, `SCHEMA_REGISTRY_URL` (required); `PORT` (3000),
 * `HOST` (127.0.0.1; 0.0.0.0 in a container), `LOG_LEVEL` (info), `SHUTDOWN_TIMEOUT_MS` (20000), `SERVICE_NAME` (optional).
 * A bad configuration exits 1 with every problem listed, one per line.
 *
 * Endpoints: `GET /health/live` (200 while the process answers); `GET /health/ready` (200 when every
 * pipeline runs with Kafka connected, the schema registry answers and no circuit is open; else 503);
 * `GET /stats` (each pipeline's counters and in-flight records).
 *
 * Nest injects by explicit `@Inject(Token)` here (no `emitDecoratorMetadata` under tsx/vitest);
 * do the same in service modules.
 */
export {
  runService,
  createService,
  type ServiceOptions,
  type RunningService,
  type ServiceModuleImport,
} from './bootstrap';
export { loadJunctionConfig, ConfigError, LOG_LEVELS, type JunctionConfig, type LogLevel } from './config';
export { JunctionModule } from './junction.module';
export {
  JUNCTION_OPTIONS,
  JUNCTION_CONFIG,
  JUNCTION_LOGGER,
  type JunctionModuleOptions,
  type ResolvedJunctionOptions,
  type AnyPipeline,
} from './junction-options';
export { PipelineHost, STOP_GRACE_MS } from './pipeline-host';
export { HealthController, MetricsController, StatsController } from './health.controller';
export {
  evaluateReadiness,
  checkRegistry,
  REGISTRY_TIMEOUT_MS,
  type ReadinessReport,
  type KafkaCheck,
  type RegistryCheck,
  type PipelineCheck,
} from './readiness';
export { PinoNestLogger } from './nest-logger';
