import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import {
  DeadLetters,
  DlqError,
  FilterError,
  parseHeaderMatch,
  parseTime,
  type DlqFilters,
} from '@junction/dlq';
import type { AuthedRequest } from './api-key.guard';
import { RequiresRole } from './api-key.guard';
import { AuditLog } from './audit-log';

export interface FilterQuery {
  since?: string;
  until?: string;
  errorClass?: string;
  pipeline?: string;
  key?: string;
  /** `name=value`, repeatable. */
  header?: string | string[];
}

export function toFilters(q: FilterQuery): DlqFilters {
  try {
    const f: DlqFilters = {};
    if (q.since) f.since = parseTime(q.since);
    if (q.until) f.until = parseTime(q.until);
    if (q.errorClass) f.errorClass = q.errorClass;
    if (q.pipeline) f.pipeline = q.pipeline;
    if (q.key) f.key = q.key;
    const headers = q.header === undefined ? [] : Array.isArray(q.header) ? q.header : [q.header];
    if (headers.length) f.headers = headers.map(parseHeaderMatch);
    return f;
  } catch (err) {
    if (err instanceof FilterError) throw new BadRequestException(err.message);
    throw err;
  }
}

function httpError(err: unknown): never {
  if (err instanceof DlqError) {
    if (err.code === 'unknown-topic' || err.code === 'not-a-dlq' || err.code === 'no-record')
      throw new NotFoundException(err.message);
    if (err.code === 'unknown-target') throw new BadRequestException(err.message);
  }
  if (err instanceof FilterError) throw new BadRequestException(err.message);
  throw err;
}

function positive(v: unknown, what: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0)
    throw new BadRequestException(`${what}: expected a number greater than 0`);
  return n;
}

@Controller('dlq')
export class DlqController {
  constructor(
    @Inject(DeadLetters) private readonly dlq: DeadLetters,
    @Inject(AuditLog) private readonly audit: AuditLog,
  ) {}

  @Get('topics')
  topics() {
    return this.dlq.topics().catch(httpError);
  }

  @Get('topics/:topic/records')
  async records(@Param('topic') topic: string, @Query() q: FilterQuery & { max?: string }) {
    const max = positive(q.max, 'max') ?? 100;
    return this.dlq.list(topic, toFilters(q), max).catch(httpError);
  }

  @Get('topics/:topic/records/:partition/:offset')
  show(
    @Param('topic') topic: string,
    @Param('partition') partition: string,
    @Param('offset') offset: string,
  ) {
    if (!/^\d+$/.test(partition) || !/^\d+$/.test(offset))
      throw new BadRequestException('partition and offset must be whole numbers');
    return this.dlq.show(topic, Number(partition), offset).catch(httpError);
  }

  @Post('topics/:topic/replay')
  @HttpCode(200)
  @RequiresRole('operator')
  async replay(
    @Param('topic') topic: string,
    @Body()
    body: { filters?: FilterQuery; to?: string; rate?: number; limit?: number; dryRun?: boolean } | undefined,
    @Req() req: AuthedRequest,
  ) {
    const filters = toFilters(body?.filters ?? {});
    const options = {
      to: body?.to ?? 'original',
      dryRun: body?.dryRun === true,
      ...(positive(body?.rate, 'rate') ? { ratePerSec: Number(body!.rate) } : {}),
      ...(positive(body?.limit, 'limit') ? { limit: Number(body!.limit) } : {}),
    };
    const who = req.principal!;
    try {
      const result = await this.dlq.replay(topic, filters, options);
      const entry = await this.audit.append({
        who: who.name,
        role: who.role,
        action: 'replay',
        dlqTopic: topic,
        filters: { ...(body?.filters ?? {}) },
        target: options.to,
        dryRun: options.dryRun,
        matched: result.matched,
        replayed: result.replayed,
        skippedAlreadyReplayed: result.skippedAlreadyReplayed,
        targets: result.targets,
        outcome: 'done',
      });
      return { ...result, auditId: entry.id };
    } catch (err) {
      if (!(err instanceof DlqError && (err.code === 'unknown-topic' || err.code === 'not-a-dlq'))) {
        await this.audit.append({
          who: who.name,
          role: who.role,
          action: 'replay',
          dlqTopic: topic,
          filters: { ...(body?.filters ?? {}) },
          target: options.to,
          dryRun: options.dryRun,
          matched: 0,
          replayed: 0,
          skippedAlreadyReplayed: 0,
          targets: {},
          outcome: 'failed',
          error: err instanceof Error ? err.message : String(err),
        });
      }
      return httpError(err);
    }
  }
}

@Controller('audit')
export class AuditController {
  constructor(@Inject(AuditLog) private readonly audit: AuditLog) {}

  /** Every replay, newest first: `?who=alice&dlqTopic=...&since=2h&limit=50`. */
  @Get()
  list(@Query() q: { who?: string; dlqTopic?: string; since?: string; limit?: string }) {
    let since: number | undefined;
    try {
      since = q.since ? parseTime(q.since) : undefined;
    } catch (err) {
      httpError(err);
    }
    return this.audit.list({
      ...(q.who ? { who: q.who } : {}),
      ...(q.dlqTopic ? { dlqTopic: q.dlqTopic } : {}),
      ...(since !== undefined ? { since } : {}),
      limit: positive(q.limit, 'limit') ?? 100,
    });
  }
}
