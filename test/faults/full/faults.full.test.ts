// The fault-injection suite, full version: 50,000 events per scenario (a 200,000-record backlog for
// the memory scenario), the outages the issue names (model down 30 s, registry stopped 30 s, network
// cut 20 s). Run with `pnpm test:faults`; prints every scenario's figures as a table at the end.
import { faultTests } from '../fault-tests';

faultTests('full');
