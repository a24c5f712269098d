import type { LoggerService } from '@nestjs/common';
import type { Logger } from '@junction/observability';

/** Nest's start-up chatter ("Mapped {/health/live, GET} route"): debug, so a service at info stays quiet. */
const CHATTY_CONTEXTS = new Set([
  'NestFactory',
  'NestApplication',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
]);

/**
 * Nest's logger, written to the service's pino logger: one JSON line per message with Nest's
 * context as a field. Nest calls `log(message, context?)`, `error(message, stack?, context?)`.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    const { context, rest } = split(params);
    const level = context !== undefined && CHATTY_CONTEXTS.has(context) ? 'debug' : 'info';
    this.write(level, message, context, rest);
  }

  error(message: unknown, ...params: unknown[]): void {
    const { context, rest } = split(params);
    this.write('error', message, context, rest);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    const { context, rest } = split(params);
    this.write('fatal', message, context, rest);
  }

  warn(message: unknown, ...params: unknown[]): void {
    const { context, rest } = split(params);
    this.write('warn', message, context, rest);
  }

  debug(message: unknown, ...params: unknown[]): void {
    const { context, rest } = split(params);
    this.write('debug', message, context, rest);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    const { context, rest } = split(params);
    this.write('trace', message, context, rest);
  }

  private write(
    level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace',
    message: unknown,
    context: string | undefined,
    rest: unknown[],
  ): void {
    const fields: Record<string, unknown> = context !== undefined ? { context } : {};
    // error(message, stack): Nest passes the stack of the error it reports as a string
    const [first] = rest;
    if (level === 'error' || level === 'fatal') {
      if (typeof first === 'string' && rest.length === 1) fields.stack = first;
      else if (rest.length > 0) fields.details = rest;
    } else if (rest.length > 0) {
      fields.details = rest;
    }
    if (message instanceof Error) this.pino[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.pino[level]({ ...fields, message }, '');
    else this.pino[level](fields, String(message));
  }
}

/** Nest passes the context as the last string argument (and, for errors, maybe a stack before it). */
function split(params: unknown[]): { context: string | undefined; rest: unknown[] } {
  const last = params[params.length - 1];
  return typeof last === 'string' && !STACK.test(last)
    ? { context: last, rest: params.slice(0, -1).filter((p) => p !== undefined) }
    : { context: undefined, rest: params.filter((p) => p !== undefined) };
}

const STACK = /\n\s+at /;
