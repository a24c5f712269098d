import { errors as undiciErrors } from 'undici';
import { describe, expect, it } from 'vitest';
import {
  CallError,
  abortedError,
  classifyTransportError,
  httpStatusError,
  isRetriableStatus,
} from './call-error';

describe('CallError', () => {
  it('is an Error named CallError with its fields', () => {
    const e = new CallError({ code: 'http', message: 'x', status: 503, retryAfterMs: 100, attempts: 2 });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('CallError');
    expect(e).toMatchObject({ code: 'http', status: 503, retryAfterMs: 100, attempts: 2, retriable: true });
    expect(String(e)).toBe('CallError: x');
  });

  it('defaults retriable from the code', () => {
    const r = (code: CallError['code'], status?: number): boolean =>
      new CallError({ code, message: '', status }).retriable;
    expect(r('timeout')).toBe(true);
    expect(r('connection')).toBe(true);
    expect(r('circuit-open')).toBe(true);
    expect(r('bad-response')).toBe(false);
    expect(r('aborted')).toBe(false);
    expect(r('http', 500)).toBe(true);
    expect(r('http', 404)).toBe(false);
  });

  it('withAttempts copies the error with the attempt count', () => {
    const cause = new Error('root');
    const e = new CallError({ code: 'timeout', message: 'slow', cause });
    const e3 = e.withAttempts(3);
    expect(e3).not.toBe(e);
    expect(e3).toMatchObject({ code: 'timeout', message: 'slow', attempts: 3, retriable: true });
    expect(e3.cause).toBe(cause);
    expect(e.attempts).toBe(0);
  });
});

describe('HTTP status classification', () => {
  it('retries 408, 429 and 5xx only', () => {
    for (const s of [408, 429, 500, 502, 503, 504, 599]) expect(isRetriableStatus(s), String(s)).toBe(true);
    for (const s of [200, 301, 400, 401, 403, 404, 409, 422])
      expect(isRetriableStatus(s), String(s)).toBe(false);
  });

  it('builds http errors with status, Retry-After and a snippet of the body', () => {
    const e = httpStatusError(429, {
      what: 'scorer: POST /infer',
      retryAfterMs: 1500,
      bodySnippet: 'slow down',
    });
    expect(e).toMatchObject({ code: 'http', status: 429, retriable: true, retryAfterMs: 1500 });
    expect(e.message).toBe('scorer: POST /infer answered HTTP 429: slow down');
    const bad = httpStatusError(400, { what: 'w' });
    expect(bad).toMatchObject({ code: 'http', status: 400, retriable: false });
    expect(bad.retryAfterMs).toBeUndefined();
  });
});

describe('classifyTransportError', () => {
  const sysErr = (code: string): Error => Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });

  it('maps undici and socket timeouts to timeout (retriable)', () => {
    for (const err of [
      new undiciErrors.ConnectTimeoutError(),
      new undiciErrors.HeadersTimeoutError(),
      new undiciErrors.BodyTimeoutError(),
      sysErr('ETIMEDOUT'),
    ]) {
      expect(classifyTransportError(err)).toMatchObject({ code: 'timeout', retriable: true });
    }
    expect(classifyTransportError(new DOMException('deadline', 'TimeoutError'))).toMatchObject({
      code: 'timeout',
    });
  });

  it('maps refused/reset sockets and closed clients to connection (retriable)', () => {
    for (const err of [
      sysErr('ECONNREFUSED'),
      sysErr('ECONNRESET'),
      sysErr('ENOTFOUND'),
      new undiciErrors.SocketError('other side closed'),
      new undiciErrors.ClientClosedError(),
    ]) {
      const e = classifyTransportError(err, 'scorer');
      expect(e).toMatchObject({ code: 'connection', retriable: true });
      expect(e.cause).toBe(err);
      expect(e.message).toMatch(/^scorer failed/);
    }
    expect(classifyTransportError('weird')).toMatchObject({ code: 'connection', retriable: true });
  });

  it('maps aborts to aborted (not retriable)', () => {
    for (const err of [
      new undiciErrors.RequestAbortedError(),
      new DOMException('This operation was aborted', 'AbortError'),
    ]) {
      expect(classifyTransportError(err)).toMatchObject({ code: 'aborted', retriable: false });
    }
    expect(abortedError('scorer', new Error('shutdown'), 2)).toMatchObject({
      code: 'aborted',
      retriable: false,
      attempts: 2,
    });
  });

  it('maps an oversized response to bad-response and caller mistakes to non-retriable', () => {
    expect(classifyTransportError(new undiciErrors.ResponseExceededMaxSizeError())).toMatchObject({
      code: 'bad-response',
      retriable: false,
    });
    expect(classifyTransportError(new undiciErrors.InvalidArgumentError('invalid header'))).toMatchObject({
      code: 'connection',
      retriable: false,
    });
  });

  it('passes a CallError through', () => {
    const e = new CallError({ code: 'bad-response', message: 'x' });
    expect(classifyTransportError(e)).toBe(e);
  });
});
