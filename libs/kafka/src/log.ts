import { logLevel, type logCreator } from 'kafkajs';

/** What kafkajs logs to: a pino-style logger (`warn(obj, msg)` etc.). */
export interface KafkaLogSink {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/**
 * Routes kafkajs logs into the service's structured logger. kafkajs logs every retriable broker
 * answer (a coordinator still loading, a leader moving) at ERROR although it retries them itself;
 * those are demoted to debug so an ERROR line means something went wrong for real.
 */
export function kafkaLogCreator(sink: KafkaLogSink): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const {
        message,
        timestamp: _ts,
        logger: _l,
        ...fields
      } = log as { message: string; timestamp?: string; logger?: string } & Record<string, unknown>;
      const text = `kafkajs ${namespace}: ${message}`;
      const transient =
        /coordinator is loading|not the leader|not the correct coordinator|coordinator is not available|concurrent operation on the same transaction|rebalance in progress|Limiting retries/i.test(
          `${message} ${String(fields.error ?? '')}`,
        );
      if (level === logLevel.ERROR && !transient) sink.error(fields, text);
      else if (level === logLevel.ERROR || level === logLevel.WARN)
        (transient ? sink.debug : sink.warn).call(sink, fields, text);
      else if (level === logLevel.INFO) sink.debug(fields, text);
      else sink.debug(fields, text);
    };
}
