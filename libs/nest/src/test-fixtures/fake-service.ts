// A service main.ts as the services write it, run as a child process by the tests: the source
// topic and pipeline name come from the environment.
import { runService } from '../index';
import { fakePipeline } from './fake-pipeline';

await runService({
  name: 'fake-service',
  pipelines: [
    fakePipeline({
      name: process.env.TEST_PIPELINE ?? 'fake',
      topic: process.env.TEST_TOPIC ?? 'test.fake.v1',
    }),
  ],
});
