'use strict';
// Compares the per-request cost of healthChecks() between two builds, in process and with no network, so that a few
// tens of nanoseconds show through the noise that loopback throughput has on a small machine.
//
//   git worktree add /tmp/before <commit> && (cd /tmp/before && npm ci && npm run build)
//   npm run build && node bench/compare-middleware.cjs /tmp/before .
//   node bench/compare-middleware.cjs /tmp/before . --subscribe    (with a subscriber on the diagnostics channels)
//
// Each build's middleware runs on real Koa contexts built from real IncomingMessage objects; the runs are
// interleaved and the fastest of nine is kept for each.
const http = require('node:http');
const { Socket } = require('node:net');
const path = require('node:path');
const Koa = require('koa');

const args = process.argv.slice(2);
const [before, after] = args.filter((arg) => !arg.startsWith('--')).map((root) => path.resolve(root));
if (args.includes('--subscribe')) {
  // What a log shipper would do: read each message's fields.
  let seen = 0;
  const read = (message) => (seen += String(message.host).length);
  for (const name of ['koa-allow-healthchecks:reject', 'koa-allow-healthchecks:probe']) require('node:diagnostics_channel').subscribe(name, read);
}
if (before === undefined || after === undefined) {
  console.error('usage: node bench/compare-middleware.cjs <build directory before> <build directory after>');
  process.exit(2);
}

const app = new Koa();
const CALLS = 300_000;
const next = () => Promise.resolve();

function middlewareOf(root) {
  const { healthChecks } = require(path.join(root, 'dist', 'index.js'));
  return healthChecks({ configFile: false, allowedHosts: ['example.com', '.example.org', '10.0.0.0/8'], probe: { value: 'bench-token' } });
}

function contexts(host, extraHeaders) {
  return Array.from({ length: 1000 }, () => {
    const req = new http.IncomingMessage(new Socket());
    Object.assign(req, { method: 'GET', url: '/password-reset?x=1', httpVersionMajor: 1 });
    req.rawHeaders = ['Host', host, 'User-Agent', 'curl/8.5.0', 'Accept', '*/*', ...extraHeaders];
    req.headers = { host, 'user-agent': 'curl/8.5.0', accept: '*/*' };
    for (let index = 0; index < extraHeaders.length; index += 2) req.headers[extraHeaders[index].toLowerCase()] = extraHeaders[index + 1];
    return app.createContext(req, new http.ServerResponse(req));
  });
}

function nsPerCall(middleware, pool) {
  const started = process.hrtime.bigint();
  for (let index = 0; index < CALLS; index += 1) {
    const ctx = pool[index % pool.length];
    ctx.state = {};
    middleware(ctx, next);
  }
  return Number(process.hrtime.bigint() - started) / CALLS;
}

const builds = { before: middlewareOf(before), after: middlewareOf(after) };
console.log('| request | before | after | difference |\n|---|---|---|---|');
const REQUESTS = [
  ['allowed name', 'example.com', []],
  ['allowed .suffix with a port', 'www.example.org:8443', []],
  ['rejected', 'evil.example', []],
  ['probe', '10.99.0.1:8000', ['X-Health', 'bench-token']],
];
for (const [name, host, extraHeaders] of REQUESTS) {
  const pool = contexts(host, extraHeaders);
  const best = { before: Infinity, after: Infinity };
  for (let round = 0; round < 9; round += 1) {
    for (const build of ['before', 'after']) best[build] = Math.min(best[build], nsPerCall(builds[build], pool));
  }
  console.log(`| ${name} | ${best.before.toFixed(0)} ns | ${best.after.toFixed(0)} ns | ${(best.after - best.before).toFixed(0)} ns |`);
}
