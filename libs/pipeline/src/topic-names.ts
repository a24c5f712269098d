/**
 * Names derived from a pipeline, in one place (documented in docs/pipelines.md):
 *
 * | what                | name                                   | example                                       |
 * | ------------------- | -------------------------------------- | --------------------------------------------- |
 * | consumer group      | `junction.<pipeline>`                  | `junction.lead-scoring`                       |
 * | retry topic         | `<source>.<pipeline>.retry`            | `crm.lead.created.v1.lead-scoring.retry`      |
 * | dead-letter topic   | `<source>.<pipeline>.dlq`              | `crm.lead.created.v1.lead-scoring.dlq`        |
 * | completed keys      | `junction.<pipeline>.completed`        | `junction.lead-scoring.completed`             |
 * | transactional id    | `junction.<pipeline>.<topic>.<part>`   | `junction.lead-scoring.crm.lead.created.v1.3` |
 * | subject             | `<topic>-value` (TopicNameStrategy)    | `crm.lead.scored.v1-value`                    |
 */
export const consumerGroupFor = (pipeline: string) => `junction.${pipeline}`;
export const retryTopicFor = (source: string, pipeline: string) => `${source}.${pipeline}.retry`;
export const dlqTopicFor = (source: string, pipeline: string) => `${source}.${pipeline}.dlq`;
export const completedTopicFor = (pipeline: string) => `junction.${pipeline}.completed`;
export const transactionalIdFor = (pipeline: string, topic: string, partition: number) =>
  `junction.${pipeline}.${topic}.${partition}`;
export const subjectFor = (topic: string) => `${topic}-value`;
