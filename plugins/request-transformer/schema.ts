import type { PluginSchema } from 'isogate/sdk'

export interface Fields {
  body: string[]
  headers: string[]
  querystring: string[]
}

export interface Config {
  http_method?: string
  remove: Fields
  rename: Fields
  replace: Fields & { uri?: string }
  add: Fields
  append: Fields
}

/** Header names as Kong's `validate_header_name` allows them. */
const NAME = '[A-Za-z0-9_-]+'
/** A header value: no control characters but horizontal tab. */
const VALUE = '[^\\u0000-\\u0008\\u000A-\\u001F\\u007F]*'

const list = (description: string, pattern?: string) => ({
  type: 'array',
  description,
  items: pattern === undefined ? { type: 'string' } : { type: 'string', pattern },
  default: [],
})

/** Kong's `name:value` entries for body and querystring: a name, then a non-empty value. */
const PAIR = '^[^:]+:+[^:].*$'

function record(verb: string, headers: string, pairs: boolean) {
  const what = pairs ? '`name:value` pairs' : 'names'
  return {
    type: 'object',
    description: `What to ${verb}.`,
    properties: {
      body: list(
        `Body parameters to ${verb} (form-urlencoded and JSON bodies), as ${what}.`,
        pairs ? PAIR : undefined,
      ),
      headers: list(`Headers to ${verb}, as ${what}.`, headers),
      querystring: list(`Query string arguments to ${verb}, as ${what}.`, pairs ? PAIR : undefined),
    },
    additionalProperties: false,
    default: {},
  }
}

const replace = record('replace (only when present)', `^${NAME}:${VALUE}$`, true)

/**
 * Kong's request-transformer schema. Values may be templates: `$(headers.x)`, `$(headers['x-y'])`,
 * `$(query_params.q)`, `$(uri_captures.name)`, `$(uri_captures[1])`, `$(shared.key)`, string
 * literals and `or` between them.
 */
export default {
  name: 'request-transformer',
  config: {
    type: 'object',
    properties: {
      http_method: {
        type: 'string',
        pattern: '^[A-Z]+$',
        description:
          'Changes the HTTP method of the upstream request (upper-case letters only). For GET, HEAD and TRACE a form-urlencoded body is also added to the query string.',
      },
      remove: record('remove', `^${NAME}(:.*)?$`, false),
      rename: {
        ...record('rename', `^${NAME}:+${NAME}$`, true),
        description: 'What to rename, as `old:new` pairs.',
      },
      replace: {
        ...replace,
        properties: {
          ...replace.properties,
          uri: {
            type: 'string',
            description: 'Replaces the path of the upstream request (may be a template).',
          },
        },
      },
      add: record('add (only when absent)', `^${NAME}:${VALUE}$`, true),
      append: record('append (to any value already present)', `^${NAME}:${VALUE}$`, true),
    },
    additionalProperties: false,
  },
} satisfies PluginSchema
