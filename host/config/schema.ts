import { join } from 'node:path'
import { cidrList } from './parse-cidr.ts'
import { DEFAULT_EGRESS_DENY, egressAllow, egressDeny, nameservers } from './parse-egress.ts'
import { listen } from './parse-listen.ts'
import {
  accessLogTarget,
  boolean,
  headerName,
  integer,
  oneOf,
  optional,
  type Parser,
  path,
  pathList,
  plugins,
  size,
  string,
  workerProcesses,
} from './parsers.ts'
import { ValueError } from './value-error.ts'

/** One configuration key. The schema is the documentation: `isogate.conf.default` is made from it. */
export interface ConfigKey<T> {
  /** Human name of the value's type, for the documentation. */
  type: string
  /** The default as it would be written in the file; `''` means unset. */
  default: string
  /** Shown instead of `default` when the effective default is computed (e.g. from `prefix`). */
  defaultText?: string
  description: string
  /** Never echo the value in error messages. */
  secret?: boolean
  parse: Parser<T>
}

function key<T>(definition: ConfigKey<T>): ConfigKey<T> {
  return definition
}

export const LOG_LEVELS = ['debug', 'info', 'notice', 'warn', 'error', 'crit', 'alert', 'emerg'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

const sqlitePath: Parser<string> = (raw, ctx) => {
  if (raw === '') return join(ctx.prefix, 'isogate.db')
  return raw === ':memory:' ? raw : path(raw, ctx)
}

const token: Parser<string> = (raw, ctx) => {
  if (/\s/.test(raw)) throw new ValueError('a token without whitespace')
  return string(raw, ctx)
}

/** Every key isogate understands, in the order `isogate.conf.default` lists them. */
export const CONFIG_SCHEMA = {
  prefix: key({
    type: 'path',
    default: './.isogate',
    description:
      'Working directory of the node: database file, pid file (isogate.pid), bundle cache and logs. Relative to the working directory.',
    parse: path,
  }),
  proxy_listen: key({
    type: 'listen list',
    default: '0.0.0.0:8000',
    description:
      'Addresses the proxy listens on: `off` or a comma list of `<host>:<port>` (`[::1]:8000` for IPv6). ' +
      "Kong's `reuseport`, `backlog=N`, `deferred` and `bind` flags are accepted and ignored; `ssl`, `http2` and `proxy_protocol` are not supported.",
    parse: listen,
  }),
  admin_listen: key({
    type: 'listen list',
    default: '127.0.0.1:8001',
    description:
      'Addresses the Admin API listens on, same syntax as proxy_listen; `off` disables it. A non-loopback address requires admin_token.',
    parse: listen,
  }),
  status_listen: key({
    type: 'listen list',
    default: '127.0.0.1:8007',
    description:
      'Addresses serving /status, /status/ready and /metrics, same syntax as proxy_listen; `off` disables it.',
    parse: listen,
  }),
  database: key({
    type: 'enum',
    default: 'sqlite',
    description:
      '`sqlite` (embedded, file sqlite_path), `postgres` (pg_* keys), or `off` (DB-less: the configuration comes from declarative_config).',
    parse: oneOf(['sqlite', 'postgres', 'off']),
  }),
  sqlite_path: key({
    type: 'path',
    default: '',
    defaultText: '<prefix>/isogate.db',
    description:
      'SQLite database file, relative to the working directory; `:memory:` keeps the database in memory.',
    parse: sqlitePath,
  }),
  pg_host: key({
    type: 'string',
    default: '',
    description: 'PostgreSQL host, for database = postgres.',
    parse: optional(string),
  }),
  pg_port: key({
    type: 'integer',
    default: '5432',
    description: 'PostgreSQL port.',
    parse: integer(1, 65535),
  }),
  pg_user: key({ type: 'string', default: '', description: 'PostgreSQL user.', parse: optional(string) }),
  pg_password: key({
    type: 'string',
    default: '',
    description: 'PostgreSQL password.',
    secret: true,
    parse: optional(string),
  }),
  pg_database: key({
    type: 'string',
    default: '',
    description: 'PostgreSQL database name.',
    parse: optional(string),
  }),
  declarative_config: key({
    type: 'path',
    default: '',
    description:
      'Declarative configuration file (YAML or JSON, `_format_version: "3.0"`) loaded at start; with database = off it is the whole configuration. Relative to the working directory.',
    parse: optional(path),
  }),
  plugins: key({
    type: 'plugin list',
    default: 'bundled',
    description:
      'Comma list of plugin names to load; `bundled` stands for every bundled plugin, `off` for none.',
    parse: plugins,
  }),
  plugin_paths: key({
    type: 'path list',
    default: '',
    description:
      'Comma list of folders holding `<name>/handler.ts` plugin folders, relative to the working directory.',
    parse: pathList,
  }),
  worker_processes: key({
    type: 'integer or auto',
    default: 'auto',
    description: 'Number of proxy worker processes; `auto` is the number of CPUs.',
    parse: workerProcesses,
  }),
  trusted_ips: key({
    type: 'CIDR list',
    default: '',
    description:
      'Comma list of IP addresses or CIDR blocks whose X-Forwarded-* and real-IP headers are trusted (`0.0.0.0/0,::/0` trusts everyone).',
    parse: cidrList,
  }),
  real_ip_header: key({
    type: 'string',
    default: 'X-Real-IP',
    description: 'Request header carrying the client address when the peer is in trusted_ips.',
    parse: headerName,
  }),
  real_ip_recursive: key({
    type: 'boolean',
    default: 'off',
    description:
      'When on, the client address is the last untrusted address of real_ip_header instead of its last address.',
    parse: boolean,
  }),
  isolation: key({
    type: 'enum',
    default: 'plugin',
    description:
      "`plugin`: one isolate per workspace and plugin; `workspace`: one isolate runs a workspace's whole plugin chain (fewer crossings, coarser fault isolation).",
    parse: oneOf(['plugin', 'workspace']),
  }),
  isolate_memory_mb: key({
    type: 'integer',
    default: '64',
    description: 'Heap limit of one plugin isolate, in megabytes.',
    parse: integer(8, 8192),
  }),
  plugin_cpu_ms: key({
    type: 'integer',
    default: '100',
    description:
      'CPU time one plugin may spend on one request, all its phases together, in milliseconds (the ' +
      "isolate's CPU time, charged after each crossing; waiting for a core does not count). A crossing " +
      'is stopped after 4 × the CPU left + 50 ms of wall time (an endless loop), also a CPU limit.',
    parse: integer(1, 600_000),
  }),
  plugin_wall_ms: key({
    type: 'integer',
    default: '5000',
    description: 'Wall time one plugin phase call may take, awaited I/O included, in milliseconds.',
    parse: integer(1, 3_600_000),
  }),
  plugin_egress_deny: key({
    type: 'CIDR list',
    default: DEFAULT_EGRESS_DENY,
    description:
      'CIDR blocks no connection a plugin causes (a kong.service.setTarget target, outbound HTTP) may reach, checked on every resolved address; `off` denies none. ' +
      "The node's own proxy, admin and status listeners are never reachable from a plugin, whatever this says. Services configured through the Admin API are not subject to it.",
    parse: egressDeny,
  }),
  plugin_egress_allow: key({
    type: 'CIDR or host list',
    default: '',
    description:
      'CIDR blocks or host names plugins may reach despite plugin_egress_deny (a private log collector, an internal auth service).',
    parse: egressAllow,
  }),
  dns_resolver: key({
    type: 'nameserver list',
    default: '',
    description:
      "Nameservers (`ip[:port]`, `[ipv6]:port`, comma list) used for the names plugins' connections resolve; the system's (/etc/resolv.conf) when empty.",
    parse: nameservers,
  }),
  plugin_strikes: key({
    type: 'integer',
    default: '5',
    description:
      'Limit failures (CPU, wall time, memory, bridge violation) of one plugin in one workspace within plugin_strike_window, counted per node, before the plugin is quarantined.',
    parse: integer(1, 1_000_000),
  }),
  plugin_strike_window: key({
    type: 'integer',
    default: '60',
    description: 'Seconds over which plugin_strikes are counted.',
    parse: integer(1, 86_400),
  }),
  plugin_quarantine: key({
    type: 'integer',
    default: '30',
    description:
      'Seconds the first quarantine of a plugin lasts (its requests answer 503 without running it); it doubles on each repeat, up to 600.',
    parse: integer(1, 600),
  }),
  workspace_queue_ms: key({
    type: 'integer',
    default: '1000',
    description:
      "Longest a request waits for its workspace's fair share of a busy worker's plugin time before a 503 with Retry-After, in milliseconds.",
    parse: integer(1, 600_000),
  }),
  plugin_db_max_rows: key({
    type: 'integer',
    default: '100000',
    description:
      "Rows one plugin's kong.db entities may hold per workspace before inserts by its code on the proxy path get 400. Admin API writes (its api.ts handlers' included) are never refused, but their rows count.",
    parse: integer(0, 1_000_000_000),
  }),
  mem_cache_size: key({
    type: 'size',
    default: '128m',
    description:
      "Bound of kong.cache in each worker, all workspaces together (k, m suffixes). Each workspace holding entries has a reserved share (this bound divided by their number): past the bound, a workspace above its share evicts its own least recently used entries, one within it evicts those of the workspace most above its share, so no tenant evicts another's entries within that share. Keys are per workspace and per plugin.",
    parse: size(1024),
  }),
  admin_token: key({
    type: 'string',
    default: '',
    description:
      'When set, every Admin API call needs `Authorization: Bearer <token>`. Required when admin_listen has a non-loopback address.',
    secret: true,
    parse: optional(token),
  }),
  log_level: key({
    type: 'enum',
    default: 'notice',
    description: `Lowest level written to the error log: ${LOG_LEVELS.join(', ')}.`,
    parse: oneOf(LOG_LEVELS),
  }),
  proxy_access_log: key({
    type: 'access log',
    default: 'stdout',
    description:
      'Where one JSON line per proxied request goes: `stdout`, `off`, or a file path relative to prefix. Writes are buffered; a line is written within 100 ms of its response, and all of them on stop.',
    parse: accessLogTarget,
  }),
  client_max_body_size: key({
    type: 'size',
    default: '0',
    description:
      'Largest request body accepted (k, m, g suffixes); larger ones get 413. `0` means unlimited.',
    parse: size(),
  }),
  client_header_max_size: key({
    type: 'size',
    default: '16k',
    description: 'Largest total size of the request line and headers; larger requests get 431.',
    parse: size(1024),
  }),
  client_header_max_count: key({
    type: 'integer',
    default: '100',
    description: 'Most request headers accepted; more get 431.',
    parse: integer(1, 10_000),
  }),
  upstream_keepalive_pool_size: key({
    type: 'integer',
    default: '512',
    description: 'Idle keep-alive connections kept per upstream pool; `0` disables keep-alive.',
    parse: integer(0, 100_000),
  }),
} as const

export type ConfigKeyName = keyof typeof CONFIG_SCHEMA

type Frozen<T> = T extends readonly (infer U)[]
  ? readonly Frozen<U>[]
  : T extends object
    ? { readonly [K in keyof T]: Frozen<T[K]> }
    : T

/** The loaded configuration: Kong's key names, typed values, paths absolute, sizes in bytes; frozen. */
export type Config = {
  readonly [K in ConfigKeyName]: Frozen<(typeof CONFIG_SCHEMA)[K] extends ConfigKey<infer T> ? T : never>
}
