#!/usr/bin/env tsx
/** The stratus command line: start (embedded default), policy, kill, reset, status. */
import { runCli } from '../shared/cli/run-cli.js';

process.exitCode = await runCli(process.argv.slice(2));
