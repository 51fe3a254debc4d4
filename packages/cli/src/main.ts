#!/usr/bin/env node
// The `unipay-assist` bin. Exit through exitCode so stdout is flushed first.
import { runCli } from './cli.program';

void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
