import type { EntityHooks } from '../dao/hooks.ts'
import type { PluginRegistry } from '../entities-types.ts'
import type { FieldError, FieldErrorMap } from '../validate/field-errors.ts'
import { isPlainObject } from '../validate/field-list.ts'
import { oversizedArrays } from '../validate/oversized-arrays.ts'

/**
 * Plugins are Kong's subschema entity keyed by `name`: an unknown name stops validation with
 * Kong's message; otherwise `config` is validated and normalised by the plugin's own schema, and
 * the plugin's scoping (no_consumer, no_route, no_service) forbids those foreign keys.
 */
export function pluginHooks(plugins: PluginRegistry): EntityHooks {
  return {
    validate(entity, errors) {
      const name = entity.name
      if (name === null || name === undefined) return { name: 'required field missing' }
      if (typeof name !== 'string') return errors
      if (!plugins.has(name)) {
        return { name: `plugin '${name}' not enabled; add it to the 'plugins' configuration property` }
      }
      const config = entity.config ?? {}
      const oversized = isPlainObject(config) ? oversizedArrays(config) : null
      if (!isPlainObject(config)) {
        errors.config = 'expected a record'
      } else if (oversized !== null) {
        // Refused before the plugin's schema runs, so its cost stays bounded (see oversized-arrays.ts).
        errors.config = oversized
      } else {
        const result = plugins.validateConfig(name, config)
        if (result.ok) entity.config = result.config
        else errors.config = result.errors as unknown as FieldError
      }
      const scoping = plugins.scoping(name)
      const forbid = (field: string, when: boolean | undefined) => {
        if (when && entity[field] != null) (errors as FieldErrorMap)[field] = 'value must be null'
      }
      forbid('consumer', scoping.noConsumer)
      forbid('route', scoping.noRoute)
      forbid('service', scoping.noService)
      return errors
    },
  }
}
