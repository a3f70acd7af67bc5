// Public surface of the host client.
export * from './errors.js';
export * from './client.js';
export * from './probe.js';
export * from './schemas.js';
export {parseSse, type SseEvent} from './sse.js';
export {parseAccountTest} from './account-test.js';
export {DEFAULT_USER_AGENT, DEFAULT_TIMEOUT_MS, DEFAULT_RETRIES, normaliseBaseUrl} from './transport.js';
