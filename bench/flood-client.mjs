// The flood of bench/live.mjs, in a process of its own so that its event loop does not delay the latency sampler's:
// `amount` requests, each for a new subdomain, at `rate` a second, to 127.0.0.1:`port`. Reports autocannon's result.
import autocannon from 'autocannon';

const [port, amount, rate] = process.argv.slice(2).map(Number);
let next = 0;
const result = await autocannon({
  url: `http://127.0.0.1:${port}/`,
  connections: 50,
  amount,
  overallRate: rate,
  requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, headers: { ...req.headers, host: `t${(next += 1)}.flood.example` } }) }],
});
process.send({ total: result.requests.total, '2xx': result['2xx'], '4xx': result['4xx'], '5xx': result['5xx'], errors: result.errors });
process.disconnect();
