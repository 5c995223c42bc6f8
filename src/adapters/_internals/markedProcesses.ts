import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * The environment variable that marks every process an implementation starts. A process inherits
 * its parent's environment, so the mark follows children and grandchildren even when they leave the
 * process group (`setsid`, a daemonising fork), which a group kill cannot reach.
 */
export const RUN_MARKER_VARIABLE = 'MEASURECHECK_RUN';

/** A fresh, unguessable marker value. */
export function newMarker(): string {
  return `${process.pid.toString(36)}-${randomBytes(6).toString('hex')}`;
}

/** How many times the scan is repeated while it still finds processes (a fork racing the kill). */
const SCAN_ROUNDS = 4;

/**
 * SIGKILLs every process of this user whose environment carries `RUN_MARKER_VARIABLE=<marker>`,
 * found through `/proc/<pid>/environ`. Linux only; elsewhere it does nothing (the process group
 * kill is all there is). Synchronous, so it can run in a process 'exit' handler.
 *
 * @returns the processes signalled.
 */
export function killMarked(marker: string): number[] {
  const killed: number[] = [];
  for (let round = 0; round < SCAN_ROUNDS; round += 1) {
    const found = markedPids(marker);
    for (const pid of found) {
      try {
        process.kill(pid, 'SIGKILL');
        killed.push(pid);
      } catch {
        // ESRCH: it ended on its own; EPERM: not ours after all.
      }
    }
    if (found.length === 0) break;
  }
  return killed;
}

/**
 * The ids of the live processes whose environment carries `RUN_MARKER_VARIABLE=<marker>`, or whose
 * marker starts with `<marker>.` (the marker of one start of an implementation is the run's marker
 * plus a suffix). Empty where `/proc` cannot be read.
 */
export function markedPids(marker: string): number[] {
  if (process.platform !== 'linux') return [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const exact = Buffer.from(`${RUN_MARKER_VARIABLE}=${marker}\0`);
  const prefix = Buffer.from(`${RUN_MARKER_VARIABLE}=${marker}.`);
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${entry}/environ`);
    } catch {
      continue; // gone, or another user's
    }
    if (hasEntry(environ, exact) || hasEntry(environ, prefix)) pids.push(pid);
  }
  return pids;
}

/** Whether `needle` starts one of the NUL-separated entries of `environ`. */
function hasEntry(environ: Buffer, needle: Buffer): boolean {
  let at = environ.indexOf(needle);
  while (at !== -1) {
    if (at === 0 || environ[at - 1] === 0) return true;
    at = environ.indexOf(needle, at + 1);
  }
  return false;
}

/**
 * Whether a process is gone or a zombie (dead, waiting to be reaped). A process that is still
 * exiting has already lost its environment, so it no longer shows up as marked: wait on this too.
 * Linux only; elsewhere every process counts as gone.
 */
export function goneOrZombie(pid: number): boolean {
  if (process.platform !== 'linux') return true;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  } catch {
    return true;
  }
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X';
}
