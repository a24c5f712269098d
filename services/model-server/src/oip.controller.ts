import { contextFromHeaders, failSpan, SpanKind, tracer, type Span } from '@junction/observability';
import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { MODEL_HOST, type ModelHost } from './model-host';
import type { Model } from './models/model';
import { BadRequestError, decodeRequest, encodeResponse, metadata } from './oip-codec';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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
  ready(@Res() res: Response): void {
    const ready = !this.host.faults.down;
    res.status(ready ? 200 : 503).json({ ready });
  }

  @Get('models/:name')
  model(@Param('name') name: string, @Res() res: Response): void {
    const m = this.find(name, undefined, res);
    if (m) res.json(metadata(m));
  }

  @Get('models/:name/versions/:version')
  modelVersion(@Param('name') name: string, @Param('version') version: string, @Res() res: Response): void {
    const m = this.find(name, version, res);
    if (m) res.json(metadata(m));
  }

  @Get('models/:name/ready')
  modelReady(@Param('name') name: string, @Res() res: Response): void {
    this.modelReadiness(name, undefined, res);
  }

  @Get('models/:name/versions/:version/ready')
  modelVersionReady(
    @Param('name') name: string,
    @Param('version') version: string,
    @Res() res: Response,
  ): void {
    this.modelReadiness(name, version, res);
  }

  @Post('models/:name/infer')
  @HttpCode(200)
  infer(
    @Param('name') name: string,
    @Body() body: unknown,
    @Headers('idempotency-key') key: string | undefined,
    @Headers('traceparent') traceparent: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    return this.traced(name, traceparent, (span) => this.run(name, undefined, body, key, res, span));
  }

  @Post('models/:name/versions/:version/infer')
  @HttpCode(200)
  inferVersion(
    @Param('name') name: string,
    @Param('version') version: string,
    @Body() body: unknown,
    @Headers('idempotency-key') key: string | undefined,
    @Headers('traceparent') traceparent: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    return this.traced(name, traceparent, (span) => this.run(name, version, body, key, res, span));
  }

  /** A server span per inference, child of the caller's span when it sent a traceparent. */
  private async traced(
    name: string,
    traceparent: string | undefined,
    fn: (span: Span) => Promise<void>,
  ): Promise<void> {
    const span = tracer('junction-model-server').startSpan(
      `infer ${name}`,
      { kind: SpanKind.SERVER, attributes: { 'junction.model': name } },
      contextFromHeaders(traceparent ? { traceparent } : {}),
    );
    try {
      await fn(span);
    } catch (err) {
      failSpan(span, err);
      throw err;
    } finally {
      span.end();
    }
  }

  /** The model, or undefined after answering 404. */
  private find(name: string, version: string | undefined, res: Response): Model | undefined {
    const m = this.host.models.get(name);
    if (m && (version === undefined || version === m.version)) return m;
    const known = [...this.host.models.values()].map((x) => `${x.name} (version ${x.version})`).join(', ');
    res.status(404).json({
      error: `unknown model "${name}"${version !== undefined ? ` version "${version}"` : ''}; this server has ${known}`,
    });
    return undefined;
  }

  private modelReadiness(name: string, version: string | undefined, res: Response): void {
    const m = this.find(name, version, res);
    if (!m) return;
    const ready = !this.host.faults.down;
    res.status(ready ? 200 : 503).json({ name: m.name, version: m.version, ready });
  }

  private async run(
    name: string,
    version: string | undefined,
    body: unknown,
    key: string | undefined,
    res: Response,
    span: Span,
  ): Promise<void> {
    const started = performance.now();
    const { faults, stats } = this.host;
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    if (faults.down || (faults.errorRate > 0 && Math.random() < faults.errorRate)) {
      stats.errors++;
      res.status(503).json({ error: faults.down ? 'model server is down (injected)' : 'injected failure' });
      return;
    }
    if (faults.timeoutRate > 0 && Math.random() < faults.timeoutRate) {
      stats.errors++;
      return; // never answers: the client's timeout fires
    }
    const model = this.find(name, version, res);
    if (!model) return;

    const storeKey = key ? `${model.name}\n${key}` : undefined;
    const stored = storeKey !== undefined ? this.host.responses.get(storeKey) : undefined;
    if (stored !== undefined) {
      this.host.replays++;
      res.setHeader('Idempotent-Replayed', 'true');
      res.type('application/json').send(stored);
      return;
    }
    let text: string;
    let rows: number;
    try {
      const request = decodeRequest(model, body);
      rows = request.rows;
      span.setAttribute('junction.batch_size', rows);
      text = encodeResponse(model, request, model.infer(request.columns, request.rows));
      this.host.countInference([...(key ? [key] : []), ...(request.memberKeys ?? [])]);
    } catch (err) {
      if (!(err instanceof BadRequestError)) throw err;
      res.status(400).json({ error: err.message });
      return;
    }
    if (storeKey !== undefined) this.host.responses.set(storeKey, text);
    stats.record(performance.now() - started, rows);
    res.type('application/json').send(text);
  }
}
