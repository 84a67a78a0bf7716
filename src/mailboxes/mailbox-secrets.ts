import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Mailbox passwords are kept encrypted (AES-256-GCM) under a key derived from the desk's secret
 * (JWT_SECRET), so a database dump alone does not give away the mailboxes. Changing JWT_SECRET
 * makes them unreadable: the mailboxes' passwords must then be entered again.
 */
const keyOf = (secret: Uint8Array): Buffer => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'helpline mailbox passwords', 32));

export function encryptPassword(secret: Uint8Array, password: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(secret), iv);
  const sealed = Buffer.concat([cipher.update(password, 'utf8'), cipher.final()]);
  return `v1.${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${sealed.toString('base64url')}`;
}

export function decryptPassword(secret: Uint8Array, stored: string): string {
  const [version, iv = '', tag = '', sealed = ''] = stored.split('.');
  if (version !== 'v1') throw new Error('Unknown mailbox password format');
  const decipher = createDecipheriv('aes-256-gcm', keyOf(secret), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString('utf8');
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A push secret names its mailbox (`<id>.<random>`); only its hash is stored. */
export function newPushSecret(mailboxId: string): { secret: string; hash: string } {
  const secret = `${mailboxId}.${randomBytes(24).toString('base64url')}`;
  return { secret, hash: sha256(secret) };
}

export const mailboxOfPushSecret = (secret: string): string | undefined =>
  /^([0-9a-f-]{36})\.[A-Za-z0-9_-]{32}$/.exec(secret)?.[1];

export const pushSecretMatches = (secret: string, hash: string): boolean =>
  timingSafeEqual(Buffer.from(sha256(secret)), Buffer.from(hash.padEnd(64, '0').slice(0, 64)));
