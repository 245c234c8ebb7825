import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Client } from 'pg';
import { freePort } from './free-port';

// The multi-tenant recipe (docs/recipes/multi-tenant-postgres) against a real PostgreSQL that this test starts itself,
// with initdb and pg_ctl, on a free loopback port in a temporary directory, and three app processes. The deadlines of
// one second are the recipe's promise: a change made in SQL reaches every process through LISTEN/NOTIFY by then.

const RECIPE = join(__dirname, '..', '..', 'docs', 'recipes', 'multi-tenant-postgres');

/** PostgreSQL's binaries, from Debian's package. */
function postgresBin(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  return join('/usr/lib/postgresql', versions[0] as string, 'bin');
}

/** PostgreSQL refuses to run as root: as root, run its tools as the postgres user. */
function runPostgresTool(tool: string, args: string[]): void {
  const command = join(postgresBin(), tool);
  if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'ignore' });
  else execFileSync(command, args, { stdio: 'ignore' });
}

class Database {
  readonly directory = mkdtempSync(join(tmpdir(), 'koa-allow-healthchecks-pg-'));
  readonly data = join(this.directory, 'data');
  constructor(readonly port: number) {
    if (process.getuid?.() === 0) {
      const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
      chownSync(this.directory, id('-u'), id('-g'));
    }
    runPostgresTool('initdb', ['-D', this.data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  }
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }
  start(): void {
    const options = `-p ${this.port} -k ${this.directory} -c listen_addresses=127.0.0.1 -c fsync=off`;
    runPostgresTool('pg_ctl', ['-D', this.data, '-o', options, '-l', join(this.directory, 'log'), '-w', 'start']);
  }
  stop(): void {
    runPostgresTool('pg_ctl', ['-D', this.data, '-m', 'fast', '-w', 'stop']);
  }
  async sql(text: string, values: unknown[] = []): Promise<void> {
    const client = new Client({ connectionString: this.url });
    await client.connect();
    try {
      await client.query(text, values);
    } finally {
      await client.end();
    }
  }
  remove(): void {
    rmSync(this.directory, { recursive: true, force: true });
  }
}

interface App {
  child: ChildProcess;
  port: number;
}

function startApp(databaseUrl: string): Promise<App> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(RECIPE, 'server.js')], {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, PORT: '0', NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const port = /listening on (\d+)/.exec(output)?.[1];
      if (port !== undefined) resolve({ child, port: Number(port) });
    });
    child.on('exit', (code) => reject(new Error(`app exited with ${code}: ${output}`)));
  });
}

function statusOf(app: App, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port: app.port, path: '/', headers: { Host: host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

/** Whether every app answers `status` for `host` before `ms` have passed. */
async function allWithin(apps: App[], host: string, status: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    const statuses = await Promise.all(apps.map((app) => statusOf(app, host)));
    if (statuses.every((answer) => answer === status)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('the multi-tenant recipe with a real PostgreSQL and three app processes', function () {
  this.timeout(90000);
  let database: Database;
  let apps: App[] = [];

  before(async () => {
    database = new Database(await freePort());
    database.start();
    await database.sql(readFileSync(join(RECIPE, 'schema.sql'), 'utf8'));
    await database.sql('INSERT INTO domains (hostname, tenant_id) VALUES ($1, 1)', ['shop.tenant-a.example']);
    apps = await Promise.all([1, 2, 3].map(() => startApp(database.url)));
  });

  after(() => {
    for (const app of apps) app.child.kill();
    try {
      database.stop();
    } catch {
      // Already stopped.
    }
    database.remove();
  });

  it('serves a tenant domain from the table, and refuses an unknown one, in every process', async () => {
    expect(await allWithin(apps, 'shop.tenant-a.example', 200, 0)).to.equal(true);
    expect(await allWithin(apps, 'app.example.com', 200, 0)).to.equal(true);
    expect(await allWithin(apps, 'new.tenant-b.example', 400, 0)).to.equal(true);
  });

  it('lets a domain added in SQL through in all three within 1 s, although each had cached its refusal', async () => {
    await database.sql('INSERT INTO domains (hostname, tenant_id) VALUES ($1, 2)', ['new.tenant-b.example']);
    expect(await allWithin(apps, 'new.tenant-b.example', 200, 1000)).to.equal(true);
  });

  it('refuses a domain removed in SQL in all three within 1 s, although each had cached it', async () => {
    await database.sql('DELETE FROM domains WHERE hostname = $1', ['shop.tenant-a.example']);
    expect(await allWithin(apps, 'shop.tenant-a.example', 400, 1000)).to.equal(true);
  });

  it('with PostgreSQL stopped: cached tenants keep passing, new names get 503, and nothing crashes', async () => {
    database.stop();
    expect(await allWithin(apps, 'new.tenant-b.example', 200, 0)).to.equal(true);
    expect(await allWithin(apps, 'fresh.tenant-c.example', 503, 0)).to.equal(true);
    expect(await allWithin(apps, 'app.example.com', 200, 0)).to.equal(true);
    expect(apps.map((app) => app.child.exitCode)).to.deep.equal([null, null, null]);
  });

  it('after a restart, everything recovers: new names resolve, and changes reach every process again', async () => {
    database.start();
    expect(await allWithin(apps, 'fresh.tenant-c.example', 400, 10000)).to.equal(true);
    // Wait until each process has its LISTEN connection back: a change then reaches all three within 1 s.
    await database.sql('INSERT INTO domains (hostname, tenant_id) VALUES ($1, 3)', ['fresh.tenant-c.example']);
    expect(await allWithin(apps, 'fresh.tenant-c.example', 200, 10000)).to.equal(true);
    await database.sql('DELETE FROM domains WHERE hostname = $1', ['fresh.tenant-c.example']);
    expect(await allWithin(apps, 'fresh.tenant-c.example', 400, 1000)).to.equal(true);
    expect(apps.map((app) => app.child.exitCode)).to.deep.equal([null, null, null]);
  });
});
