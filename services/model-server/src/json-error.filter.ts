import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { NextFunction, Response } from 'express';

/**
 * Every error as `{"error": "..."}` with its status: unknown routes (404), bodies that are not JSON
 * (400) or too large (413) included, so clients see one error shape. Unexpected errors are 500.
 */
@Catch()
export class JsonErrorFilter implements ExceptionFilter {
  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    const { status, message } = describe(err);
    if (status >= 500) console.error(err);
    res.status(status).json({ error: message });
  }
}

function describe(err: unknown): { status: number; message: string } {
  if (err instanceof HttpException) {
    const body = err.getResponse();
    const message =
      typeof body === 'string'
        ? body
        : typeof body === 'object' && body !== null && 'message' in body
          ? [body.message].flat().join('; ')
          : err.message;
    return { status: err.getStatus(), message };
  }
  // body-parser's errors (http-errors): status, type and an expose flag
  const e = err as { status?: unknown; type?: unknown; message?: unknown; limit?: unknown };
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    if (e.type === 'entity.parse.failed')
      return { status: 400, message: `request body is not valid JSON: ${String(e.message)}` };
    if (e.type === 'entity.too.large')
      return { status: 413, message: `request body is larger than the ${String(e.limit)} bytes allowed` };
    return { status: e.status, message: String(e.message) };
  }
  return { status: 500, message: 'internal error' };
}

/** Express error middleware for the JSON body parser: the same `{"error"}` shape, with what went wrong. */
export function bodyErrorHandler(err: unknown, res: Response, next: NextFunction): void {
  const { status, message } = describe(err);
  if (status >= 500 || res.headersSent) return next(err);
  res.status(status).json({ error: message });
}
