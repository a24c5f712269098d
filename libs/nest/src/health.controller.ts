import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { JUNCTION_OPTIONS, PipelineHost, type JunctionModuleOptions } from './pipeline-host';

/**
 * `/health/live`: the process answers. `/health/ready`: every pipeline runs with Kafka connected, the
 * schema registry answers and no model circuit is open; otherwise 503 with the failing checks.
 */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(PipelineHost) private readonly host: PipelineHost,
    @Inject(JUNCTION_OPTIONS) private readonly options: JunctionModuleOptions,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res() res: Response): Promise<void> {
    const pipelines = this.host.health();
    const registry = await this.registryCheck();
    const kafkaUp = Object.values(pipelines).every((p) => p.kafkaConnected);
    const problems: string[] = [];
    for (const [name, h] of Object.entries(pipelines)) {
      if (!h.running) problems.push(`${name}: not running`);
      if (!h.kafkaConnected) problems.push(`${name}: Kafka not connected`);
      if (h.circuit === 'open') problems.push(`${name}: model circuit open`);
    }
    if (!registry.up) problems.push(`schema registry: ${registry.error ?? 'not answering'}`);
    const ok = problems.length === 0;
    res.status(ok ? 200 : 503).json({
      status: ok ? 'ready' : 'not-ready',
      problems,
      checks: { kafka: { up: kafkaUp, brokers: this.options.config.kafkaBrokers }, registry, pipelines },
    });
  }

  private async registryCheck(): Promise<{ up: boolean; url: string; error?: string }> {
    const url = this.options.config.schemaRegistryUrl;
    try {
      const r = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(2_000) });
      await r.arrayBuffer();
      return r.ok ? { up: true, url } : { up: false, url, error: `HTTP ${r.status}` };
    } catch (err) {
      return { up: false, url, error: (err as Error).message };
    }
  }
}

/** `/stats`: each pipeline's counters since start (records consumed, results, review, retry, DLQ, ...). */
@Controller('stats')
export class StatsController {
  constructor(@Inject(PipelineHost) private readonly host: PipelineHost) {}

  @Get()
  stats(): Record<string, object> {
    return Object.fromEntries(
      this.host.runners.map((r) => [r.pipeline.name, { ...r.stats, inFlight: r.inFlight }]),
    );
  }
}
