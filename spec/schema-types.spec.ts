import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { HealthChecksConfig, HealthChecksOptions } from '../src';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { generateConfigTypes, outputPath } = require('../scripts/generate-config-types.js') as {
  generateConfigTypes: () => Promise<string>;
  outputPath: string;
};

// The options type is the schema's type plus the programmatic-only keys: checked at compile time.
type ConfigKeys = Exclude<keyof HealthChecksConfig, '$schema'>;
type OptionKeys = Exclude<keyof HealthChecksOptions, 'cwd' | 'configFile' | 'onReject'>;
const sameKeys: [ConfigKeys] extends [OptionKeys] ? ([OptionKeys] extends [ConfigKeys] ? true : false) : false = true;

describe('the TypeScript types and the JSON Schema', () => {
  it('agree: src/config-types.generated.ts is what the schema generates today', async function () {
    this.timeout(20000);
    const committed = readFileSync(outputPath, 'utf8');
    expect(await generateConfigTypes(), 'run `npm run generate:types` and commit the result').to.equal(committed);
    expect(sameKeys).to.equal(true);
  });
});
