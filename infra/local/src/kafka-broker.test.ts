import { describe, expect, it } from 'vitest';
import { clusterSpec, serverProperties } from './kafka-broker';
import { stackPaths } from './paths';

const props = (text: string): Record<string, string> =>
  Object.fromEntries(text.trim().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]));

describe('serverProperties', () => {
  it('listens on and advertises 127.0.0.1 by default', () => {
    const cluster = clusterSpec(1, 9092);
    const p = props(serverProperties(stackPaths(), cluster, cluster.brokers[0]!));
    expect(p.listeners).toBe('PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9192');
    expect(p['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:9092');
    expect(p['controller.quorum.voters']).toBe('1@127.0.0.1:9192');
  });

  it('binds and advertises another address when asked (a veth a network namespace reaches)', () => {
    const cluster = clusterSpec(3, 19092, '10.211.0.1');
    const p = props(serverProperties(stackPaths(), cluster, cluster.brokers[1]!));
    expect(p.listeners).toBe('PLAINTEXT://10.211.0.1:19093,CONTROLLER://10.211.0.1:19193');
    expect(p['advertised.listeners']).toBe('PLAINTEXT://10.211.0.1:19093');
    expect(p['controller.quorum.voters']).toBe('1@10.211.0.1:19192,2@10.211.0.1:19193,3@10.211.0.1:19194');
  });
});
