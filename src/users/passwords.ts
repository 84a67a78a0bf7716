import { hash, verify } from '@node-rs/argon2';

// 2 is Argon2id in the binding's const enum, which isolated modules cannot import.
const OPTIONS = { algorithm: 2 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, OPTIONS);

// Unknown emails still pay for one verification, so response time does not reveal which accounts exist.
const decoyHash = hashPassword('decoy-password-never-matches');

export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash ?? (await decoyHash), password);
  } catch {
    return false;
  }
}
