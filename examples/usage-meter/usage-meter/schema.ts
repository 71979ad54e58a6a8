import type { PluginSchema } from 'isogate/sdk'

export interface Config {
  retention_seconds: number
}

/** One setting: how long a usage record is kept before it expires. */
export default {
  name: 'usage-meter',
  description: 'Records each request of an authenticated consumer and serves a usage summary.',
  config: {
    type: 'object',
    properties: {
      retention_seconds: {
        type: 'integer',
        minimum: 1,
        default: 86400,
        description: 'Seconds a usage record is kept; it then expires and is no longer counted.',
      },
    },
    additionalProperties: false,
  },
} satisfies PluginSchema
