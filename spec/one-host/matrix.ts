import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect as connectHttp2, createServer as createHttp2Server, type Http2Server, type OutgoingHttpHeaders } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type KoaType from 'koa';
import { healthChecks, type HealthChecksOptions } from '../../src';
import { NO_TOKEN, viewingApp, withEnv } from '../helpers';

/** Both Koa versions, loaded side by side, whatever KOA_MODULE says: the invariant must hold on each. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const KOA_VERSIONS: [name: string, Koa: typeof KoaType][] = [['Koa 3', require('koa')], ['Koa 2', require('koa2')]];

/** The six combinations of the app's `app.proxy` and the `trustProxy` option. */
export const PROXY_SETTINGS: { appProxy: boolean; trustProxy: boolean | undefined }[] = [false, true].flatMap((appProxy) =>
  [undefined, true, false].map((trustProxy) => ({ appProxy, trustProxy })),
);

export const TOKEN = 'one-host-probe-token';

/** A list of hosts, and `*`, under which every syntactically valid host passes and so reaches Koa. */
export const ALLOWLISTS: string[][] = [['example.com', '.example.org', '127.0.0.1', '[::1]'], ['*']];

export interface Setting {
  koa: string;
  appProxy: boolean;
  trustProxy: boolean | undefined;
  allowedHosts: string[];
}

export function describeSetting(setting: Setting): string {
  return `${setting.koa}, app.proxy ${setting.appProxy}, trustProxy ${String(setting.trustProxy)}, allowedHosts ${setting.allowedHosts.join(' ')}`;
}

/** Every combination of Koa version, proxy settings and allowlist. */
export const SETTINGS: (Setting & { Koa: typeof KoaType })[] = KOA_VERSIONS.flatMap(([koa, Koa]) =>
  PROXY_SETTINGS.flatMap(({ appProxy, trustProxy }) => ALLOWLISTS.map((allowedHosts) => ({ koa, Koa, appProxy, trustProxy, allowedHosts }))),
);

/** The app under test for a setting: healthChecks() first, then a handler that reports what Koa hands it. */
export function appFor(setting: Setting & { Koa: typeof KoaType }): KoaType {
  const options: HealthChecksOptions = {
    configFile: false,
    allowedHosts: setting.allowedHosts,
    trustProxy: setting.trustProxy,
    probe: { value: TOKEN, paths: ['/health-check/'] },
    exemptPaths: ['/exempt'],
  };
  const middleware = withEnv(NO_TOKEN, () => healthChecks(options));
  return viewingApp(middleware, (app) => (app.proxy = setting.appProxy), setting.Koa);
}

/** Starts an HTTP/1.1 server for the app on 127.0.0.1. */
export async function listenHttp1(app: KoaType): Promise<{ server: Server; port: number }> {
  const server = createServer(app.callback());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

/** Starts a cleartext HTTP/2 server for the app on 127.0.0.1. */
export async function listenHttp2(app: KoaType): Promise<{ server: Http2Server; port: number }> {
  const server = createHttp2Server(app.callback());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

/** Writes a raw HTTP/1.1 request: the request line, then the headers, then `Connection: close`. */
export function rawRequest(requestLine: string, headers: [name: string, value: string][]): string {
  const lines = [requestLine, ...headers.map(([name, value]) => `${name}: ${value}`), 'Connection: close'];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** The JSON body of a raw response, or `undefined` when it has none. */
export function bodyOf(text: string): unknown {
  const body = text.slice(text.indexOf('\r\n\r\n') + 4);
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Sends one HTTP/2 stream on a session of its own and reads the response. A stream that nghttp2 refuses, on the
 * client's side or the server's, is `'refused'`: the request never reached Koa.
 */
export async function sendHttp2(port: number, headers: OutgoingHttpHeaders): Promise<{ status: number; body: string } | 'refused'> {
  const session = connectHttp2(`http://127.0.0.1:${port}`);
  session.on('error', () => undefined);
  try {
    const stream = session.request({ ':path': '/', ...headers });
    stream.on('error', () => undefined);
    let body = '';
    stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
    const [responseHeaders] = (await Promise.race([once(stream, 'response'), once(stream, 'close').then(() => [undefined])])) as [
      Record<string, unknown> | undefined,
    ];
    if (responseHeaders === undefined) return 'refused';
    if (!stream.closed) await once(stream, 'close');
    return { status: Number(responseHeaders[':status']), body };
  } catch {
    return 'refused';
  } finally {
    session.close();
  }
}
