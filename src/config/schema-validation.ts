import type { ErrorObject, ValidateFunction } from 'ajv';
import type { HealthChecksConfig } from '../config-types.generated';
import { suggestName } from './did-you-mean';
import generatedValidator from './schema-validator.generated';

type JsonSchema = {
  properties?: Record<string, JsonSchema>;
  enum?: readonly string[];
};

/**
 * schema.json compiled ahead of time by Ajv's standalone mode (scripts/generate-validator.js), so
 * that startup neither loads Ajv's compiler nor compiles the schema.
 */
const validate = generatedValidator as unknown as ValidateFunction<HealthChecksConfig>;

/** What each patterned or composite field expects, in words, for the error message. */
const FIELD_RULES: Record<string, string> = {
  'probe.header': "must be an HTTP header name: letters, digits and !#$%&'*+.^_`|~- only, e.g. \"X-Health\"",
  'probe.valueEnv': 'must be an environment variable name: letters, digits and _, not starting with a digit',
  'probe.value': 'must be a non-empty string or a non-empty array of non-empty strings',
  'probe.paths': 'must be an absolute path starting with "/", with no query string, fragment or whitespace',
  exemptPaths: 'must be an absolute path starting with "/", with no query string, fragment or whitespace',
  rejectStatus: 'must be a 4xx status code, from 400 to 499',
};

/**
 * The section whose values may be secrets: `probe.value` is the token, and a token pasted under the wrong key
 * (`probe.valueEnv`, `probe.header`, a path, a key of its own) is one all the same. Nothing under it is quoted back.
 */
const SECRET_SECTION = 'probe';

/**
 * Checks `data` against schema.json and returns one line per problem, each naming its key path
 * and what to do. An empty list means the data is valid. `extraRootKeys` names keys that are valid at the top level
 * besides the schema's own (the programmatic-only options), so that typo suggestions can find them too.
 */
export function validateAgainstSchema(data: unknown, extraRootKeys: readonly string[] = []): string[] {
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  const anyOfPaths = errors.filter((error) => error.keyword === 'anyOf').map((error) => error.schemaPath);
  return unique(
    errors
      .filter((error) => error.keyword === 'anyOf' || !anyOfPaths.some((path) => error.schemaPath.startsWith(path)))
      .map((error) => describeError(error, extraRootKeys)),
  );
}

function describeError(error: ErrorObject, extraRootKeys: readonly string[]): string {
  const path = keyPath(error.instancePath);
  const rule = FIELD_RULES[path.replace(/\[\d+\]$/, '')];
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String(error.params.additionalProperty);
      const parent = error.parentSchema as JsonSchema;
      const known = [...Object.keys(parent.properties ?? {}), ...(path === '' ? extraRootKeys : [])];
      const suggestion = suggestName(name, known);
      // Under probe a key could be a pasted token, so it is named only when it is a near miss of an option's name.
      const where = path === '' ? name : isSecretPath(path) && suggestion === undefined ? `${path} has a key that` : `${path}.${name}`;
      return suggestion === undefined
        ? `${where} is not a known option. Known options here: ${known.join(', ')}.`
        : `${where} is not a known option. Did you mean ${suggestion}?`;
    }
    case 'type':
      return `${label(path)} must be ${withArticle(String(error.params.type))}, not ${typeName(error.data)}.`;
    case 'enum': {
      const allowed = (error.parentSchema as JsonSchema).enum ?? [];
      const suggestion = typeof error.data === 'string' ? suggestName(error.data, allowed) : undefined;
      const hint = suggestion === undefined ? '' : ` Did you mean ${suggestion}?`;
      return `${label(path)} must be one of ${allowed.join(', ')}${quoted(path, error.data)}.${hint}`;
    }
    case 'minItems':
      return path === 'allowedHosts'
        ? 'allowedHosts is empty, which would reject every request. List the hosts the app serves, or "*" to allow any valid host.'
        : `${label(path)} must not be empty. Remove the key to use the default.`;
    case 'minLength':
      return `${label(path)} must not be an empty string.`;
    case 'minimum':
    case 'maximum':
    case 'pattern':
    case 'anyOf':
      return `${label(path)} ${rule ?? String(error.message)}${quoted(path, error.data)}.`;
    default:
      return `${label(path)} ${String(error.message)}.`;
  }
}

/** `/probe/methods/1` becomes `probe.methods[1]`. */
function keyPath(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment), '');
}

function label(path: string): string {
  return path === '' ? 'The configuration' : path;
}

function isSecretPath(path: string): boolean {
  return path === SECRET_SECTION || path.startsWith(`${SECRET_SECTION}.`);
}

function quoted(path: string, value: unknown): string {
  if (isSecretPath(path)) return '';
  if (typeof value === 'string' || typeof value === 'number') return ` (got ${JSON.stringify(value)})`;
  return '';
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  return withArticle(typeof value);
}

function withArticle(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function unique(lines: string[]): string[] {
  return [...new Set(lines)];
}
