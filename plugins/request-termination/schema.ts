import type { PluginSchema } from 'isogate/sdk'

export interface Config {
  status_code: number
  message?: string
  content_type?: string
  body?: string
  echo: boolean
  trigger?: string
}

/** Set and non-empty, as Kong's `is_present`. */
const present = (field: string) => ({ required: [field], properties: { [field]: { minLength: 1 } } })
const mustBeEmpty = { maxLength: 0 }

/** JSON Schema's `if`/`then`. */
function when(condition: object, consequence: object): object {
  return {
    if: condition,
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's `then` keyword, not a thenable
    then: consequence,
  }
}

/**
 * Kong's request-termination schema. Kong's record-level checks (message excludes body and
 * content_type; content_type needs a body; echo excludes both) are expressed as conditional
 * schemas, so the failing field is named (with JSON Schema's wording, not Kong's sentence).
 */
export default {
  name: 'request-termination',
  config: {
    type: 'object',
    properties: {
      status_code: {
        type: 'integer',
        minimum: 100,
        maximum: 599,
        description: 'The response code to send. Must be an integer between 100 and 599.',
        default: 503,
      },
      message: {
        type: 'string',
        description:
          'The message to send (as `{"message": ...}` JSON), if using the default response generator.',
      },
      content_type: {
        type: 'string',
        description: 'Content type of the raw response configured with `body`.',
      },
      body: {
        type: 'string',
        description: 'The raw response body to send. This is mutually exclusive with the `message` field.',
      },
      echo: {
        type: 'boolean',
        description:
          'When set, the plugin echoes a copy of the request back to the client (for debugging); combine with `trigger` to debug live systems without disturbing real traffic.',
        default: false,
      },
      trigger: {
        type: 'string',
        pattern: '^[A-Za-z0-9_-]+$',
        description:
          'When set, the plugin only terminates requests that carry a header or query argument of this name; others pass through.',
      },
    },
    additionalProperties: false,
    allOf: [
      when(present('message'), { properties: { content_type: mustBeEmpty, body: mustBeEmpty } }),
      when(present('content_type'), present('body')),
      when(
        { required: ['echo'], properties: { echo: { const: true } } },
        { properties: { content_type: mustBeEmpty, body: mustBeEmpty } },
      ),
    ],
  },
} satisfies PluginSchema
