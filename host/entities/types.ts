/**
 * Core entity shapes, exactly as the Admin API returns them (Kong 3.x fields, null where unset).
 * Timestamps are integer seconds, foreign keys are `{ id }`, every row carries its workspace id.
 */

export type Uuid = string
export type ForeignRef = { id: Uuid } | null

export interface Workspace {
  id: Uuid
  name: string
  comment: string | null
  config: Record<string, unknown> | null
  meta: Record<string, unknown> | null
  created_at: number
  updated_at: number
}

export type ServiceProtocol =
  | 'http'
  | 'https'
  | 'grpc'
  | 'grpcs'
  | 'tcp'
  | 'tls'
  | 'tls_passthrough'
  | 'udp'
  | 'ws'
  | 'wss'

export interface Service {
  id: Uuid
  ws_id: Uuid
  created_at: number
  updated_at: number
  name: string | null
  retries: number
  protocol: ServiceProtocol
  host: string
  port: number
  path: string | null
  connect_timeout: number
  write_timeout: number
  read_timeout: number
  tags: string[] | null
  client_certificate: ForeignRef
  tls_verify: boolean | null
  tls_verify_depth: number | null
  ca_certificates: Uuid[] | null
  enabled: boolean
}

export interface Route {
  id: Uuid
  ws_id: Uuid
  created_at: number
  updated_at: number
  name: string | null
  protocols: string[]
  methods: string[] | null
  hosts: string[] | null
  paths: string[] | null
  headers: Record<string, string[]> | null
  https_redirect_status_code: number
  regex_priority: number
  strip_path: boolean
  path_handling: 'v0' | 'v1'
  preserve_host: boolean
  request_buffering: boolean
  response_buffering: boolean
  snis: string[] | null
  sources: { ip?: string; port?: number }[] | null
  destinations: { ip?: string; port?: number }[] | null
  tags: string[] | null
  service: ForeignRef
}

export interface Consumer {
  id: Uuid
  ws_id: Uuid
  created_at: number
  updated_at: number
  username: string | null
  custom_id: string | null
  tags: string[] | null
}

export interface PluginEntity {
  id: Uuid
  ws_id: Uuid
  created_at: number
  updated_at: number
  name: string
  instance_name: string | null
  route: ForeignRef
  service: ForeignRef
  consumer: ForeignRef
  config: Record<string, unknown>
  protocols: string[]
  enabled: boolean
  tags: string[] | null
  ordering: Record<string, unknown> | null
}

/**
 * What a proxy worker needs to route and run chains: every workspace's services, routes and
 * plugins (consumers stay in the database; plugins look them up). Immutable once built.
 */
export interface ConfigSnapshot {
  /** Increases with every committed change; workers acknowledge the version they applied. */
  version: number
  workspaces: Workspace[]
  services: Service[]
  routes: Route[]
  plugins: PluginEntity[]
}
