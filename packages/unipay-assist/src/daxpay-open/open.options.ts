import { Inject } from '@nestjs/common';
import { KeyObject } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AssistConfigError } from '../kernel/assist-config.error';
import { isRecord } from '@unipay-assist/wire';
import { envString } from '../kernel/option-checks';
import { OpenKeyError, parseOpenPrivateKey } from '@unipay-assist/wire';

/**
 * The gateway's one platform key pair (DaxPay Open signs every answer and
 * get-openid return with it; merchants verify with its public key): the
 * private key inline (PEM or bare base64 PKCS#8) or as a file.
 */
export interface PlatformKeyOption {
  privateKey?: string;
  privateKeyFile?: string;
}

/** The files WeChat hands an operator to prove a domain (`MP_verify_<code>.txt`): code → contents, or a directory holding them. */
export type MpVerifyFilesOption = Record<string, string>;

export interface ResolvedOpenOptions {
  /** null: no platform key, the Open routes answer that DaxPay Open is not configured. */
  readonly platformKey: KeyObject | null;
  /** code → contents. */
  readonly mpVerifyFiles: ReadonlyMap<string, string>;
}

export const OPEN_OPTIONS = Symbol('UnipayAssistOpenOptions');
export const InjectOpenOptions = (): ParameterDecorator => Inject(OPEN_OPTIONS);

/** WeChat's codes are letters and digits; anything else is not a file WeChat issued. */
export const MP_VERIFY_CODE = /^[A-Za-z0-9]{1,64}$/;
const MP_VERIFY_FILE = /^MP_verify_([A-Za-z0-9]{1,64})\.txt$/;

/** Validated at start; errors name the option and never echo key material. */
export function resolveOpenOptions(
  platformKey: unknown,
  mpVerifyFiles: unknown,
  mpVerifyDir: unknown,
): ResolvedOpenOptions {
  return { platformKey: resolvePlatformKey(platformKey), mpVerifyFiles: resolveMpVerify(mpVerifyFiles, mpVerifyDir) };
}

function resolvePlatformKey(option: unknown): KeyObject | null {
  if (option === undefined || option === null) return null;
  if (!isRecord(option))
    throw new AssistConfigError('platformKey', 'must be an object with privateKey or privateKeyFile');
  const { privateKey, privateKeyFile } = option;
  if (privateKey !== undefined && privateKeyFile !== undefined)
    throw new AssistConfigError('platformKey', 'has privateKey and privateKeyFile: give one');
  let text: string;
  let setting = 'platformKey.privateKey';
  if (privateKeyFile !== undefined) {
    setting = 'platformKey.privateKeyFile';
    if (typeof privateKeyFile !== 'string' || privateKeyFile.trim() === '')
      throw new AssistConfigError(setting, 'must be a file path');
    try {
      text = readFileSync(privateKeyFile, 'utf8');
    } catch (err) {
      throw new AssistConfigError(
        setting,
        `cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'} ${privateKeyFile}`,
      );
    }
  } else {
    if (typeof privateKey !== 'string') throw new AssistConfigError(setting, 'must be a PEM or base64 RSA private key');
    text = privateKey;
  }
  try {
    return parseOpenPrivateKey(text);
  } catch (err) {
    if (err instanceof OpenKeyError) throw new AssistConfigError(setting, err.message);
    throw err;
  }
}

function resolveMpVerify(files: unknown, dir: unknown): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  if (files !== undefined) {
    if (!isRecord(files))
      throw new AssistConfigError('mpVerifyFiles', 'must map a code (MP_verify_<code>.txt) to the file contents');
    for (const [code, contents] of Object.entries(files)) {
      const bare = MP_VERIFY_FILE.exec(code)?.[1] ?? code;
      if (!MP_VERIFY_CODE.test(bare))
        throw new AssistConfigError(
          `mpVerifyFiles.${code.slice(0, 70)}`,
          'is not a WeChat verification code (letters and digits)',
        );
      if (typeof contents !== 'string' || contents.length === 0 || contents.length > 1024) {
        throw new AssistConfigError(`mpVerifyFiles.${bare}`, 'must be the file contents (1 to 1024 characters)');
      }
      out.set(bare, contents);
    }
  }
  if (dir !== undefined) {
    if (typeof dir !== 'string' || dir.trim() === '')
      throw new AssistConfigError('mpVerifyDir', 'must be a directory path');
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (err) {
      throw new AssistConfigError(
        'mpVerifyDir',
        `cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'} ${dir}`,
      );
    }
    for (const name of names) {
      const code = MP_VERIFY_FILE.exec(name)?.[1];
      if (code === undefined) continue;
      const contents = readFileSync(join(dir, name), 'utf8');
      if (contents.length === 0 || contents.length > 1024)
        throw new AssistConfigError('mpVerifyDir', `${name} must hold 1 to 1024 characters`);
      out.set(code, contents);
    }
  }
  return out;
}

/** ASSIST_PLATFORM_PRIVATE_KEY (inline) or ASSIST_PLATFORM_PRIVATE_KEY_FILE; ASSIST_MP_VERIFY_DIR. */
export function openOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): {
  platformKey?: PlatformKeyOption;
  mpVerifyDir?: string;
} {
  const privateKey = envString(env, 'ASSIST_PLATFORM_PRIVATE_KEY');
  const privateKeyFile = envString(env, 'ASSIST_PLATFORM_PRIVATE_KEY_FILE');
  if (privateKey !== undefined && privateKeyFile !== undefined) {
    throw new AssistConfigError(
      'ASSIST_PLATFORM_PRIVATE_KEY',
      'and ASSIST_PLATFORM_PRIVATE_KEY_FILE are both set: give one',
    );
  }
  const mpVerifyDir = envString(env, 'ASSIST_MP_VERIFY_DIR');
  return {
    ...(privateKey !== undefined && { platformKey: { privateKey } }),
    ...(privateKeyFile !== undefined && { platformKey: { privateKeyFile } }),
    ...(mpVerifyDir !== undefined && { mpVerifyDir }),
  };
}
