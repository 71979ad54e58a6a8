import type { PluginSchema } from 'isogate/sdk'

export interface Config {
  allow?: string[]
  deny?: string[]
  hide_groups_header: boolean
  always_use_authenticated_groups: boolean
}

/** Present and non-empty, as Kong's `is_nonempty` judges an array. */
const nonEmpty = (field: string) => ({ required: [field], properties: { [field]: { minItems: 1 } } })

const groups = (description: string) => ({ type: 'array', items: { type: 'string' }, description })

/**
 * Kong 3.x's acl schema (open-source fields; Enterprise's `include_consumer_groups` needs consumer
 * groups, which the gateway does not have). Kong's entity checks, both reported on `@entity`:
 * `at_least_one_of` allow/deny non-empty (`anyOf`), and `only_one_of`, which Kong runs only when
 * both are set and which then wants exactly one non-empty (`oneOf`), so two empty lists fail both.
 */
export default {
  name: 'acl',
  noConsumer: true,
  config: {
    type: 'object',
    properties: {
      allow: groups(
        'Arbitrary group names that are allowed to consume the service or route. One of `config.allow` or `config.deny` must be specified.',
      ),
      deny: groups(
        'Arbitrary group names that are not allowed to consume the service or route. One of `config.allow` or `config.deny` must be specified.',
      ),
      hide_groups_header: {
        type: 'boolean',
        default: false,
        description:
          'If enabled (`true`), prevents the `X-Consumer-Groups` header from being sent in the request to the upstream service.',
      },
      always_use_authenticated_groups: {
        type: 'boolean',
        default: false,
        description:
          "If enabled (`true`), the authenticated groups will always be used even when an authenticated consumer already exists. If the authenticated groups don't exist, it will fallback to use the groups associated with the consumer. By default the authenticated groups will only be used when there is no consumer or the consumer is anonymous.",
      },
    },
    additionalProperties: false,
    anyOf: [nonEmpty('allow'), nonEmpty('deny')],
    if: { required: ['allow', 'deny'] },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's `then` keyword, not a thenable
    then: { oneOf: [nonEmpty('allow'), nonEmpty('deny')] },
  },
} satisfies PluginSchema
