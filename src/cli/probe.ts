import { request as httpRequest, STATUS_CODES, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { parseArgs } from 'node:util';
import { EXIT, PROGRAM, UsageError, type CommandResult } from './usage';

const PROBE_HELP = `Usage: ${PROGRAM} probe URL [--header NAME] [--value-env VAR] [--host HOST] [--timeout MS] [--insecure]

Sends one GET to URL the way the kubelet's HTTP probe does, with the probe token from the
environment in the probe header, and exits 0 for a 2xx or 3xx answer and 1 otherwise. Made for a
Docker HEALTHCHECK in an image with no curl. The token is never printed.

Options:
  --header NAME    the probe header (default: X-Health)
  --value-env VAR  the environment variable holding the token (default: HEALTH_CHECK_HEADER_VALUE);
                   of a comma-separated list, the first token is sent; if it is unset, no header is sent
  --host HOST      send this Host header instead of the URL's host
  --timeout MS     the deadline for the whole exchange, from connecting to the last byte of
                   the response, in milliseconds (default: 1000, the kubelet's default)
  --insecure       do not verify an HTTPS certificate (the kubelet does not verify either)
  --help           show this help

Exit codes: 0 healthy, 1 unhealthy or unreachable, 2 bad command line (3, invalid configuration,
is check's and explain's: probe reads no config file).`;

/** The kubelet sends `User-Agent: kube-probe/<version>`; this names itself in the same style. */
const USER_AGENT = 'kube-probe/koa-allow-healthchecks';

export async function runProbe(args: string[], env: NodeJS.ProcessEnv): Promise<CommandResult> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      header: { type: 'string', default: 'X-Health' },
      'value-env': { type: 'string', default: 'HEALTH_CHECK_HEADER_VALUE' },
      host: { type: 'string' },
      timeout: { type: 'string', default: '1000' },
      insecure: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return { stdout: PROBE_HELP, exitCode: EXIT.pass };
  const url = parseUrl(positionals);
  const timeout = Number(values.timeout);
  if (!Number.isInteger(timeout) || timeout <= 0) throw new UsageError('--timeout must be a whole number of milliseconds');

  const token = env[values['value-env']]?.split(',').map((value) => value.trim()).find((value) => value !== '');
  const headers: Record<string, string> = { 'User-Agent': USER_AGENT, Accept: '*/*', Connection: 'close' };
  if (token !== undefined) headers[values.header] = token;
  if (values.host !== undefined) headers.Host = values.host;
  const note = token === undefined ? `(no token in ${values['value-env']}: sent no ${values.header} header) ` : '';

  const outcome = await get(url, headers, timeout, values.insecure);
  if ('error' in outcome) return { stdout: '', stderr: `probe ${url.href}: ${note}${outcome.error}`, exitCode: EXIT.rejected };
  const healthy = outcome.status >= 200 && outcome.status < 400;
  const line = `probe ${url.href}: ${note}${outcome.status} ${outcome.statusText}`;
  return healthy ? { stdout: line, exitCode: EXIT.pass } : { stdout: '', stderr: line, exitCode: EXIT.rejected };
}

function parseUrl(positionals: string[]): URL {
  if (positionals.length !== 1) throw new UsageError('probe takes exactly one URL, such as http://127.0.0.1:8000/health-check/');
  let url: URL;
  try {
    url = new URL(positionals[0] as string);
  } catch {
    throw new UsageError(`${JSON.stringify(positionals[0])} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('the URL must start with http:// or https://');
  return url;
}

type Outcome = { status: number; statusText: string } | { error: string };

/**
 * Sends the GET and reads the whole response. `timeout` is a deadline for all of it: a server that accepts the
 * connection and then dribbles bytes cannot hold the probe past it, as a socket idle timeout alone would let it.
 */
function get(url: URL, headers: Record<string, string>, timeout: number, insecure: boolean): Promise<Outcome> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let outcome: Outcome | undefined;
    const request = send(url, { method: 'GET', headers, rejectUnauthorized: !insecure }, (response: IncomingMessage) => {
      // The standard reason phrase, never the server's own: a server may echo the request, token included.
      const status = response.statusCode ?? 0;
      outcome = { status, statusText: STATUS_CODES[status] ?? '' };
      response.on('error', () => undefined);
      response.on('end', () => finish(outcome as Outcome));
      response.resume();
    });
    const deadline = setTimeout(() => {
      finish({ error: `no complete response within ${timeout} ms` });
      request.destroy();
    }, timeout);
    request.on('error', (error: Error) => finish(outcome ?? { error: error.message }));
    request.on('close', () => finish(outcome ?? { error: 'the connection closed without a response' }));
    request.end();

    function finish(result: Outcome): void {
      clearTimeout(deadline);
      resolve(result);
    }
  });
}
