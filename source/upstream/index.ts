// Public surface of the upstream (provider) client.
export * from './errors.js';
export * from './urls.js';
export * from './client.js';
export * from './dialects.js';
export * from './rate-limit.js';
export * from './balance.js';
