#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the installed tool and the working tree never drift apart.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
