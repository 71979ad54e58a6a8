import type { EntitySchema } from '../entities/index.ts'
import { CORE_CATALOG, catalogFromSchemas } from './catalog.ts'
import { decodeDeclarative } from './decode.ts'
import { flattenDeclarative, type ParsedDeclarative } from './flatten.ts'

export interface ParseOptions {
  /**
   * Entity schemas (core and plugin DAO entities, e.g. from `entities.schema(name)`): adds plugin
   * entities (`keyauth_credentials` under `consumers`, ...) and rejects unknown fields at parse
   * time. Without them the core entities are known and field checks wait for the import.
   */
  schemas?: readonly EntitySchema[]
}

/**
 * Reads a Kong `_format_version: "3.0"` file (YAML or JSON, by `filename`'s extension) into a flat,
 * structure-checked entity list. Throws GatewayError DECLARATIVE_CONFIG naming every bad path.
 */
export function parseDeclarative(
  text: string,
  filename: string,
  options: ParseOptions = {},
): ParsedDeclarative {
  const catalog = options.schemas ? catalogFromSchemas(options.schemas) : CORE_CATALOG
  return flattenDeclarative(decodeDeclarative(text, filename), catalog, filename)
}
