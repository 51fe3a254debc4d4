import { ChannelAuthStatus } from '@unipay-assist/wire';

/** A business failure; WeChat's errcode, when it is the cause, for the dialect to carry outside the signed data. */
export type FailureData = { code: 1; msg: string; wxErrcode?: number };

/** Business data of generateAuthUrl (AuthUrlResult), before the dialect signs it. */
export type AuthUrlData = { code: 0; authUrl: string; queryCode: string };

/** Business data of auth (AuthResult, plus unionId / snapshotUser where the dialect carries them). */
export type AuthData =
  | {
      code: 0;
      status: ChannelAuthStatus;
      openId?: string;
      userId?: string;
      accessToken?: string;
      /** The WeChat app the openId belongs to (2.0.6 only: the dialect whose answer carries extras). */
      wxAppId?: string;
      unionId?: string;
      snapshotUser?: true;
      nickname?: string;
      headImgUrl?: string;
    }
  | FailureData;

/** DaxPay Open's AuthUrlResult: the OAuth state is the session's authToken. */
export type OpenAuthUrlData = { code: 0; authUrl: string; queryCode: string; authToken: string };

/** DaxPay Open's AuthResult (status `fail` for a failed flow; the WeChat access token is never answered). */
export type OpenAuthData =
  | {
      code: 0;
      status: 'waiting' | 'success' | 'fail' | 'not_exist';
      openId?: string;
      userId?: string;
      returnPath?: string;
    }
  | FailureData;

/** Business data of authAndSet: nothing on success. */
export type AuthAndSetData = { code: 0 } | FailureData;
