import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isUserError } from '../errors/index.ts'
import { checkConfigFile, type LoadConfigOptions, loadConfig, pidFilePath } from './index.ts'

let dir: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'isogate-config-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

/** Loads with an empty environment so the machine's variables never leak in. */
function load(options: LoadConfigOptions = {}) {
  return loadConfig({ cwd: dir, env: {}, ...options })
}

/** The one-line message of the UserError the load throws. */
function errorOf(options: LoadConfigOptions): string {
  try {
    load(options)
  } catch (error) {
    expect(isUserError(error)).toBe(true)
    expect((error as { code: string }).code).toBe('CONFIG_INVALID')
    const message = (error as Error).message
    expect(message).not.toContain('\n')
    return message
  }
  throw new Error('expected loadConfig to throw')
}

function writeConf(text: string, name = 'isogate.conf'): string {
  writeFileSync(join(dir, name), text)
  return name
}

describe('loadConfig defaults', () => {
  it('gives every SPEC default when there is no file', () => {
    const config = load()
    expect(config.prefix).toBe(join(dir, '.isogate'))
    expect(config.proxy_listen).toEqual([{ host: '0.0.0.0', port: 8000 }])
    expect(config.admin_listen).toEqual([{ host: '127.0.0.1', port: 8001 }])
    expect(config.status_listen).toEqual([{ host: '127.0.0.1', port: 8007 }])
    expect(config.database).toBe('sqlite')
    expect(config.sqlite_path).toBe(join(dir, '.isogate', 'isogate.db'))
    expect(config.pg_host).toBeNull()
    expect(config.pg_port).toBe(5432)
    expect(config.declarative_config).toBeNull()
    expect(config.plugins).toEqual(['bundled'])
    expect(config.plugin_paths).toEqual([])
    expect(config.worker_processes).toBe(availableParallelism())
    expect(config.trusted_ips).toEqual([])
    expect(config.real_ip_header).toBe('X-Real-IP')
    expect(config.real_ip_recursive).toBe(false)
    expect(config.isolation).toBe('plugin')
    expect(config.isolate_memory_mb).toBe(64)
    expect(config.plugin_cpu_ms).toBe(100)
    expect(config.plugin_wall_ms).toBe(5000)
    expect(config.admin_token).toBeNull()
    expect(config.log_level).toBe('notice')
    expect(config.proxy_access_log).toBe('stdout')
    expect(config.client_max_body_size).toBe(0)
    expect(config.client_header_max_size).toBe(16 * 1024)
    expect(config.client_header_max_count).toBe(100)
    expect(config.upstream_keepalive_pool_size).toBe(512)
    expect(pidFilePath(config)).toBe(join(dir, '.isogate', 'isogate.pid'))
  })

  it('is deeply frozen', () => {
    const config = load()
    expect(Object.isFrozen(config)).toBe(true)
    expect(Object.isFrozen(config.proxy_listen)).toBe(true)
    expect(Object.isFrozen(config.proxy_listen[0])).toBe(true)
  })
})

