// The header contract lives in the Kafka port (@junction/kafka); the engine's modules import it from
// here so the engine has one place that says which parts of it it uses.
export {
  H,
  headerText,
  headerNumber,
  readRetryState,
  originalHeaders,
  deadLetterHeaders,
  retryHeaders,
  resultHeaders,
  type Origin,
  type RetryState,
} from '@junction/kafka';
