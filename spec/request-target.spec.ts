import { expect } from 'chai';
import { parseRequestTarget, type RequestTarget } from '../src/core/request-target';
import { urlKeepsHost } from './helpers';

// Forms from RFC 9112 section 3.2; the refused cases are the attacks of issue "One host", and Koa's own
// HTTP_URL_PREFIX (lib/request.js), which treats only http:// and https:// as absolute.
describe('parseRequestTarget', () => {
  const accepted: [method: string, target: string, expected: RequestTarget][] = [
    ['GET', '/', { form: 'origin', path: '/' }],
    ['GET', '/a/b?c=d&e', { form: 'origin', path: '/a/b' }],
    ['GET', '//evil.example/x', { form: 'origin', path: '//evil.example/x' }],
    ['GET', '/\\evil.example', { form: 'origin', path: '/\\evil.example' }],
    ['GET', '/@evil.example', { form: 'origin', path: '/@evil.example' }],
    ['GET', 'http://example.com/x?y', { form: 'absolute', path: '/x', authority: 'example.com', originForm: '/x?y' }],
    ['GET', 'HTTPS://Example.com:8443', { form: 'absolute', path: '/', authority: 'Example.com:8443', originForm: '/' }],
    ['GET', 'http://example.com?q', { form: 'absolute', path: '/', authority: 'example.com', originForm: '/?q' }],
    ['GET', 'http://[::1]:80/x', { form: 'absolute', path: '/x', authority: '[::1]:80', originForm: '/x' }],
    ['OPTIONS', '*', { form: 'asterisk', path: '*' }],
  ];
  for (const [method, target, expected] of accepted) {
    it(`accepts ${method} ${target}`, () => {
      expect(parseRequestTarget(target, method)).to.deep.equal(expected);
    });
  }

  const refused: [method: string, target: string | undefined, why: string][] = [
    ['GET', 'pany://example.com/password-reset', 'another scheme: Koa would build http://example.company://…'],
    ['GET', 'br://example.com./x', 'another scheme: Koa would build http://example.com.br://…'],
    ['GET', 'ws://example.com/', 'a WebSocket scheme'],
    ['GET', 'x://[/', 'another scheme with a broken authority'],
    ['GET', 'http://[::1/', 'an unclosed IPv6 bracket, which makes ctx.path throw'],
    ['GET', 'http://example.com@evil.example/', 'userinfo'],
    ['GET', 'http://user:pass@example.com/', 'userinfo with a password'],
    ['GET', 'http://example.com\\evil.example/', 'a backslash, which URL parsers read as a slash'],
    ['GET', 'http:/example.com/', 'one slash'],
    ['GET', 'http:///x', 'an empty authority'],
    ['GET', 'http://example.com:99999/', 'an invalid port'],
    ['CONNECT', 'example.com:443', 'authority-form'],
    ['GET', 'example.com', 'a bare host'],
    ['GET', '*', 'asterisk-form with GET'],
    ['OPTIONS', '**', 'not exactly *'],
    ['GET', '/a#b', 'a fragment'],
    ['GET', '/a b', 'a space'],
    ['GET', '/\u00e9', 'non-ASCII'],
    ['GET', '/\u0000', 'a NUL byte'],
    ['GET', '', 'an empty target'],
    ['GET', undefined, 'no target'],
  ];
  for (const [method, target, why] of refused) {
    it(`refuses ${why}`, () => {
      expect(parseRequestTarget(target, method)).to.equal(undefined);
    });
  }

  it("refuses invalid punycode, which makes ctx.path throw, where this Node's URL parser refuses it", () => {
    expect(parseRequestTarget('http://xn--/', 'GET') === undefined).to.equal(!urlKeepsHost('xn--'));
  });
});
