import { sealPush, writeWechatXml } from '../../../simulator/src/wechat-push';
import { openPush, pushSignatureMatches } from '../../src/wechat-component/component-message-crypto';
import { readWechatXml } from '../../src/wechat-component/wechat-xml';

const SECRETS = {
  token: 'Token42abc',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  appId: 'wxcomponent0001',
};
const XML =
  '<xml><AppId><![CDATA[wxcomponent0001]]></AppId><CreateTime>1413192605</CreateTime><InfoType><![CDATA[component_verify_ticket]]></InfoType><ComponentVerifyTicket><![CDATA[ticket@@@abc]]></ComponentVerifyTicket></xml>';

describe('WeChat platform push crypto (the relay checks what the simulator seals)', () => {
  it('verifies the signature and opens the message addressed to the platform', () => {
    const { ciphertext, signature } = sealPush(SECRETS, XML, '1413192605', '1320562132');
    expect(pushSignatureMatches(SECRETS, '1413192605', '1320562132', ciphertext, signature)).toBe(true);
    expect(pushSignatureMatches(SECRETS, '1413192605', '1320562132', ciphertext, signature.toUpperCase())).toBe(true);
    expect(openPush(SECRETS, ciphertext)).toEqual({ ok: true, xml: XML });
  });

  it('refuses a signature over other values, another Token, or of another length', () => {
    const { ciphertext, signature } = sealPush(SECRETS, XML, '1413192605', '1320562132');
    expect(pushSignatureMatches(SECRETS, '1413192606', '1320562132', ciphertext, signature)).toBe(false);
    expect(
      pushSignatureMatches({ ...SECRETS, token: 'OtherToken' }, '1413192605', '1320562132', ciphertext, signature),
    ).toBe(false);
    expect(pushSignatureMatches(SECRETS, '1413192605', '1320562132', ciphertext, signature.slice(1))).toBe(false);
  });

  it('refuses a message for another appid, another key, or garbage, without throwing or quoting it', () => {
    const foreign = sealPush({ ...SECRETS, appId: 'wxother' }, XML, '1', '2').ciphertext;
    expect(openPush(SECRETS, foreign)).toEqual({ ok: false, reason: 'the push is addressed to another appid' });
    const otherKey = sealPush(
      { ...SECRETS, encodingAesKey: 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut' },
      XML,
      '1',
      '2',
    ).ciphertext;
    expect(openPush(SECRETS, otherKey).ok).toBe(false);
    expect(openPush(SECRETS, 'not base64!')).toEqual({ ok: false, reason: 'Encrypt is not base64' });
    expect(openPush(SECRETS, Buffer.alloc(16).toString('base64')).ok).toBe(false);
    expect(openPush(SECRETS, '').ok).toBe(false);
  });
});

describe('readWechatXml', () => {
  it('reads CDATA and plain values as strings, as sent', () => {
    expect(readWechatXml(XML)).toEqual({
      AppId: 'wxcomponent0001',
      CreateTime: '1413192605',
      InfoType: 'component_verify_ticket',
      ComponentVerifyTicket: 'ticket@@@abc',
    });
  });

  it('round-trips what the simulator writes, a CDATA terminator inside a value included', () => {
    expect(readWechatXml(writeWechatXml({ A: 'x]]>y', B: 7 }))).toEqual({ A: 'x]]>y', B: '7' });
  });

  it('leaves nested elements out and answers undefined for anything not <xml>', () => {
    expect(readWechatXml('<xml><A>1</A><B><C>2</C></B></xml>')).toEqual({ A: '1' });
    expect(readWechatXml('<root><A>1</A></root>')).toBeUndefined();
    expect(readWechatXml('not xml <')).toBeUndefined();
    expect(readWechatXml('')).toBeUndefined();
  });
});
