import { WxAccessTokenDto } from '../../src/http/dto/wx-access-token.dto';
import { WxAuthUrlDto } from '../../src/http/dto/wx-auth-url.dto';
import { dtoFieldNames, pickSignedFields } from '../../src/http/dto/signed-fields';

describe('signed fields (unknown fields are not part of the signature)', () => {
  it('knows each route DTO field, inherited ones included', () => {
    expect([...dtoFieldNames(WxAccessTokenDto)].sort()).toEqual([
      'appId',
      'clientIp',
      'code',
      'mchNo',
      'nonceStr',
      'reqTime',
      'sign',
    ]);
    expect([...dtoFieldNames(WxAuthUrlDto)].sort()).toEqual([
      'appId',
      'clientIp',
      'mchNo',
      'nonceStr',
      'reqTime',
      'scope',
      'sign',
      'state',
      'url',
    ]);
  });

  it('keeps known fields as sent (empty strings and nulls too) and drops unknown ones', () => {
    const body = {
      code: 'C',
      nonceStr: '',
      clientIp: null,
      reqTime: '1718000000',
      sign: 'S',
      extra: 'x',
      url: 'http://a/',
    };
    expect(pickSignedFields(body, WxAccessTokenDto)).toEqual({
      code: 'C',
      nonceStr: '',
      clientIp: null,
      reqTime: '1718000000',
      sign: 'S',
    });
  });

  it('keeps the whole body when the route has no DTO', () => {
    const body = { a: 1, b: 2 };
    expect(pickSignedFields(body, undefined)).toBe(body);
  });
});
