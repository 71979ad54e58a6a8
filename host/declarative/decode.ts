import { parse as parseYaml } from 'yaml'
import { GatewayError } from '../errors/index.ts'

function failure(source: string, reason: string): GatewayError {
  return new GatewayError(
    'DECLARATIVE_CONFIG',
    `${source}: failed parsing declarative configuration: ${reason}`,
    {
      error: `failed parsing declarative configuration: ${reason}`,
    },
  )
}

/**
 * Text → plain object. As Kong: `.json` is JSON, `.yml`/`.yaml` YAML; any other name is tried as
 * JSON, then YAML (YAML 1.2 is a superset of JSON, so YAML alone would do, but JSON's errors are
 * clearer for JSON files).
 */
export function decodeDeclarative(text: string, filename: string): Record<string, unknown> {
  const json = /\.json$/i.test(filename)
  const yaml = /\.ya?ml$/i.test(filename)
  let value: unknown
  try {
    if (json) value = JSON.parse(text)
    else if (yaml) value = parseYaml(text, { uniqueKeys: true, maxAliasCount: 1000 })
    else {
      try {
        value = JSON.parse(text)
      } catch {
        value = parseYaml(text, { uniqueKeys: true, maxAliasCount: 1000 })
      }
    }
  } catch (error) {
    throw failure(filename, (error as Error).message.split('\n')[0]!)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw failure(filename, 'expected an object')
  }
  return value as Record<string, unknown>
}
