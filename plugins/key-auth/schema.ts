import type { PluginSchema } from 'isogate/sdk'

export interface Config {
  key_names: string[]
  hide_credentials: boolean
  anonymous?: string | null
  key_in_header: boolean
  key_in_query: boolean
  key_in_body: boolean
  run_on_preflight: boolean
  realm?: string | null
}

/** Kong's typedefs.header_name: letters, digits, `_` and `-`. */
const HEADER_NAME = '^[A-Za-z0-9_-]+$'

/** Kong's key-auth schema: same fields, order and defaults; not attachable to consumers. */
export default {
  name: 'key-auth',
  noConsumer: true,
  config: {
    type: 'object',
    properties: {
      key_names: {
        type: 'array',
        description:
          'Names of the header, query argument or body field the key is read from, tried in order. Names may only contain [a-z], [A-Z], [0-9], [_] underscore, and [-] hyphen.',
        items: { type: 'string', pattern: HEADER_NAME },
        default: ['apikey'],
      },
      hide_credentials: {
        type: 'boolean',
        description:
          'Whether to strip the key from the request (header, query string or body) before proxying it.',
        default: false,
      },
      anonymous: {
        type: 'string',
        description:
          'A consumer id or username to use as an "anonymous" consumer when authentication fails. When unset, the request fails with 401. Not its `custom_id`.',
      },
      key_in_header: {
        type: 'boolean',
        description: 'Whether to look for the key in the request headers.',
        default: true,
      },
      key_in_query: {
        type: 'boolean',
        description: 'Whether to look for the key in the query string.',
        default: true,
      },
      key_in_body: {
        type: 'boolean',
        description:
          'Whether to look for the key in the request body (`application/x-www-form-urlencoded`, `application/json` and `multipart/form-data`).',
        default: false,
      },
      run_on_preflight: {
        type: 'boolean',
        description:
          'Whether to authenticate `OPTIONS` preflight requests; when false they are always let through.',
        default: true,
      },
      realm: {
        type: 'string',
        description:
          'The `realm` attribute of the `WWW-Authenticate` header sent when authentication fails (`Key` alone when unset).',
      },
    },
    required: ['key_names'],
    additionalProperties: false,
  },
} satisfies PluginSchema
