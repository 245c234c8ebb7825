'use strict';
// Writes src/config/schema-validator.generated.ts: the JSON Schema compiled to plain code by Ajv's standalone mode, so
// that the package neither loads Ajv nor compiles the schema at startup. spec/schema-types.spec.ts regenerates it and
// fails if the committed file has drifted from schema.json.
const fs = require('node:fs');
const path = require('node:path');
const Ajv = require('ajv');
const standaloneCode = require('ajv/dist/standalone').default;

const root = path.join(__dirname, '..');
const schemaPath = path.join(root, 'schema.json');
const outputPath = path.join(root, 'src', 'config', 'schema-validator.generated.ts');

/** The options the validator is compiled with; src/config/schema-validation.ts reads errors in this shape. */
const AJV_OPTIONS = { allErrors: true, strict: true, verbose: true, code: { source: true, esm: true, lines: true } };

/**
 * Ajv's standalone code requires `ajv/dist/runtime/ucs2length` to count a string's characters for minLength. That one
 * require would make Ajv (five packages, about 3 MB) a run-time dependency, so the count is inlined: the number of
 * code points, which is what ucs2length returns (a surrogate pair counts as one).
 */
const UCS2LENGTH_REQUIRE = 'require("ajv/dist/runtime/ucs2length").default';
const UCS2LENGTH_INLINE = '((text) => { let count = 0; for (const _ of text) count++; return count; })';

function generateValidator() {
  const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
  const ajv = new Ajv(AJV_OPTIONS);
  const code = standaloneCode(ajv, ajv.compile(schema)).replaceAll(UCS2LENGTH_REQUIRE, UCS2LENGTH_INLINE);
  if (code.includes('require(')) throw new Error('the compiled validator requires a module at run time; the package must not depend on Ajv');
  return [
    '/* Generated from schema.json by `npm run generate:validator`. Do not edit by hand. */',
    '/* eslint-disable */',
    '// @ts-nocheck',
    code,
    '',
  ].join('\n');
}

module.exports = { generateValidator, outputPath };

if (require.main === module) {
  fs.writeFileSync(outputPath, generateValidator());
  console.log(`wrote ${path.relative(root, outputPath)}`);
}
