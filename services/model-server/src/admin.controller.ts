import { Body, Controller, Get, Inject, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import { updateFaults } from './faults';
import { MODEL_HOST, type ModelHost } from './model-host';

/** Fault knobs and latency figures, for tests, benchmarks and the demo's summary. */
@Controller('admin')
export class AdminController {
  constructor(@Inject(MODEL_HOST) private readonly host: ModelHost) {}

  @Get('faults')
  faults() {
    return this.host.faults;
  }

  @Put('faults')
  setFaults(@Body() body: unknown, @Res() res: Response): void {
    const problems =
      typeof body === 'object' && body !== null && !Array.isArray(body)
        ? updateFaults(this.host.faults, body as Record<string, unknown>)
        : [
            'expected a JSON object {latencyMs?, errorRate?, timeoutRate?, down?} with content-type application/json',
          ];
    if (problems.length) return void res.status(400).json({ error: problems.join('; ') });
    res.json(this.host.faults);
  }

  @Get('stats')
  stats() {
    return { ...this.host.stats.snapshot(), replays: this.host.replays };
  }
}
