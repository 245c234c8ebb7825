import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { HealthChecksConfig, HealthChecksOptions } from '../src';

/* eslint-disable @typescript-eslint/no-require-imports */
const { generateConfigTypes, outputPath } = require('../scripts/generate-config-types.js') as {
  generateConfigTypes: () => Promise<string>;
  outputPath: string;
};
const validatorScript = require('../scripts/generate-validator.js') as { generateValidator: () => string; outputPath: string };
/* eslint-enable @typescript-eslint/no-require-imports */

// The options type is the schema's type plus the programmatic-only keys: checked at compile time.
type ConfigKeys = Exclude<keyof HealthChecksConfig, '$schema'>;
type OptionKeys = Exclude<keyof HealthChecksOptions, 'cwd' | 'configFile' | 'onReject' | 'resolveHost' | 'resolveCache' | 'resolveConcurrency' | 'resolveTimeout' | 'checks' | 'onShutdown'>;
const sameKeys: [ConfigKeys] extends [OptionKeys] ? ([OptionKeys] extends [ConfigKeys] ? true : false) : false = true;

describe('the TypeScript types, the compiled validator and the JSON Schema', () => {
  it('agree: src/config/schema-validator.generated.ts is what Ajv compiles from the schema today', () => {
    const committed = readFileSync(validatorScript.outputPath, 'utf8');
    expect(validatorScript.generateValidator(), 'run `npm run generate:validator` and commit the result').to.equal(committed);
  });

  it('agree: src/config-types.generated.ts is what the schema generates today', async function () {
    this.timeout(20000);
    const committed = readFileSync(outputPath, 'utf8');
    expect(await generateConfigTypes(), 'run `npm run generate:types` and commit the result').to.equal(committed);
    expect(sameKeys).to.equal(true);
  });
});
