/**
 * The local stack: Apache Kafka (KRaft) and Apicurio Registry from Maven Central, no containers.
 *
 * ```ts
 * import { LocalStack } from '@junction/local-stack';
 * const status = await new LocalStack().up({ log: console.error });
 * status.kafka.bootstrap;      // "127.0.0.1:9092"
 * status.schemaRegistry.url;   // "http://127.0.0.1:8080/apis/ccompat/v7"
 * ```
 */
export { LocalStack, kafkaAnswers, registryAnswers, type StackOptions, type StackStatus } from './local-stack';
export { StackError } from './toolchain';
export { stackPaths, repoRoot, type StackPaths } from './paths';
export { startDetached, stopProcess, runningPid, isAlive, tailLines, type ManagedProcess } from './processes';
export { portFree, whoListens } from './ports';
