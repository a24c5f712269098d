import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { MODEL_HOST, type ModelHost } from './model-host';
import { BadRequestError, decodeRows, encodeOutputs, metadata, type InferRequest } from './oip-codec';

/** Open Inference Protocol v2 REST endpoints (the subset KServe, Triton and MLServer clients use). */
@Controller('v2')
export class OipController {
  constructor(@Inject(MODEL_HOST) private readonly host: ModelHost) {}

  @Get()
  server() {
    return { name: 'junction-model-server', version: '1', extensions: [] };
  }

  @Get('health/live')
  live() {
    return { live: true };
  }

  @Get('health/ready')
  ready(@Res() res: Response) {
    const ready = !this.host.faults.down;
    res.status(ready ? 200 : 503).json({ ready });
  }

  @Get('models/:name')
  model(@Param('name') name: string, @Res() res: Response) {
    const m = this.host.models.get(name);
    if (!m) return void res.status(404).json({ error: `unknown model "${name}"` });
    res.json(metadata(m));
  }

  @Get('models/:name/versions/:version')
  modelVersion(@Param('name') name: string, @Param('version') version: string, @Res() res: Response) {
    const m = this.host.models.get(name);
    if (!m || m.version !== version)
      return void res.status(404).json({ error: `unknown model "${name}" version "${version}"` });
    res.json(metadata(m));
  }

  @Get('models/:name/ready')
  modelReady(@Param('name') name: string, @Res() res: Response) {
    const m = this.host.models.get(name);
    if (!m) return void res.status(404).json({ error: `unknown model "${name}"` });
    res.status(this.host.faults.down ? 503 : 200).json({ name, ready: !this.host.faults.down });
  }

  @Post('models/:name/infer')
  @HttpCode(200)
  infer(
    @Param('name') name: string,
    @Body() body: InferRequest,
    @Headers('idempotency-key') key: string | undefined,
    @Res() res: Response,
  ) {
    return this.run(name, undefined, body, key, res);
  }

  @Post('models/:name/versions/:version/infer')
  @HttpCode(200)
  inferVersion(
    @Param('name') name: string,
    @Param('version') version: string,
    @Body() body: InferRequest,
    @Headers('idempotency-key') key: string | undefined,
    @Res() res: Response,
  ) {
    return this.run(name, version, body, key, res);
  }

  private async run(
    name: string,
    version: string | undefined,
    body: InferRequest,
    key: string | undefined,
    res: Response,
  ): Promise<void> {
    const started = performance.now();
    const { faults, stats } = this.host;
    if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
    if (faults.down || (faults.errorRate > 0 && Math.random() < faults.errorRate)) {
      stats.errors++;
      return void res
        .status(503)
        .json({ error: faults.down ? 'model server is down (injected)' : 'injected failure' });
    }
    if (faults.timeoutRate > 0 && Math.random() < faults.timeoutRate) {
      stats.errors++;
      return; // never answers: the client's timeout fires
    }
    const model = this.host.models.get(name);
    if (!model || (version !== undefined && version !== model.version)) {
      return void res
        .status(404)
        .json({ error: `unknown model "${name}"${version ? ` version "${version}"` : ''}` });
    }
    const cacheKey = key ? `${name}\n${key}` : undefined;
    const stored = cacheKey ? this.host.responses.get(cacheKey) : undefined;
    if (stored) {
      res.setHeader('Idempotent-Replayed', 'true');
      res.type('application/json').send(stored);
      return;
    }
    try {
      const rows = decodeRows(model, body);
      const text = JSON.stringify(encodeOutputs(model, body.id, model.infer(rows)));
      if (cacheKey) this.host.responses.set(cacheKey, text);
      stats.record(performance.now() - started, rows.length);
      res.type('application/json').send(text);
    } catch (err) {
      if (err instanceof BadRequestError) return void res.status(400).json({ error: err.message });
      throw err;
    }
  }
}
