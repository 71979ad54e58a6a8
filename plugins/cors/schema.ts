import type { PluginSchema } from 'isogate/sdk'

export const METHODS = [
  'GET',
  'HEAD',
  'PUT',
  'PATCH',
  'POST',
  'DELETE',
  'OPTIONS',
  'TRACE',
  'CONNECT',
] as const

export interface Config {
  origins?: string[]
  headers?: string[]
  exposed_headers?: string[]
  methods: (typeof METHODS)[number][]
  max_age?: number
  credentials: boolean
  private_network: boolean
  preflight_continue: boolean
  allow_origin_absent: boolean
}

const strings = { type: 'array', items: { type: 'string' } }

/** Kong's cors schema: same fields, defaults and checks; not attachable to consumers. */
export default {
  name: 'cors',
  noConsumer: true,
  config: {
    type: 'object',
    properties: {
      origins: {
        type: 'array',
        description:
          "Allowed origins for `Access-Control-Allow-Origin`: `*` for any, exact origins (`https://example.com`), or regexes (matched against the origin's host when the regex has no `:`, else against the whole origin; anchored at both ends).",
        items: { type: 'string', anyOf: [{ const: '*' }, { format: 'regex' }] },
      },
      headers: {
        ...strings,
        description:
          "Value of `Access-Control-Allow-Headers` on preflight answers; when unset, the request's `Access-Control-Request-Headers` is echoed.",
      },
      exposed_headers: {
        ...strings,
        description:
          'Value of `Access-Control-Expose-Headers`. If not specified, no custom headers are exposed.',
      },
      methods: {
        type: 'array',
        description:
          'Value of `Access-Control-Allow-Methods` on preflight answers. By default, all methods are allowed.',
        items: { type: 'string', enum: [...METHODS] },
        default: [...METHODS],
      },
      max_age: {
        type: 'number',
        description:
          'How long the results of a preflight request can be cached, in seconds (`Access-Control-Max-Age`).',
      },
      credentials: {
        type: 'boolean',
        description: 'Whether to send `Access-Control-Allow-Credentials: true`.',
        default: false,
      },
      private_network: {
        type: 'boolean',
        description:
          'Whether to answer a preflight carrying `Access-Control-Request-Private-Network: true` with `Access-Control-Allow-Private-Network: true`.',
        default: false,
      },
      preflight_continue: {
        type: 'boolean',
        description: 'Proxy `OPTIONS` preflight requests to the upstream service instead of answering them.',
        default: false,
      },
      allow_origin_absent: {
        type: 'boolean',
        description: 'Whether to add the CORS response headers to requests without an `Origin` header.',
        default: true,
      },
    },
    additionalProperties: false,
  },
} satisfies PluginSchema
