import { loadConfig, type Config } from '../config.js';

/** A valid configuration without touching DATA_DIR; tests override what they exercise. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const base = loadConfig({
    JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-0123456789',
    DATA_DIR: '/tmp/helpline-test-unused',
    PUBLIC_URL: 'http://helpline.test',
    MAIL_REPLY_ADDRESS: 'support@helpline.test',
    // Suites send many requests as one user from one address; the limits' own tests set theirs.
    AUTH_RATE_LIMIT_MAX: '1000',
    LOGIN_RATE_LIMIT_PER_IP: '1000',
    ...Object.fromEntries(
      ['TICKET_OPEN', 'WRITE', 'SEARCH', 'REPORT'].flatMap((name) => [
        [`${name}_RATE_LIMIT_PER_USER`, '100000'],
        [`${name}_RATE_LIMIT_PER_IP`, '100000'],
      ]),
    ),
  });
  return { ...base, ...overrides };
}
