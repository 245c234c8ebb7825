'use strict';
// Tenant domains from PostgreSQL for koa-allow-healthchecks: resolveHost asks the `domains` table about names
// allowedHosts does not list, and a LISTEN connection drops a name from the cache in every process as soon as it
// changes. Copy this file into your app; it needs the `pg` package.
const { Client, Pool } = require('pg');

/**
 * @param {{ connectionString: string, log?: (message: string) => void }} options
 * @returns {{ resolveHost(hostname: string): Promise<boolean>, listen(middleware: { invalidate(hostname?: string): void }): void, close(): Promise<void> }}
 */
function tenantDomains({ connectionString, log = () => undefined }) {
  // Fail fast when the database is down: koa-allow-healthchecks answers 503 for names it has not cached, and keeps
  // serving the cached ones, so a slow failure would only hold requests longer.
  const pool = new Pool({ connectionString, max: 4, connectionTimeoutMillis: 500, query_timeout: 800 });
  pool.on('error', (error) => log(`tenant domains: idle connection lost: ${error.message}`));
  let listener;
  let retry;
  let closed = false;

  async function resolveHost(hostname) {
    const { rowCount } = await pool.query('SELECT 1 FROM domains WHERE hostname = $1', [hostname]);
    return rowCount > 0;
  }

  /** Keeps one LISTEN connection, reconnecting after a failure; any change, or a reconnect, invalidates the cache. */
  function listen(middleware) {
    const connect = async () => {
      if (closed) return;
      const client = new Client({ connectionString, connectionTimeoutMillis: 500 });
      const reconnect = (error) => {
        if (listener !== client) return;
        listener = undefined;
        log(`tenant domains: LISTEN connection lost (${error?.message ?? 'closed'}); retrying`);
        client.end().catch(() => undefined);
        schedule();
      };
      client.on('error', reconnect);
      client.on('end', () => reconnect());
      client.on('notification', (message) => middleware.invalidate(message.payload || undefined));
      try {
        listener = client;
        await client.connect();
        await client.query('LISTEN domains_changed');
        // Notifications sent while disconnected are lost, so forget every cached answer.
        middleware.invalidate();
      } catch (error) {
        reconnect(error);
      }
    };
    const schedule = () => {
      if (closed) return;
      clearTimeout(retry);
      retry = setTimeout(connect, 250);
      retry.unref();
    };
    void connect();
  }

  async function close() {
    closed = true;
    clearTimeout(retry);
    const client = listener;
    listener = undefined;
    await Promise.allSettled([client?.end(), pool.end()]);
  }

  return { resolveHost, listen, close };
}

module.exports = { tenantDomains };