describe('loadConfig file', () => {
  it('reads a full sample file with comments, blank lines and escapes', () => {
    const file = writeConf(
      [
        '# a sample',
        '',
        '   prefix   =   run/gw   ',
        'proxy_listen = 127.0.0.1:9000 reuseport backlog=16384, [::1]:9001   # two listeners',
        'admin_listen = off',
        'status_listen = localhost:0',
        'database = off',
        'declarative_config = conf/kong.yaml',
        'plugins = bundled, my-plugin,bundled',
        'plugin_paths = plugins-a, /opt/plugins',
        'worker_processes = 3',
        'trusted_ips = 10.0.0.0/8, 192.168.1.1, ::1, fd00::/8',
        'real_ip_header = X-Forwarded-For',
        'real_ip_recursive = on',
        'isolation = workspace',
        'isolate_memory_mb = 128',
        'plugin_cpu_ms = 50',
        'plugin_wall_ms = 2000',
        'admin_token = s3cr\\#t  # the escaped hash is kept',
        'log_level = debug',
        'proxy_access_log = logs/access.log',
        'client_max_body_size = 8m',
        'client_header_max_size = 32k',
        'client_header_max_count = 50',
        'upstream_keepalive_pool_size = 0',
        'pg_host = db.local',
        'pg_port = 6432',
        'pg_user = gw',
        'pg_password = pw',
        'pg_database = gw',
      ].join('\n'),
      'sample.conf',
    )
    const config = load({ file })
    const prefix = join(dir, 'run', 'gw')
    expect(config.prefix).toBe(prefix)
    expect(config.proxy_listen).toEqual([
      { host: '127.0.0.1', port: 9000 },
      { host: '::1', port: 9001 },
    ])
    expect(config.admin_listen).toEqual([])
    expect(config.status_listen).toEqual([{ host: 'localhost', port: 0 }])
    expect(config.database).toBe('off')
    expect(config.sqlite_path).toBe(join(prefix, 'isogate.db'))
    expect(config.declarative_config).toBe(join(dir, 'conf', 'kong.yaml'))
    expect(config.plugins).toEqual(['bundled', 'my-plugin'])
    expect(config.plugin_paths).toEqual([join(dir, 'plugins-a'), '/opt/plugins'])
    expect(config.worker_processes).toBe(3)
    expect(config.trusted_ips).toEqual(['10.0.0.0/8', '192.168.1.1', '::1', 'fd00::/8'])
    expect(config.real_ip_header).toBe('X-Forwarded-For')
    expect(config.real_ip_recursive).toBe(true)
    expect(config.isolation).toBe('workspace')
    expect(config.isolate_memory_mb).toBe(128)
    expect(config.plugin_cpu_ms).toBe(50)
    expect(config.plugin_wall_ms).toBe(2000)
    expect(config.admin_token).toBe('s3cr#t')
    expect(config.log_level).toBe('debug')
    expect(config.proxy_access_log).toBe(join(prefix, 'logs', 'access.log'))
    expect(config.client_max_body_size).toBe(8 * 1024 * 1024)
    expect(config.client_header_max_size).toBe(32 * 1024)
    expect(config.client_header_max_count).toBe(50)
    expect(config.upstream_keepalive_pool_size).toBe(0)
    expect([config.pg_host, config.pg_port, config.pg_user, config.pg_password, config.pg_database]).toEqual([
      'db.local',
      6432,
      'gw',
      'pw',
      'gw',
    ])
  })

  it('reads isogate.conf from cwd only when it exists', () => {
    expect(load().log_level).toBe('notice')
    writeConf('log_level = warn\n')
    expect(load().log_level).toBe('warn')
  })

  it('fails when an explicitly given file is missing', () => {
    expect(errorOf({ file: 'nope.conf' })).toBe('cannot read configuration file nope.conf: no such file')
  })

  it('names file and line of an unknown key, with a suggestion', () => {
    const file = writeConf('log_level = info\nproxy_lisen = 127.0.0.1:8000\n')
    expect(errorOf({ file })).toBe(
      'isogate.conf:2: unknown configuration key "proxy_lisen" (did you mean "proxy_listen"?)',
    )
    writeConf('completely_unrelated = 1\n')
    expect(errorOf({})).toBe('isogate.conf:1: unknown configuration key "completely_unrelated"')
  })

  it('rejects lines that are not key = value, and keys set twice', () => {
    writeConf('# ok\nproxy_listen\n')
    expect(errorOf({})).toBe('isogate.conf:2: expected "key = value", got "proxy_listen"')
    writeConf('log_level = info\nlog_level = warn\n')
    expect(errorOf({})).toBe('isogate.conf:2: "log_level" is already set on line 1')
  })

  it('names the line of a bad value', () => {
    writeConf('\n\nworker_processes = many\n')
    expect(errorOf({})).toBe(
      'isogate.conf:3: invalid value for "worker_processes": "many" (expected auto or an integer from 1 to 1024)',
    )
  })

  it('checkConfigFile loads the given file', () => {
    const file = writeConf('isolation = workspace\n', 'other.conf')
    expect(checkConfigFile(file, { cwd: dir, env: {} }).isolation).toBe('workspace')
    expect(() => checkConfigFile('missing.conf', { cwd: dir, env: {} })).toThrow(/no such file/)
  })
})

