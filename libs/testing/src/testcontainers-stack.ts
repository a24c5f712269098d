// Testcontainers provider: a KRaft Kafka container and an Apicurio Registry container.
// Loaded only when JUNCTION_TEST_STACK=testcontainers and a Docker engine answers; the optional
// dependencies are imported lazily so machines without Docker never load them.
import type { ProvidedStack } from './providers';

const KAFKA_IMAGE = 'confluentinc/cp-kafka:7.9.0';
const REGISTRY_IMAGE = 'apicurio/apicurio-registry:3.1.2';

export async function startContainers(): Promise<ProvidedStack> {
  let tc: typeof import('testcontainers');
  let tck: typeof import('@testcontainers/kafka');
  try {
    tc = await import('testcontainers');
    tck = await import('@testcontainers/kafka');
  } catch {
    throw new Error(
      'The Testcontainers provider needs the optional dependencies `testcontainers` and `@testcontainers/kafka`.',
    );
  }
  // KafkaContainer sets the advertised listener to the mapped host port, which a plain container cannot.
  const kafka = await new tck.KafkaContainer(KAFKA_IMAGE).withKraft().start();
  const registry = await new tc.GenericContainer(REGISTRY_IMAGE)
    .withExposedPorts(8080)
    .withWaitStrategy(tc.Wait.forHttp('/apis/ccompat/v7/subjects', 8080))
    .start();
  return {
    info: {
      brokers: [`${kafka.getHost()}:${kafka.getMappedPort(9093)}`],
      schemaRegistryUrl: `http://${registry.getHost()}:${registry.getMappedPort(8080)}/apis/ccompat/v7`,
      provider: 'testcontainers',
    },
    release: async () => {
      await registry.stop();
      await kafka.stop();
    },
  };
}
