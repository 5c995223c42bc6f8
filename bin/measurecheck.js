#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the installed tool and the working tree never drift apart.
import { register } from 'tsx/esm/api';

register();
const { main, reportInternalError } = await import('../src/cli/main.ts');
// An error thrown outside the command's own promise (a stray callback) is still a bug report, not
// a raw stack trace.
const lastResort = (error) => {
  process.exit(reportInternalError(error));
};
process.on('uncaughtException', lastResort);
process.on('unhandledRejection', lastResort);
process.exitCode = await main(process.argv);
