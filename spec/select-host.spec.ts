import { expect } from 'chai';
import { selectHost, type HostSources } from '../src/core/select-host';

describe('selectHost', () => {
  const table: [name: string, sources: HostSources, trustProxy: boolean, expected: string | undefined][] = [
    ['Host', { host: 'a.example', target: '/' }, false, 'a.example'],
    ['no Host', { host: undefined, target: '/' }, false, undefined],
    ['X-Forwarded-Host ignored when the proxy is not trusted', { host: 'a.example', forwardedHost: 'b.example' }, false, 'a.example'],
    ['X-Forwarded-Host when the proxy is trusted', { host: 'a.example', forwardedHost: 'b.example' }, true, 'b.example'],
    ['Host when a trusted proxy sent no X-Forwarded-Host', { host: 'a.example', forwardedHost: '' }, true, 'a.example'],
    [':authority over Host', { host: 'a.example', authority: 'c.example' }, false, 'c.example'],
    ['an absolute-form target naming the same host', { host: 'a.example', target: 'http://A.example/x' }, false, 'a.example'],
    ['an absolute-form target naming another host', { host: 'a.example', target: 'http://b.example/x' }, false, 'a.example, b.example'],
    ['an absolute-form target with no Host', { host: undefined, target: 'https://b.example' }, false, ', b.example'],
    ['an asterisk-form target', { host: 'a.example', target: '*' }, false, 'a.example'],
  ];
  for (const [name, sources, trustProxy, expected] of table) {
    it(`selects ${name}`, () => {
      expect(selectHost(sources, trustProxy)).to.equal(expected);
    });
  }
});