describe('loadConfig precedence', () => {
  it('env overrides the file and overrides beat env', () => {
    writeConf('log_level = info\nplugin_cpu_ms = 10\nworker_processes = 2\n')
    const env = { ISOGATE_LOG_LEVEL: 'warn', ISOGATE_PLUGIN_CPU_MS: '20', PATH: '/bin' }
    const config = load({ env, overrides: { plugin_cpu_ms: 30, real_ip_recursive: true } })
    expect(config.log_level).toBe('warn')
    expect(config.plugin_cpu_ms).toBe(30)
    expect(config.worker_processes).toBe(2)
    expect(config.real_ip_recursive).toBe(true)
  })

  it('an empty env value unsets an optional key', () => {
    writeConf('admin_token = abc\n')
    expect(load({ env: { ISOGATE_ADMIN_TOKEN: '' } }).admin_token).toBeNull()
  })

  it('rejects unknown ISOGATE_ variables and override keys', () => {
    expect(errorOf({ env: { ISOGATE_PROXY_LISEN: '127.0.0.1:1' } })).toBe(
      'environment variable ISOGATE_PROXY_LISEN: unknown configuration key "proxy_lisen" (did you mean "proxy_listen"?)',
    )
    expect(errorOf({ overrides: { lg_level: 'info' } })).toBe(
      'override lg_level: unknown configuration key "lg_level" (did you mean "log_level"?)',
    )
  })

  it('names the variable of a bad env value', () => {
    expect(errorOf({ env: { ISOGATE_DATABASE: 'mysql' } })).toBe(
      'environment variable ISOGATE_DATABASE: invalid value for "database": "mysql" (expected one of sqlite, postgres, off)',
    )
  })
})

describe('loadConfig cross-key rules and paths', () => {
  it('requires admin_token when admin_listen is not loopback', () => {
    expect(errorOf({ overrides: { admin_listen: '0.0.0.0:8001' } })).toBe(
      'override admin_listen: admin_token is required when admin_listen is not a loopback address (0.0.0.0:8001)',
    )
    writeConf('admin_listen = 127.0.0.1:8001, [::]:8001\n')
    expect(errorOf({})).toBe(
      'isogate.conf:1: admin_token is required when admin_listen is not a loopback address ([::]:8001)',
    )
    const config = load({ overrides: { admin_token: 'secret' } })
    expect(config.admin_token).toBe('secret')
    for (const loopback of ['127.0.0.2:1', '[::1]:1', 'localhost:1', 'off']) {
      expect(() => load({ overrides: { admin_listen: loopback } })).not.toThrow()
    }
  })

  it('database = off without declarative_config is accepted, postgres too', () => {
    expect(load({ overrides: { database: 'off' } }).declarative_config).toBeNull()
    expect(load({ overrides: { database: 'postgres' } }).pg_host).toBeNull()
  })

  it('resolves paths against cwd, the access log against prefix', () => {
    mkdirSync(join(dir, 'sub'))
    const config = load({
      overrides: {
        prefix: 'sub/p',
        sqlite_path: 'data/x.db',
        declarative_config: '/etc/kong.yaml',
        proxy_access_log: 'access.log',
      },
    })
    expect(config.prefix).toBe(join(dir, 'sub', 'p'))
    expect(config.sqlite_path).toBe(join(dir, 'data', 'x.db'))
    expect(config.declarative_config).toBe('/etc/kong.yaml')
    expect(config.proxy_access_log).toBe(join(dir, 'sub', 'p', 'access.log'))
    expect(load({ overrides: { sqlite_path: ':memory:' } }).sqlite_path).toBe(':memory:')
    expect(load({ overrides: { prefix: '/abs/p' } }).sqlite_path).toBe('/abs/p/isogate.db')
    expect(load({ overrides: { proxy_access_log: '/var/log/a.log' } }).proxy_access_log).toBe(
      '/var/log/a.log',
    )
    expect(load({ overrides: { proxy_access_log: 'off' } }).proxy_access_log).toBe('off')
  })

  it('never echoes secret values', () => {
    const message = errorOf({ overrides: { admin_token: 'has space' } })
    expect(message).toBe(
      'override admin_token: invalid value for "admin_token": (hidden) (expected a token without whitespace)',
    )
  })
})

describe('examples/quickstart/isogate.conf', () => {
  it('loads: loopback listeners, SQLite under ./.isogate, one worker', () => {
    const root = join(import.meta.dirname, '..', '..')
    const config = loadConfig({ cwd: root, env: {}, file: 'examples/quickstart/isogate.conf' })
    expect(config.prefix).toBe(join(root, '.isogate'))
    expect(config.proxy_listen).toEqual([{ host: '127.0.0.1', port: 8000 }])
    expect(config.admin_listen).toEqual([{ host: '127.0.0.1', port: 8001 }])
    expect(config.status_listen).toEqual([{ host: '127.0.0.1', port: 8007 }])
    expect(config.database).toBe('sqlite')
    expect(config.declarative_config).toBe(join(root, 'examples/quickstart/kong.yaml'))
    expect(config.worker_processes).toBe(1)
  })
})
