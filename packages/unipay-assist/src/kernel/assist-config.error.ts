/**
 * A configuration mistake found at start. The message names the setting (an
 * option path such as `exchange.waitMs`, or an environment variable) and
 * never echoes a secret's value.
 */
export class AssistConfigError extends Error {
  constructor(
    readonly setting: string,
    reason: string,
  ) {
    super(`unipay-assist ${setting} ${reason}`);
    this.name = 'AssistConfigError';
  }
}
