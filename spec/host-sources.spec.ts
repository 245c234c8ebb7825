import { expect } from 'chai';
import { readHost, type HostReading, type HostSources } from '../src/core/host-sources';

describe('readHost', () => {
  // [name, sources, trustProxy (the check), app.proxy (Koa), expected]
  const table: [name: string, sources: HostSources, validate: boolean, app: boolean, expected: HostReading][] = [
    ['Host alone', { host: 'a.example' }, false, false, { host: 'a.example', alsoRead: undefined }],
    ['no Host', { host: undefined }, false, false, { host: undefined, alsoRead: undefined }],
    ['X-Forwarded-Host, trusted by neither', { host: 'a.example', forwardedHost: 'b.example' }, false, false, { host: 'a.example', alsoRead: undefined }],
    ['X-Forwarded-Host, trusted by both', { host: 'a.example', forwardedHost: 'b.example' }, true, true, { host: 'b.example', alsoRead: undefined }],
    ['X-Forwarded-Host, trusted by Koa only', { host: 'a.example', forwardedHost: 'b.example' }, false, true, { host: 'a.example', alsoRead: ['b.example'] }],
    ['X-Forwarded-Host, trusted by the check only', { host: 'a.example', forwardedHost: 'b.example' }, true, false, { host: 'b.example', alsoRead: ['a.example'] }],
    ['an empty X-Forwarded-Host, as Koa ignores it', { host: 'a.example', forwardedHost: '' }, true, true, { host: 'a.example', alsoRead: undefined }],
    ['no Host where Koa reads Host', { host: undefined, forwardedHost: 'b.example' }, true, false, { host: 'b.example', alsoRead: [undefined] }],
    [':authority over Host', { host: 'a.example', authority: 'c.example' }, false, false, { host: 'c.example', alsoRead: ['a.example'] }],
    [':authority and the same Host', { host: 'c.example', authority: 'c.example' }, false, false, { host: 'c.example', alsoRead: undefined }],
    [':authority alone', { host: undefined, authority: 'c.example' }, false, false, { host: 'c.example', alsoRead: undefined }],
  ];
  for (const [name, sources, validate, app, expected] of table) {
    it(`reads ${name}`, () => {
      expect(readHost(sources, { validate, app })).to.deep.equal(expected);
    });
  }
});
