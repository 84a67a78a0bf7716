import { chmodSync, statSync } from 'node:fs';
import { chmod, lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * DATA_DIR holds the embedded database, the generated JWT secret and development mail with
 * password-reset links: only the server's own user may open any of it.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

const GROUP_AND_OTHERS = 0o077;

const octal = (mode: number) => `0${mode.toString(8)}`;

/**
 * Keeps the data folder private for the rest of this process. The umask reaches the files
 * PGlite creates itself, which no mode of ours can; an existing DATA_DIR that others can
 * open (made by an older version, or by hand) is closed. Returns the warning to log when
 * DATA_DIR was open.
 */
export function keepDataDirPrivate(dataDir: string): string | undefined {
  process.umask(GROUP_AND_OTHERS);
  const mode = (statSync(dataDir, { throwIfNoEntry: false })?.mode ?? 0) & 0o777;
  if ((mode & GROUP_AND_OTHERS) === 0) return undefined;
  try {
    chmodSync(dataDir, PRIVATE_DIR_MODE);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `DATA_DIR ${dataDir} is open to other users (mode ${octal(mode)}) and could not be made private: ${reason}`;
  }
  return `DATA_DIR ${dataDir} was open to other users (mode ${octal(mode)}): made it private (${octal(PRIVATE_DIR_MODE)})`;
}

/** Takes group and others off `dir` and everything under it that has them. */
export async function closeToOthers(dir: string): Promise<void> {
  const names = await readdir(dir, { recursive: true });
  for (const entry of [dir, ...names.map((name) => path.join(dir, name))]) {
    const stats = await lstat(entry);
    if (!stats.isSymbolicLink() && (stats.mode & GROUP_AND_OTHERS) !== 0) await chmod(entry, stats.mode & 0o700);
  }
}
