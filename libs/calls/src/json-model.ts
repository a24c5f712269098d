// The plain-JSON model most integrations start with, in one call: its name is the endpoint, the model
// name and the `<NAME>_URL` variable its base URL is read from.
import type { Caller } from './caller';
import { jsonHttp, modelUrl, type JsonHttpOptions } from './json-http';

export interface JsonModelOptions<Req> extends Omit<JsonHttpOptions<Req>, 'baseUrl' | 'endpoint' | 'model'> {
  /** Where the model's version is in the response (a dotted path such as `'model.version'`). */
  versionFrom?: string;
  /** Base URL when `<NAME>_URL` is not set; without it a missing variable fails the start, naming it. */
  defaultUrl?: string;
}

/**
 * `call: jsonModel('order-risk-model', { path: '/score', versionFrom: 'version' })`: a pipeline's call
 * factory for a JSON model at `$ORDER_RISK_MODEL_URL/score` (timeout 800 ms unless given).
 */
export function jsonModel<Req, Res>(
  name: string,
  options: JsonModelOptions<Req>,
): (env: Readonly<Record<string, string | undefined>>) => Caller<Req, Res> {
  const { versionFrom, defaultUrl, ...http } = options;
  return (env) =>
    jsonHttp<Req, Res>({
      timeoutMs: 800,
      ...http,
      endpoint: name,
      baseUrl: modelUrl(env, name, defaultUrl),
      model: { name, ...(versionFrom !== undefined ? { version: { from: versionFrom } } : {}) },
    });
}
