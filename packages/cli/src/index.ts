// @unipay-assist/cli: the `unipay-assist` command. Programmatic use runs the same program.
export { runCli, CLI_EXIT } from './cli.program';
