import { expect } from 'chai';

describe('the Koa under test', () => {
  it('is the major version KOA_MODULE asks for (koa: 3, koa2: 2)', () => {
    const moduleName = process.env.KOA_MODULE ?? 'koa';
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { version } = require(`${moduleName}/package.json`) as { version: string };
    expect(version.split('.')[0]).to.equal(moduleName === 'koa2' ? '2' : '3');
  });
});
