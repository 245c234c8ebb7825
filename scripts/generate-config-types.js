'use strict';
// Writes src/config-types.generated.ts from schema.json, the source of truth.
// spec/schema-types.spec.ts runs the same generation and fails if the committed file has drifted.
const fs = require('node:fs');
const path = require('node:path');
const { compile } = require('json-schema-to-typescript');

const root = path.join(__dirname, '..');
const schemaPath = path.join(root, 'schema.json');
const outputPath = path.join(root, 'src', 'config-types.generated.ts');

async function generateConfigTypes() {
  const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
  return compile(schema, 'HealthChecksConfig', {
    bannerComment:
      '/* Generated from schema.json by `npm run generate:types`. Do not edit by hand. */',
    additionalProperties: false,
    ignoreMinAndMaxItems: true,
    style: { singleQuote: true, printWidth: 120 },
  });
}

module.exports = { generateConfigTypes, outputPath };

if (require.main === module) {
  generateConfigTypes().then((source) => {
    fs.writeFileSync(outputPath, source);
    console.log(`wrote ${path.relative(root, outputPath)}`);
  });
}
