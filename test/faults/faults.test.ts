// The fault-injection suite, short version: a few thousand events per scenario, part of `make test`.
// The scenarios and what each must show are in fault-tests.ts; the full version is
// full/faults.full.test.ts (`pnpm test:faults`).
import { faultTests } from './fault-tests';

faultTests('short');
