import { deriveDtoProperties } from '../../src/openapi/dto-schema';
import { WxAccessTokenDto } from '../../src/http/dto/wx-access-token.dto';
import { WxAuthUrlDto } from '../../src/http/dto/wx-auth-url.dto';

describe('OpenAPI schemas derived from the DTO rules (one source of truth)', () => {
  it('getWxAuthUrl: url required, an absolute URL of at most 200; state and scope optional; the common fields inherited', () => {
    const p = deriveDtoProperties(WxAuthUrlDto);
    expect(p.get('url')).toEqual({ required: true, schema: { type: 'string', maxLength: 200, format: 'uri' } });
    expect(p.get('state')).toEqual({ required: false, schema: { type: 'string', maxLength: 128 } });
    expect(p.get('scope')).toEqual({ required: false, schema: { enum: ['snsapi_base', 'snsapi_userinfo'] } });
    expect(p.get('reqTime')?.required).toBe(true);
    expect(p.get('reqTime')?.schema.oneOf).toHaveLength(3);
    expect(p.get('sign')).toEqual({ required: false, schema: { type: 'string', maxLength: 64 } });
    expect([...p.keys()].sort()).toEqual([
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

  it('getWxAccessToken: code required, non-blank, at most 64', () => {
    expect(deriveDtoProperties(WxAccessTokenDto).get('code')).toEqual({
      required: true,
      schema: { type: 'string', maxLength: 64 },
    });
  });
});
