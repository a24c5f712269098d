import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { RunnerStats } from '@junction/pipeline';
import type { JunctionConfig } from './config';
import { JUNCTION_CONFIG } from './junction-options';
import { PipelineHost } from './pipeline-host';
import { checkRegistry, evaluateReadiness, type ReadinessReport } from './readiness';

/**
 * `GET /health/live`: 200 while the process answers (restart me only if this fails).
 * `GET /health/ready`: 200 when every pipeline runs with Kafka connected, the schema registry answers
 * and no circuit is open; otherwise 503. The body names every check and why it failed.
 */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(PipelineHost) private readonly host: PipelineHost,
    @Inject(JUNCTION_CONFIG) private readonly config: JunctionConfig,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response): Promise<ReadinessReport> {
    const registry = await checkRegistry(this.config.schemaRegistryUrl);
    const report = evaluateReadiness({
      brokers: this.config.kafkaBrokers,
      registry,
      // read after the registry answered, so the report shows the pipelines as they are now
      pipelines: this.host.health(),
      stopping: this.host.stopping,
    });
    res.status(report.status === 'ready' ? 200 : 503);
    res.setHeader('cache-control', 'no-store');
    return report;
  }
}

/**
 * `GET /stats`: each pipeline's counters since start (consumed, results, review, retry, DLQ, ...),
 * records in their call (`inFlight`) and records fetched and not yet committed (`buffered`).
 */
@Controller('stats')
export class StatsController {
  constructor(@Inject(PipelineHost) private readonly host: PipelineHost) {}

  @Get()
  stats(): Record<string, RunnerStats & { inFlight: number; buffered: number }> {
    return Object.fromEntries(
      this.host.runners.map((r) => [r.pipeline.name, { ...r.stats, inFlight: r.inFlight, buffered: r.buffered }]),
    );
  }
}

/** `/metrics`: Prometheus text format (the pipelines' metrics and the process's own). */
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(PipelineHost) private readonly host: PipelineHost) {}

  @Get()
  async metrics(@Res() res: Response): Promise<void> {
    const registry = this.host.metrics.registry;
    res.setHeader('content-type', registry.contentType);
    res.send(await registry.metrics());
  }
}
