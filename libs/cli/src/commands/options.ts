import { InvalidArgumentError, Option } from 'commander';
import { LocalStack } from '@junction/local-stack';

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

/** Where Kafka and the registry are: flags, then KAFKA_BROKERS / SCHEMA_REGISTRY_URL, then the local stack's (its last `up`'s ports, else the defaults). */
export function endpoints(opts: { brokers?: string[]; registry?: string }): {
  brokers: string[];
  registryUrl: string;
} {
  const fromEnv = <T>(name: string, parse: (v: string) => T): T | undefined => {
    const v = process.env[name]?.trim();
    if (!v) return undefined;
    try {
      return parse(v);
    } catch (err) {
      // not an InvalidArgumentError: thrown inside an action, commander would not print it
      throw new Error(`${name}=${JSON.stringify(v)}: ${(err as Error).message}`);
    }
  };
  const local = () => new LocalStack().endpoints();
  return {
    brokers: opts.brokers ?? fromEnv('KAFKA_BROKERS', brokerList) ?? brokerList(local().bootstrap),
    registryUrl: opts.registry ?? fromEnv('SCHEMA_REGISTRY_URL', httpUrl) ?? local().registryUrl,
  };
}

/** Where `endpoints()` took the brokers / registry from, for messages: `--brokers`, `KAFKA_BROKERS` or `the local stack`. */
export function endpointSource(
  opts: { brokers?: string[]; registry?: string },
  what: 'brokers' | 'registry',
): string {
  if (what === 'brokers')
    return opts.brokers
      ? '--brokers'
      : process.env.KAFKA_BROKERS?.trim()
        ? 'KAFKA_BROKERS'
        : 'the local stack';
  return opts.registry
    ? '--registry'
    : process.env.SCHEMA_REGISTRY_URL?.trim()
      ? 'SCHEMA_REGISTRY_URL'
      : 'the local stack';
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
