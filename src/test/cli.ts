import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { builtEntry } from './built-server.js';

/** Runs the CLI (`npm run cli -- …`, as `npm run build` builds it) as its own process, with only PATH and `env` in its environment. */
export async function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [builtEntry('cli'), ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}
