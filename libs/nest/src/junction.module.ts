import { Module, type DynamicModule } from '@nestjs/common';
import { HealthController, MetricsController, StatsController } from './health.controller';
import {
  JUNCTION_CONFIG,
  JUNCTION_LOGGER,
  JUNCTION_OPTIONS,
  resolveJunctionOptions,
  type JunctionModuleOptions,
} from './junction-options';
import { PipelineHost } from './pipeline-host';

/**
 * Hosts pipelines in a Nest app: one runner per pipeline, started with the app and stopped
 * gracefully before it shuts down, plus `GET /health/live`, `GET /health/ready` and `GET /stats`.
 *
 * ```ts
 * @Module({ imports: [JunctionModule.forRoot({ pipelines: [leadScoring] })] })
 * class AppModule {}
 * ```
 *
 * Global: any module of the app can inject `PipelineHost`, `JUNCTION_CONFIG` and `JUNCTION_LOGGER`.
 * Without `config`, the configuration is read from `env` (default process.env) here, so a bad
 * setting fails `forRoot` with a `ConfigError` before anything starts.
 */
@Module({})
export class JunctionModule {
  static forRoot(options: JunctionModuleOptions): DynamicModule {
    const resolved = resolveJunctionOptions(options);
    return {
      module: JunctionModule,
      global: true,
      controllers: [HealthController, StatsController, MetricsController],
      providers: [
        { provide: JUNCTION_OPTIONS, useValue: resolved },
        { provide: JUNCTION_CONFIG, useValue: resolved.config },
        { provide: JUNCTION_LOGGER, useValue: resolved.logger },
        PipelineHost,
      ],
      exports: [PipelineHost, JUNCTION_CONFIG, JUNCTION_LOGGER],
    };
  }
}
