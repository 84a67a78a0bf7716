import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const cli = path.join(import.meta.dirname, '..', 'cli.ts');

/** Runs `npm run cli -- …` as its own process, with only PATH and `env` in its environment. */
export async function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', cli, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}
