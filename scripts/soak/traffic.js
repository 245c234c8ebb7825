'use strict';
// The mixed traffic of the soak: autocannon over keep-alive connections cycling through allowed hosts, probes, rejected
// and invalid hosts, plus malformed requests written to raw sockets. Both servers get exactly the same.
const net = require('node:net');
const autocannon = require('autocannon');

/** Requests an ordinary client sends; each connection cycles through them. */
function requestsFor(token) {
  return [
    { method: 'GET', path: '/', headers: { host: 'example.com' } },
    { method: 'GET', path: '/page?x=1', headers: { host: 'a.b.example.org:8443' } },
    { method: 'GET', path: '/health-check/', headers: { host: '10.244.1.7:8000', 'user-agent': 'kube-probe/1.31', 'x-health': token } },
    { method: 'GET', path: '/health-check/', headers: { host: '172.16.0.9:8000', 'x-health': token } },
    { method: 'GET', path: '/health-check/', headers: { host: '172.16.0.9:8000', 'x-health': 'wrong-token' } },
    { method: 'GET', path: '/alb-health', headers: { host: '172.31.0.5' } },
    { method: 'GET', path: '/', headers: { host: 'evil.example' } },
    { method: 'POST', path: '/', headers: { host: 'example.com@evil.example' } },
    { method: 'GET', path: '/', headers: { host: 'example.com, evil.example' } },
    { method: 'GET', path: '/', headers: { host: 'a'.repeat(4000) } },
  ];
}

/** Malformed requests no HTTP client would send. */
const MALFORMED = [
  'GET / HTTP/1.1\r\nHost: example.com\r\nHost: evil.example\r\nConnection: close\r\n\r\n',
  'GET / HTTP/1.0\r\n\r\n',
  'GET / HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n',
  'GET http://evil.example/ HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: exa\u0001mple.com\r\nConnection: close\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: exa\tmple.com\r\nConnection: close\r\n\r\n',
  Buffer.from('GET / HTTP/1.1\r\nHost: exämple.com\r\nConnection: close\r\n\r\n', 'utf8'),
  `GET / HTTP/1.1\r\nHost: ${'a'.repeat(9000)}\r\nConnection: close\r\n\r\n`,
  'GET / HTTP/1.1\r\nHost: evil.example\r\nX-Health: x\r\nX-Health: y\r\nConnection: close\r\n\r\n',
  'NOT HTTP\r\n\r\n',
];

/** Sends `bytes` on a new connection and resolves with the status class of the answer, or "error". */
function sendRaw(port, bytes, timeoutMs = 5000) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(bytes));
    const chunks = [];
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('timeout')));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => resolve('error'));
    socket.on('close', () => {
      const status = /^HTTP\/1\.[01] (\d)\d\d/.exec(Buffer.concat(chunks).toString('latin1'))?.[1];
      resolve(status === undefined ? 'error' : `${status}xx`);
    });
  });
}

function emptyCounts() {
  return { requests: 0, '2xx': 0, '4xx': 0, '5xx': 0, errors: 0, timeouts: 0, malformed: 0, malformed2xx: 0 };
}

/** Adds one slice's outcome to the running counts. */
function addTo(counts, load, raw) {
  counts.requests += load.requests.total;
  counts['2xx'] += load['2xx'];
  counts['4xx'] += load['4xx'];
  counts['5xx'] += load['5xx'] + raw['5xx'];
  counts.errors += load.errors + raw.error + raw.other;
  counts.timeouts += load.timeouts;
  counts.malformed += raw['2xx'] + raw['4xx'] + raw['5xx'] + raw.error + raw.other;
  counts.malformed2xx += raw['2xx'];
}

/** Both kinds of traffic at once against one server, for `seconds`. */
async function mixedTraffic(port, seconds, token) {
  const deadline = Date.now() + seconds * 1000;
  const rawLoop = async () => {
    const raw = { '2xx': 0, '4xx': 0, '5xx': 0, error: 0, other: 0 };
    for (let index = 0; Date.now() < deadline; index += 1) {
      const outcome = await sendRaw(port, MALFORMED[index % MALFORMED.length]);
      raw[outcome in raw ? outcome : 'other'] += 1;
    }
    return raw;
  };
  const load = autocannon({ url: `http://127.0.0.1:${port}`, connections: 8, duration: seconds, requests: requestsFor(token) });
  const [loadResult, raw] = await Promise.all([load, rawLoop()]);
  return { load: loadResult, raw };
}

module.exports = { addTo, emptyCounts, mixedTraffic, requestsFor, sendRaw };
