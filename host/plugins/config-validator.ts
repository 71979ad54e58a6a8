import { Ajv, type Options } from 'ajv'
import Ajv2019 from 'ajv/dist/2019.js'
import Ajv2020 from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { toConfigErrors } from './config-errors.ts'
import { dropNulls } from './drop-nulls.ts'
import type { JsonSchema } from './json-schema-walk.ts'
import type { ConfigValidation } from './types.ts'

export interface ConfigValidator {
  validate(config: unknown): ConfigValidation
  /** Ajv's strict-mode remarks that did not stop compilation. */
  warnings: string[]
}

/** The ajv class for the schema's declared draft (draft-07 when it declares none). */
function createAjv(schema: JsonSchema, options: Options) {
  const draft = typeof schema.$schema === 'string' ? schema.$schema : ''
  if (draft.includes('2020-12')) return new Ajv2020(options)
  if (draft.includes('2019-09')) return new Ajv2019(options)
  return new Ajv(options)
}

/**
 * Compiles a plugin's config JSON Schema with ajv: all errors, defaults filled in, formats known.
 * Strict mode catches typos in keywords and unknown formats when the plugin loads (a thrown
 * error); remarks that do not make the schema wrong are kept as warnings. Each validation works
 * on a copy, so the caller's object is never changed.
 */
export function compileConfigValidator(config: JsonSchema): ConfigValidator {
  const warnings: string[] = []
  const ajv = createAjv(config, {
    allErrors: true,
    useDefaults: true,
    verbose: true,
    strict: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allowUnionTypes: true,
    logger: {
      log: () => {},
      warn: (...args: unknown[]) => warnings.push(args.join(' ')),
      error: (...args: unknown[]) => warnings.push(args.join(' ')),
    },
  })
  addFormats(ajv)
  // The config object always exists, so a root default means nothing (ajv's strict mode refuses it).
  const { default: _ignored, ...root } = config
  const check = ajv.compile(root)
  return {
    warnings,
    validate(input) {
      const copy = structuredClone(input)
      dropNulls(copy, root, root)
      if (check(copy)) return { ok: true, config: copy as Record<string, unknown> }
      return { ok: false, errors: toConfigErrors(check.errors ?? [], copy, root) }
    },
  }
}
