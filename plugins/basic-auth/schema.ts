import type { PluginSchema } from 'isogate/sdk'

export interface Config {
  anonymous: string | null
  hide_credentials: boolean
  realm: string
}

/** Kong 3.x's basic-auth schema: same fields and defaults; not attachable to consumers. */
export default {
  name: 'basic-auth',
  noConsumer: true,
  config: {
    type: 'object',
    properties: {
      anonymous: {
        type: ['string', 'null'],
        minLength: 1,
        default: null,
        description:
          'An optional string (consumer UUID or username) value to use as an "anonymous" consumer if authentication fails. If empty (default null), the request will fail with an authentication failure `4xx`. This value must refer to the consumer `id` or `username` attribute, and **not** its `custom_id`.',
      },
      hide_credentials: {
        type: 'boolean',
        default: false,
        description:
          'An optional boolean value telling the plugin to show or hide the credential from the upstream service. If `true`, the plugin will strip the credential from the request (i.e. the `Authorization` header) before proxying it.',
      },
      realm: {
        type: 'string',
        minLength: 1,
        default: 'service',
        description:
          'When authentication fails, the plugin sends a `WWW-Authenticate` header with the `realm` attribute value.',
      },
    },
    additionalProperties: false,
  },
} satisfies PluginSchema
