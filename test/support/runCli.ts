import { spawn } from 'node:child_process';
import { REPO_ROOT, repoFile } from './repoFiles.ts';

/** What one run of the command-line tool did. */
export interface CliRun {
  /** The exit code, or null when the process was killed by a signal. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const BIN = repoFile('bin/measurecheck.js');

/**
 * Runs `node bin/measurecheck.js ...args` in a child process from the repository root, as a user
 * (or CI) would, and resolves when it exits. Kills it after `timeoutMs` so a hang fails the test
 * instead of stalling the run.
 *
 * @example
 * const { code, stdout } = await runCli(['check', '--runs', '300', '--seed', '11']);
 */
export function runCli(
  args: readonly string[],
  timeoutMs = 60_000,
  /** Added to the environment, e.g. `{ TZ: 'Pacific/Kiritimati' }`. */
  env: Readonly<Record<string, string>> = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`measurecheck ${args.join(' ')} did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
