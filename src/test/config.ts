import { loadConfig, type Config } from '../config.js';

/** A valid configuration without touching DATA_DIR; tests override what they exercise. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const base = loadConfig({
    JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-0123456789',
    DATA_DIR: '/tmp/helpline-test-unused',
    PUBLIC_URL: 'http://helpline.test',
    AUTH_RATE_LIMIT_MAX: '1000',
  });
  return { ...base, ...overrides };
}
