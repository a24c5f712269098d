// What JunctionModule.forRoot takes, what its providers receive once the defaults are filled in, and
// the injection tokens. In a file of its own so the module, the host and the controller share it
// without importing each other.
import { createLogger, type Logger } from '@junction/observability';
import type { Pipeline, PipelineEnv } from '@junction/pipeline';
import { loadJunctionConfig, type JunctionConfig } from './config';

/**
 * A pipeline of any event and result types. A host runs pipelines of different types side by side;
 * only their lifecycle matters here. (`unknown` does not fit: a pipeline's functions take its event
 * type as a parameter, so `Pipeline<Lead>` is not a `Pipeline<unknown>`.)
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPipeline = Pipeline<any, any, any, any, any>;

export interface JunctionModuleOptions {
  /** The pipelines this service runs, one runner each; names must be unique. */
  pipelines: readonly AnyPipeline[];
  /** Default: `loadJunctionConfig(env)` (throws a `ConfigError` listing every bad setting). */
  config?: JunctionConfig;
  /** Read for the configuration and by the pipelines' call factories (endpoint URLs, keys). Default: process.env. */
  env?: PipelineEnv;
  /** Default: a JSON logger named after `config.serviceName` (or `junction`) at `config.logLevel`. */
  logger?: Logger;
}

/** The options with every default filled in, as the providers receive them. */
export interface ResolvedJunctionOptions {
  pipelines: readonly AnyPipeline[];
  config: JunctionConfig;
  env: PipelineEnv;
  logger: Logger;
}

/** Injection token of the `ResolvedJunctionOptions`. */
export const JUNCTION_OPTIONS = Symbol('JUNCTION_OPTIONS');
/** Injection token of the service's `JunctionConfig`. */
export const JUNCTION_CONFIG = Symbol('JUNCTION_CONFIG');
/** Injection token of the service's pino `Logger`. */
export const JUNCTION_LOGGER = Symbol('JUNCTION_LOGGER');

export function resolveJunctionOptions(options: JunctionModuleOptions): ResolvedJunctionOptions {
  const env = options.env ?? process.env;
  const config = options.config ?? loadJunctionConfig(env);
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const p of options.pipelines) (seen.has(p.name) ? duplicates : seen).add(p.name);
  if (duplicates.size > 0) {
    // Two runners of one pipeline would share a consumer group and transactional ids.
    throw new Error(`JunctionModule: pipeline names must be unique; repeated: ${[...duplicates].join(', ')}`);
  }
  return {
    pipelines: options.pipelines,
    config,
    env,
    logger: options.logger ?? createLogger(config.serviceName ?? 'junction', { level: config.logLevel }),
  };
}
