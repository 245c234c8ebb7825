import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { HealthChecksConfigError, healthChecks, type HealthChecksOptions } from '../../src';
import { appWith, listen, NO_TOKEN, sendRaw, thrownBy, withEnv } from '../helpers';

/**
 * Runs every vector in the JSON files beside this one through the public healthChecks() API over real HTTP. Each file
 * ports the host-validation tests of one project; each group names its source file and test. Where this package
 * differs by design, the vector keeps the other project's result in `theirs`, ours in `ours`, and says why in
 * `difference`; the README's table lists those differences.
 */
type Outcome = 'allow' | 'reject' | 'config-error';

interface Vector {
  name?: string;
  /** The Host header; `null` sends an HTTP/1.0 request with none. */
  host: string | null;
  forwardedHost?: string;
  path?: string;
  config?: Record<string, unknown>;
  theirs: 'allow' | 'reject';
  ours?: Outcome;
  difference?: string;
  /** What ctx.state.healthCheck.host must hold when the request passes. */
  stateHost?: string;
  note?: string;
}

interface Group {
  source: string;
  test: string;
  config?: Record<string, unknown>;
  note?: string;
  vectors: Vector[];
}

interface ConformanceFile {
  project: string;
  note?: string;
  groups: Group[];
}

export const CONFORMANCE_FILES: ConformanceFile[] = readdirSync(__dirname)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => JSON.parse(readFileSync(join(__dirname, file), 'utf8')) as ConformanceFile);

function rawRequest(vector: Vector): Buffer {
  const lines = vector.host === null ? [`GET ${vector.path ?? '/'} HTTP/1.0`] : [`GET ${vector.path ?? '/'} HTTP/1.1`, `Host: ${vector.host}`];
  if (vector.forwardedHost !== undefined) lines.push(`X-Forwarded-Host: ${vector.forwardedHost}`);
  lines.push('Connection: close');
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
}

function title(vector: Vector): string {
  const sent = vector.host === null ? 'no Host' : `Host ${JSON.stringify(vector.host)}`;
  const forwarded = vector.forwardedHost === undefined ? '' : `, X-Forwarded-Host ${JSON.stringify(vector.forwardedHost)}`;
  const name = vector.name === undefined ? '' : `${vector.name}: `;
  return `${name}${sent}${forwarded} ${vector.ours ?? vector.theirs}s${vector.difference === undefined ? '' : ' (differs by design)'}`;
}

async function check(options: HealthChecksOptions, vector: Vector): Promise<void> {
  const expected = vector.ours ?? vector.theirs;
  const build = () => withEnv(NO_TOKEN, () => healthChecks({ configFile: false, ...options }));
  if (expected === 'config-error') {
    expect(thrownBy(build)).to.be.instanceOf(HealthChecksConfigError);
    return;
  }
  // The app trusts its proxy exactly when the check does, as the README says to configure it.
  const { server, port } = await listen(appWith(build(), (app) => (app.proxy = options.trustProxy === true)));
  try {
    const response = await sendRaw(port, rawRequest(vector));
    const rejectStatus = (options.rejectStatus as number | undefined) ?? 400;
    expect(response.status, response.text.slice(0, 300)).to.equal(expected === 'allow' ? 200 : rejectStatus);
    if (vector.stateHost !== undefined) {
      const body = JSON.parse(response.text.slice(response.text.indexOf('\r\n\r\n') + 4)) as { healthCheck: { host: string } };
      expect(body.healthCheck.host).to.equal(vector.stateHost);
    }
  } finally {
    server.close();
  }
}

describe('conformance', () => {
  for (const file of CONFORMANCE_FILES) {
    describe(file.project, () => {
      for (const group of file.groups) {
        describe(`${group.source} › ${group.test}`, () => {
          for (const vector of group.vectors) {
            it(title(vector), () => check({ ...group.config, ...vector.config } as HealthChecksOptions, vector));
          }
        });
      }
    });
  }

  it('holds more than 150 vectors, each naming its source and test', () => {
    const groups = CONFORMANCE_FILES.flatMap((file) => file.groups);
    for (const group of groups) {
      expect(group.source, group.test).to.match(/\.(py|rb|cs)$/);
      expect(group.test).to.have.length.greaterThan(0);
    }
    expect(groups.flatMap((group) => group.vectors).length).to.be.greaterThan(150);
  });

  it('explains every difference, and marks no agreement as one', () => {
    for (const vector of CONFORMANCE_FILES.flatMap((file) => file.groups.flatMap((group) => group.vectors))) {
      const differs = vector.ours !== undefined && vector.ours !== vector.theirs;
      expect(vector.difference !== undefined, JSON.stringify(vector)).to.equal(differs);
    }
  });
});
