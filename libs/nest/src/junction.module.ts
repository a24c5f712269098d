import { Module, type DynamicModule } from '@nestjs/common';
import { HealthController, StatsController } from './health.controller';
import { JUNCTION_OPTIONS, PipelineHost, type JunctionModuleOptions } from './pipeline-host';

/** Hosts pipelines in a Nest app: `JunctionModule.forRoot({ pipelines, config, logger })`. */
@Module({})
export class JunctionModule {
  static forRoot(options: JunctionModuleOptions): DynamicModule {
    return {
      module: JunctionModule,
      controllers: [HealthController, StatsController],
      providers: [{ provide: JUNCTION_OPTIONS, useValue: options }, PipelineHost],
      exports: [PipelineHost],
    };
  }
}
