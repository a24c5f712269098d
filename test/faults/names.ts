import { randomBytes } from 'node:crypto';

/** A short suffix unique to this call, for topics, pipelines and reader groups. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}
