import { describe, expect, it } from 'vitest';
import type { Logger } from '@junction/observability';
import { PinoNestLogger } from './nest-logger';

function recorder(): { logger: Logger; lines: [string, Record<string, unknown>, string][] } {
  const lines: [string, Record<string, unknown>, string][] = [];
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) =>
    lines.push([level, fields, msg]);
  const logger = {
    fatal: at('fatal'),
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    trace: at('trace'),
  } as unknown as Logger;
  return { logger, lines };
}

describe('PinoNestLogger', () => {
  it("writes Nest's start-up chatter at debug and other log() calls at info, with the context", () => {
    const { logger, lines } = recorder();
    const nest = new PinoNestLogger(logger);
    nest.log('Mapped {/health/live, GET} route', 'RouterExplorer');
    nest.log('cache warmed', 'CacheService');
    nest.warn('slow');
    expect(lines).toEqual([
      ['debug', { context: 'RouterExplorer' }, 'Mapped {/health/live, GET} route'],
      ['info', { context: 'CacheService' }, 'cache warmed'],
      ['warn', {}, 'slow'],
    ]);
  });

  it('keeps the stack and the error of an error report', () => {
    const { logger, lines } = recorder();
    const nest = new PinoNestLogger(logger);
    const stack = 'Error: boom\n    at somewhere (file.ts:1:1)';
    nest.error('boom', stack, 'ExceptionsHandler');
    nest.error('boom', stack);
    const err = new Error('exploded');
    nest.error(err);
    expect(lines).toEqual([
      ['error', { context: 'ExceptionsHandler', stack }, 'boom'],
      ['error', { stack }, 'boom'],
      ['error', { err }, 'exploded'],
    ]);
  });
});
