'use strict';
// The faults real traffic brings, each a phase of the soak against one server while ordinary traffic flows: slow
// clients that dribble headers, clients that abort mid-request and mid-response, connection churn, and pipelining
// that mixes probes, allowed and rejected hosts on one connection with every response checked against its request.
const net = require('node:net');
const autocannon = require('autocannon');
const { requestsFor, sendRaw } = require('./traffic');

/** Ordinary traffic for `seconds`, to show the server keeps serving during a fault. */
function ordinaryTraffic(port, seconds, token) {
  return autocannon({ url: `http://127.0.0.1:${port}`, connections: 4, duration: seconds, requests: requestsFor(token) });
}

function served(load) {
  return { requests: load.requests.total, '2xx': load['2xx'], '4xx': load['4xx'], '5xx': load['5xx'], errors: load.errors + load.timeouts };
}

/** `count` connections that send a request line and then one header byte a second, never finishing. */
async function slowClients(port, seconds, token, count = 200) {
  const sockets = [];
  let closedEarly = 0;
  for (let index = 0; index < count; index += 1) {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.on('close', () => {
      closedEarly += 1;
    });
    socket.write(`GET / HTTP/1.1\r\nHost: example.com\r\nX-Slow-${index}: `);
    sockets.push(socket);
  }
  const dribble = setInterval(() => {
    for (const socket of sockets) if (!socket.destroyed) socket.write('a');
  }, 1000);
  const load = await ordinaryTraffic(port, seconds, token);
  clearInterval(dribble);
  const stillOpen = sockets.filter((socket) => !socket.destroyed).length;
  for (const socket of sockets) socket.destroy();
  return { slowClients: count, stillOpenAtEnd: stillOpen, closedByServer: closedEarly, ordinary: served(load) };
}

/** Clients that hang up halfway through their request, or halfway through a 256 KiB response. */
async function abortingClients(port, seconds, token) {
  const deadline = Date.now() + seconds * 1000;
  const counts = { midRequest: 0, midResponse: 0 };
  const abortLoop = async () => {
    for (let index = 0; Date.now() < deadline; index += 1) {
      const midResponse = index % 2 === 1;
      await new Promise((resolve) => {
        const socket = net.connect(port, '127.0.0.1');
        socket.on('error', () => {});
        socket.on('close', resolve);
        if (midResponse) {
          socket.write('GET /big HTTP/1.1\r\nHost: example.com\r\n\r\n');
          socket.once('data', () => socket.destroy());
          counts.midResponse += 1;
        } else {
          socket.write(`GET /health-check/ HTTP/1.1\r\nHost: 10.1.2.3:8000\r\nX-Health: ${token.slice(0, 5)}`);
          setImmediate(() => socket.destroy());
          counts.midRequest += 1;
        }
        setTimeout(() => socket.destroy(), 2000);
      });
    }
  };
  const [load] = await Promise.all([ordinaryTraffic(port, seconds, token), abortLoop(), abortLoop(), abortLoop(), abortLoop()]);
  return { ...counts, ordinary: served(load) };
}

/** `total` short connections, `concurrency` at a time, each one request with `Connection: close`. */
async function connectionChurn(port, token, total = 20_000, concurrency = 64) {
  const requests = [
    'GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n',
    `GET /health-check/ HTTP/1.1\r\nHost: 10.244.3.9:8000\r\nX-Health: ${token}\r\nConnection: close\r\n\r\n`,
    'GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n',
  ];
  const counts = { connections: 0, '2xx': 0, '4xx': 0, '5xx': 0, error: 0, other: 0 };
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const index = next;
      next += 1;
      const outcome = await sendRaw(port, requests[index % requests.length]);
      counts.connections += 1;
      counts[outcome in counts ? outcome : 'other'] += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return counts;
}

/**
 * `connections` connections, each writing `depth` requests at once: probes with the token, allowed hosts, probes with
 * a wrong token, rejected hosts, shuffled. Each response is matched to its own request by order; a response whose
 * status is not the one its request should get counts as a mismatch (a decision or a token leaking across requests).
 */
async function pipelining(port, token, connections = 200, depth = 30) {
  const kinds = [
    { request: `GET /health-check/ HTTP/1.1\r\nHost: 10.9.8.7:8000\r\nX-Health: ${token}\r\n\r\n`, status: 200 },
    { request: 'GET / HTTP/1.1\r\nHost: www.example.org\r\n\r\n', status: 200 },
    { request: 'GET /health-check/ HTTP/1.1\r\nHost: 172.16.5.5:8000\r\nX-Health: not-the-token\r\n\r\n', status: 400 },
    { request: 'GET /health-check/ HTTP/1.1\r\nHost: evil.example\r\n\r\n', status: 400 },
  ];
  const counts = { connections, requests: 0, matched: 0, mismatched: 0, missing: 0 };
  for (let connection = 0; connection < connections; connection += 1) {
    const sequence = Array.from({ length: depth }, (_, index) => kinds[(index * 7 + connection) % kinds.length]);
    const statuses = await pipelined(port, sequence.map((kind) => kind.request).join('') + 'GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n');
    sequence.forEach((kind, index) => {
      counts.requests += 1;
      if (statuses[index] === undefined) counts.missing += 1;
      else if (statuses[index] === kind.status) counts.matched += 1;
      else counts.mismatched += 1;
    });
  }
  return counts;
}

/** Writes the requests at once and returns the status of each response, in order. */
function pipelined(port, bytes) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(bytes));
    const chunks = [];
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => resolve(statusesOf(Buffer.concat(chunks).toString('latin1'))));
  });
}

/** The statuses of a run of HTTP/1.1 responses, each with a Content-Length. */
function statusesOf(text) {
  const statuses = [];
  let offset = 0;
  while (offset < text.length) {
    const headEnd = text.indexOf('\r\n\r\n', offset);
    if (headEnd === -1) break;
    const head = text.slice(offset, headEnd);
    const status = /^HTTP\/1\.1 (\d{3})/.exec(head)?.[1];
    const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
    if (status === undefined || length === undefined) break;
    statuses.push(Number(status));
    offset = headEnd + 4 + Number(length);
  }
  return statuses;
}

module.exports = { abortingClients, connectionChurn, pipelining, slowClients };
