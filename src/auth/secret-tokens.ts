import { createHash, randomBytes } from 'node:crypto';

/** Refresh and reset tokens: random, shown once, stored only as a hash. */
export function newSecretToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashSecretToken(token) };
}

export const hashSecretToken = (token: string): string => createHash('sha256').update(token).digest('hex');
