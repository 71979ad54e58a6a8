import type { PluginSchema } from 'isogate/sdk'

export type Generator = 'uuid' | 'uuid#counter' | 'tracker'

export interface Config {
  header_name: string
  generator: Generator
  echo_downstream: boolean
}

/** Kong's correlation-id schema (same fields, defaults and allowed generators). */
export default {
  name: 'correlation-id',
  config: {
    type: 'object',
    properties: {
      header_name: {
        type: 'string',
        description: 'The HTTP header name to use for the correlation ID.',
        default: 'Kong-Request-ID',
      },
      generator: {
        type: 'string',
        enum: ['uuid', 'uuid#counter', 'tracker'],
        description:
          'How a missing ID is made: `uuid` (a random UUID per request), `uuid#counter` (one UUID per isolate, then `#` and a counter), or `tracker` (node, port, isolate, connection, counter and time).',
        default: 'uuid#counter',
      },
      echo_downstream: {
        type: 'boolean',
        description: 'Whether to echo the header back to downstream (the client).',
        default: false,
      },
    },
    additionalProperties: false,
  },
} satisfies PluginSchema
