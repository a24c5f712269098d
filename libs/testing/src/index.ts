/**
 * Brokers and a schema registry for tests.
 *
 * ```ts
 * import { testStack, uniqueTopic } from '@junction/testing';
 * const { brokers, schemaRegistryUrl } = testStack();
 * const topic = uniqueTopic('crm.lead.created.v1');
 * ```
 */
export { testStack, uniqueTopic, uniqueGroup, uniqueSuffix } from './test-stack';
export { stackFromEnv, type StackInfo } from './stack-info';
export { startModelStub, stubScore, type ModelStub, type ModelStubOptions } from './model-stub';
export { readTopic, eventually, type ReadRecord } from './read-topic';
export { provideStack, dockerEngineAvailable, type ProvidedStack } from './providers';
