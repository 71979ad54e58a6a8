/**
 * What plugin authors import as `isogate/sdk`: types only (a plugin's files and the PDK each
 * phase receives). Nothing here may import outside `sdk/`: it is bundled into plugins.
 */
export type { AdminKong, ApiAnswer, ApiHandler, ApiRequest, PluginApi } from './api.ts'
export type {
  BaseLog,
  ClientAddresses,
  ClientAuthenticate,
  ClientIdentity,
  Ctx,
  Ip,
  LogPhaseLog,
  Node,
  RequestLog,
  Router,
} from './context.ts'
export type { BinaryEncoding, Crypto, DigestAlgorithm } from './crypto.ts'
export type { DaoEntityCheck, DaoField, DaoFieldType, DaoSchema } from './daos.ts'
export type {
  Cache,
  CacheKeyMaker,
  CacheOptions,
  CoreDb,
  Db,
  DbError,
  EntityDao,
  EntityReader,
  Page,
  PageOptions,
  PrimaryKey,
} from './db.ts'
export type { ColumnSpec, ColumnType, MigrationStep, PluginMigration } from './migration.ts'
export type {
  AccessKong,
  BodyFilterKong,
  ConfigureKong,
  HeaderFilterKong,
  InitWorkerKong,
  KongByPhase,
  LogKong,
  ResponseKong,
  RewriteKong,
} from './phases.ts'
export type { Plugin, RequestPhaseName } from './plugin.ts'
export type { RequestBodyReaders, RequestReaders, RequestWithBody } from './request.ts'
export type { ResponseBodyFilter, ResponseExits, ResponseReaders, ResponseWriters } from './response.ts'
export type { PluginSchema } from './schema.ts'
export type {
  AccessService,
  LaterService,
  RewriteService,
  ServiceRequestSetters,
  ServiceResponseReaders,
} from './service.ts'
export type {
  BodyMimeType,
  ConsumerEntity,
  Entity,
  HeaderInput,
  HeaderMap,
  HeaderValue,
  HttpMethod,
  QueryArgs,
  QueryInput,
  QueryValue,
  RouteEntity,
  ServiceEntity,
} from './values.ts'
