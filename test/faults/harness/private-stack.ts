/**
 * The fault suite's own Kafka and registry: a `LocalStack` with its folders under `.local/faults/` and
 * its own ports, so restarting, killing or cutting it never touches the shared stack on 9092/8080 that
 * other tests and benchmarks use at the same time. The suite starts it from empty storage and stops it
 * at the end; a lock file keeps two suites from sharing it.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, LocalStack, stackPaths, type StackPaths } from '@junction/local-stack';

export interface StackShape {
  brokers: 1 | 3;
  /** Where the listeners bind and advertise; a veth address for the network-cut scenario. */
  host: string;
}

const envPort = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

export class PrivateStack {
  readonly root: string;
  readonly kafkaPort = envPort('JUNCTION_FAULTS_KAFKA_PORT', 19092);
  readonly registryPort = envPort('JUNCTION_FAULTS_REGISTRY_PORT', 18080);
  private readonly stack: LocalStack;
  private readonly paths: StackPaths;
  private readonly lockFile: string;
  private shape: StackShape | undefined;

  constructor(private readonly log: (line: string) => void = () => {}) {
    const base = stackPaths();
    this.root = join(base.local, 'faults', 'stack');
    this.paths = {
      ...base,
      data: join(this.root, 'data'),
      logs: join(this.root, 'logs'),
      pids: join(this.root, 'pids'),
      stateFile: join(this.root, 'state.json'),
    };
    this.stack = new LocalStack(this.paths);
    this.lockFile = join(this.root, 'suite.lock');
  }

  /** Takes the lock, stops a stack a crashed run left behind, and starts from empty storage. */
  async open(shape: StackShape = { brokers: 1, host: '127.0.0.1' }): Promise<void> {
    mkdirSync(this.root, { recursive: true });
    if (existsSync(this.lockFile)) {
      const holder = Number(readFileSync(this.lockFile, 'utf8'));
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
        throw new Error(`another fault-suite run (pid ${holder}) owns ${this.root}; wait for it to finish`);
      }
    }
    writeFileSync(this.lockFile, String(process.pid));
    await this.stack.down();
    rmSync(this.paths.data, { recursive: true, force: true });
    await this.reshape(shape);
  }

  /**
   * Stops the stack, deletes its storage (logs stay for a look) and releases the lock.
   * FAULT_KEEP_STACK=1 leaves it running with its data, to look into a failed scenario.
   */
  async close(): Promise<void> {
    if (process.env.FAULT_KEEP_STACK === '1') {
      this.log(`kept running for a look: kafka ${this.brokers.join(',')}, registry ${this.registryUrl}`);
      rmSync(this.lockFile, { force: true });
      return;
    }
    await this.stack.down();
    rmSync(this.paths.data, { recursive: true, force: true });
    rmSync(this.lockFile, { force: true });
    this.shape = undefined;
  }

  /** Runs the stack with this many brokers on this address, restarting it when it runs otherwise. */
  async reshape(shape: StackShape): Promise<void> {
    if (this.shape && (this.shape.brokers !== shape.brokers || this.shape.host !== shape.host)) {
      this.log(`stack: restarting with ${shape.brokers} broker(s) on ${shape.host}`);
      await this.stack.down();
    }
    await this.stack.up({
      brokers: shape.brokers,
      host: shape.host,
      kafkaPort: this.kafkaPort,
      registryPort: this.registryPort,
      log: this.log,
    });
    this.shape = shape;
  }

  get brokers(): string[] {
    return this.stack.endpoints().bootstrap.split(',');
  }

  get registryUrl(): string {
    return this.stack.endpoints().registryUrl;
  }

  /** Broker `nodeId`'s address, as clients see it. */
  brokerAddress(nodeId: number): string {
    return this.brokers[nodeId - 1]!;
  }

  /** SIGTERM (clean shutdown) or SIGKILL one broker. */
  stopBroker(nodeId: number, hard = false): Promise<unknown> {
    return this.stack.stopComponent(`kafka-${nodeId}`, { hard });
  }

  stopRegistry(hard = false): Promise<unknown> {
    return this.stack.stopComponent('registry', { hard });
  }

  /** Starts whatever of the current shape is not running and waits until it answers. */
  async restore(): Promise<void> {
    if (!this.shape) throw new Error('the private stack is not open');
    await this.reshape(this.shape);
  }

  /** The stack's log files, for a failure message. */
  logsHint(): string {
    return this.paths.logs;
  }
}
