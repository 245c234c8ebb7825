import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { compileTokenVerifier } from '../src/core/probe-token';

describe('compileTokenVerifier', () => {
  const verify = compileTokenVerifier(['XYZ-123']);

  it('accepts the configured token', () => {
    expect(verify('XYZ-123')).to.equal(true);
  });

  const wrong: [string | undefined, string][] = [
    [undefined, 'a missing header'],
    ['', 'an empty header'],
    ['xyz-123', 'a different case'],
    ['XYZ-12', 'a prefix'],
    ['XYZ-1234', 'an extension'],
    ['XYZ-123, XYZ-123', 'the token sent twice (a joined duplicate header)'],
    [' XYZ-123', 'a leading space'],
  ];
  for (const [presented, what] of wrong) {
    it(`refuses ${what}`, () => {
      expect(verify(presented)).to.equal(false);
    });
  }

  it('accepts every rotated token, whatever their lengths, and nothing else', () => {
    const tokens = ['short', 'a-much-longer-token-for-rotation-0123456789', randomBytes(24).toString('base64url')];
    const verifyRotated = compileTokenVerifier(tokens);
    for (const token of tokens) expect(verifyRotated(token), token).to.equal(true);
    expect(verifyRotated('shor')).to.equal(false);
    expect(verifyRotated(randomBytes(24).toString('base64url'))).to.equal(false);
  });

  it('accepts nothing when no token is configured', () => {
    const verifyNone = compileTokenVerifier([]);
    expect(verifyNone('anything')).to.equal(false);
    expect(verifyNone('')).to.equal(false);
  });

  it('compares digests with timingSafeEqual, which needs equal lengths: any length of input works', () => {
    expect(verify('x'.repeat(16 * 1024))).to.equal(false);
  });
});
