/**
 * A network namespace joined to the host by a veth pair, so a service can be cut off from the broker
 * by taking its end of the link down (no firewall needed, and the host keeps its address, so the
 * broker and the checker carry on). Always torn down, also when a scenario fails or the run dies.
 *
 *   host: junction-fh0 10.211.0.1/30  <── veth ──>  junction-faults: junction-fn0 10.211.0.2/30
 */
import { execFileSync } from 'node:child_process';

export interface NetnsSpec {
  name: string;
  hostIf: string;
  nsIf: string;
  hostAddress: string;
  nsAddress: string;
  prefix: number;
}

export const NETNS: NetnsSpec = {
  name: 'junction-faults',
  hostIf: 'junction-fh0',
  nsIf: 'junction-fn0',
  hostAddress: '10.211.0.1',
  nsAddress: '10.211.0.2',
  prefix: 30,
};

const ip = (...args: string[]): void => {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
};
const quietly = (fn: () => void): void => {
  try {
    fn();
  } catch {
    // already gone
  }
};

export class Netns {
  private created = false;
  private readonly onExit = () => this.destroy();

  constructor(readonly spec: NetnsSpec = NETNS) {}

  /** Creates the namespace and the link (removing leftovers of a run that died first). */
  create(): void {
    this.destroy();
    const s = this.spec;
    process.once('exit', this.onExit);
    this.created = true;
    ip('netns', 'add', s.name);
    ip('link', 'add', s.hostIf, 'type', 'veth', 'peer', 'name', s.nsIf);
    ip('link', 'set', s.nsIf, 'netns', s.name);
    ip('addr', 'add', `${s.hostAddress}/${s.prefix}`, 'dev', s.hostIf);
    ip('link', 'set', s.hostIf, 'up');
    ip('netns', 'exec', s.name, 'ip', 'addr', 'add', `${s.nsAddress}/${s.prefix}`, 'dev', s.nsIf);
    ip('netns', 'exec', s.name, 'ip', 'link', 'set', s.nsIf, 'up');
    ip('netns', 'exec', s.name, 'ip', 'link', 'set', 'lo', 'up');
  }

  /** Cuts the namespace off: packets in flight and new connections go nowhere until `heal()`. */
  cut(): void {
    ip('netns', 'exec', this.spec.name, 'ip', 'link', 'set', this.spec.nsIf, 'down');
  }

  heal(): void {
    ip('netns', 'exec', this.spec.name, 'ip', 'link', 'set', this.spec.nsIf, 'up');
  }

  destroy(): void {
    const s = this.spec;
    quietly(() => ip('link', 'del', s.hostIf));
    quietly(() => ip('netns', 'del', s.name));
    if (this.created) process.removeListener('exit', this.onExit);
    this.created = false;
  }
}
