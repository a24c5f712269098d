import { InvalidArgumentError, Option } from 'commander';

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number greater than 0.');
  return n;
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number.');
  return n;
}

export function share(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError('expected a share between 0 and 1, e.g. 0.02.');
  return n;
}

export function brokerList(value: string): string[] {
  const list = value.split(',').map((b) => b.trim());
  if (list.some((b) => !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(b)))
    throw new InvalidArgumentError('expected comma-separated host:port, e.g. 127.0.0.1:9092.');
  return list;
}

export function httpUrl(value: string): string {
  if (!/^https?:\/\/\S+$/.test(value)) throw new InvalidArgumentError('expected an http(s) URL.');
  return value.replace(/\/+$/, '');
}

/** Where Kafka and the registry are: flags, then KAFKA_BROKERS / SCHEMA_REGISTRY_URL, then the local stack's defaults. */
export function endpoints(opts: { brokers?: string[]; registry?: string }): {
  brokers: string[];
  registryUrl: string;
} {
  return {
    brokers:
      opts.brokers ??
      brokerList(process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.JUNCTION_KAFKA_PORT ?? 9092}`),
    registryUrl:
      opts.registry ??
      httpUrl(
        process.env.SCHEMA_REGISTRY_URL ??
          `http://127.0.0.1:${process.env.JUNCTION_REGISTRY_PORT ?? 8080}/apis/ccompat/v7`,
      ),
  };
}

export const brokersOption = () =>
  new Option(
    '--brokers <list>',
    'Kafka bootstrap servers (default: KAFKA_BROKERS or the local stack)',
  ).argParser(brokerList);
export const registryOption = () =>
  new Option(
    '--registry <url>',
    'schema registry URL (default: SCHEMA_REGISTRY_URL or the local stack)',
  ).argParser(httpUrl);
