export { entityCacheKeys, kongCacheKey } from './cache-key.ts'
export type { ChangeEvent, ChangeOp, EntityDao, Page, PageOptions, Row } from './dao-types.ts'
export { createEntities, type EntitiesOptions } from './entities.ts'
export type { Entities, PluginRegistry, TagRow, TagsOptions } from './entities-types.ts'
export type {
  EntityCheck,
  EntitySchema,
  FieldConstraint,
  FieldDefinition,
  FieldSchema,
  FieldType,
  PatternRule,
} from './schema-types.ts'
export { PLUGIN_READABLE_SCHEMAS } from './schemas/plugin-readable.ts'
export { startTtlPurger, type TtlPurgerOptions } from './ttl-purger.ts'
export type {
  ConfigSnapshot,
  Consumer,
  ForeignRef,
  PluginEntity,
  Route,
  Service,
  ServiceProtocol,
  Uuid,
  Workspace,
} from './types.ts'
