/**
 * Retries a Kafka admin/metadata step while the broker says it is transient (kafkajs marks such
 * errors `retriable`: a leader not yet elected, a coordinator still loading). A fresh broker or a
 * just-created topic answers this way for a moment; startup should wait it out, not fail.
 */
export async function retryTransient<T>(what: string, fn: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const retriable =
        (err as { retriable?: boolean }).retriable === true ||
        /leader|coordinator|not available/i.test(String((err as Error).message));
      if (!retriable || Date.now() > deadline) {
        if (err instanceof Error) err.message = `${what}: ${err.message}`;
        throw err;
      }
      await new Promise((r) => setTimeout(r, Math.min(1_000, 50 * 2 ** attempt)));
    }
  }
}
