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
  setFaults(@Body() body: Record<string, unknown>, @Res() res: Response) {
    const problems =
      body && typeof body === 'object' ? updateFaults(this.host.faults, body) : ['expected a JSON object'];
    if (problems.length) return void res.status(400).json({ error: problems.join('; ') });
    res.json(this.host.faults);
  }

  @Get('stats')
  stats() {
    return this.host.stats.snapshot();
  }
}
