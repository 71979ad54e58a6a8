import { describe, expect, it } from 'vitest'
import { isLoopback, loadConfig } from './index.ts'

/** Parses one key through the whole loader (overrides are the highest-precedence source). */
function value(key: string, raw: string): unknown {
  return loadConfig({ cwd: '/srv', env: {}, overrides: { [key]: raw } })[key as 'prefix']
}

function error(key: string, raw: string): string {
  try {
    value(key, raw)
  } catch (caught) {
    return (caught as Error).message
  }
  throw new Error(`expected ${key} = ${raw} to be rejected`)
}

describe('boolean', () => {
  it('accepts on/off/true/false in any case', () => {
    expect(value('real_ip_recursive', 'on')).toBe(true)
    expect(value('real_ip_recursive', 'TRUE')).toBe(true)
    expect(value('real_ip_recursive', 'off')).toBe(false)
    expect(value('real_ip_recursive', 'false')).toBe(false)
  })
  it('rejects anything else', () => {
    expect(error('real_ip_recursive', 'yes')).toBe(
      'override real_ip_recursive: invalid value for "real_ip_recursive": "yes" (expected on or off)',
    )
  })
})

describe('integer', () => {
  it('accepts values within bounds', () => {
    expect(value('isolate_memory_mb', '8')).toBe(8)
    expect(value('upstream_keepalive_pool_size', '0')).toBe(0)
  })
  it.each(['7', '1.5', 'abc', '', '99999999999999999999'])('rejects %j', (raw) => {
    expect(error('isolate_memory_mb', raw)).toBe(
      `override isolate_memory_mb: invalid value for "isolate_memory_mb": ${JSON.stringify(raw)} (expected an integer from 8 to 8192)`,
    )
  })
})

describe('size', () => {
  it('reads k, m, g suffixes as powers of 1024', () => {
    expect(value('client_max_body_size', '0')).toBe(0)
    expect(value('client_max_body_size', '100')).toBe(100)
    expect(value('client_max_body_size', '2k')).toBe(2048)
    expect(value('client_max_body_size', '3M')).toBe(3 * 1024 ** 2)
    expect(value('client_max_body_size', '1g')).toBe(1024 ** 3)
  })
  it('rejects other units and values below the minimum', () => {
    expect(error('client_max_body_size', '1t')).toBe(
      'override client_max_body_size: invalid value for "client_max_body_size": "1t" (expected a size in bytes with an optional k, m or g suffix)',
    )
    expect(error('client_header_max_size', '100')).toMatch(/"100" \(expected .* at least 1024\)$/)
  })
})

describe('enum', () => {
  it('accepts the listed values only', () => {
    expect(value('log_level', 'emerg')).toBe('emerg')
    expect(value('isolation', 'workspace')).toBe('workspace')
    expect(error('log_level', 'verbose')).toBe(
      'override log_level: invalid value for "log_level": "verbose" (expected one of debug, info, notice, warn, error, crit, alert, emerg)',
    )
    expect(error('isolation', 'none')).toMatch(/\(expected one of plugin, workspace\)$/)
  })
})

describe('string and lists', () => {
  it('trims list items and drops empty ones', () => {
    expect(value('plugin_paths', ' a ,, b ')).toEqual(['/srv/a', '/srv/b'])
    expect(value('plugin_paths', '')).toEqual([])
  })
  it('plugins: bundled kept, off is none, names checked', () => {
    expect(value('plugins', 'bundled,key-auth, my_plugin')).toEqual(['bundled', 'key-auth', 'my_plugin'])
    expect(value('plugins', 'off')).toEqual([])
    expect(error('plugins', 'key-auth,Bad Name')).toMatch(/bad name "Bad Name"\)\)$/)
  })
  it('optional strings are null when empty', () => {
    expect(value('pg_user', '')).toBeNull()
    expect(value('pg_user', 'kong')).toBe('kong')
  })
  it('real_ip_header must be a header name; the PROXY protocol is not supported', () => {
    expect(value('real_ip_header', 'X-Forwarded-For')).toBe('X-Forwarded-For')
    expect(error('real_ip_header', 'bad header')).toMatch(/\(expected a header name\)$/)
    expect(error('real_ip_header', 'proxy_protocol')).toMatch(/PROXY protocol is not supported\)\)$/)
  })
  it('worker_processes: auto or a positive integer', () => {
    expect(value('worker_processes', '1')).toBe(1)
    expect(error('worker_processes', '0')).toMatch(/\(expected auto or an integer from 1 to 1024\)$/)
  })
})

describe('listen list', () => {
  it('parses IPv4, bracketed IPv6, host names and several entries', () => {
    expect(value('proxy_listen', '0.0.0.0:80, [::]:8080 ,localhost:1')).toEqual([
      { host: '0.0.0.0', port: 80 },
      { host: '::', port: 8080 },
      { host: 'localhost', port: 1 },
    ])
    expect(value('proxy_listen', 'off')).toEqual([])
  })
  it('ignores the nginx tuning flags', () => {
    expect(value('proxy_listen', '127.0.0.1:8000 reuseport backlog=16384 deferred bind')).toEqual([
      { host: '127.0.0.1', port: 8000 },
    ])
  })
  it.each(['ssl', 'http2', 'proxy_protocol'])('rejects the %s flag as not supported', (flag) => {
    expect(error('proxy_listen', `0.0.0.0:8443 ${flag}`)).toBe(
      `override proxy_listen: invalid value for "proxy_listen": "0.0.0.0:8443 ${flag}" (expected off or a comma list of <host>:<port> (e.g. 127.0.0.1:8000, [::1]:8000); the "${flag}" flag is not supported)`,
    )
  })
  it.each(['8000', '::1:8000', '[127.0.0.1]:80', '1.2.3.4:70000', '999.1.1.1:80', 'host:', ',', 'a:1 fast'])(
    'rejects %j',
    (raw) => {
      expect(error('proxy_listen', raw)).toMatch(/\(expected off or a comma list of <host>:<port>/)
    },
  )
  it('knows loopback addresses', () => {
    expect(isLoopback({ host: '127.0.0.1', port: 1 })).toBe(true)
    expect(isLoopback({ host: '::1', port: 1 })).toBe(true)
    expect(isLoopback({ host: 'LocalHost', port: 1 })).toBe(true)
    expect(isLoopback({ host: '0.0.0.0', port: 1 })).toBe(false)
    expect(isLoopback({ host: '::', port: 1 })).toBe(false)
    expect(isLoopback({ host: '10.0.0.1', port: 1 })).toBe(false)
  })
})

describe('CIDR list', () => {
  it('accepts addresses and blocks of both families', () => {
    expect(value('trusted_ips', '0.0.0.0/0,::/0')).toEqual(['0.0.0.0/0', '::/0'])
    expect(value('trusted_ips', '10.1.2.3, 2001:db8::/32')).toEqual(['10.1.2.3', '2001:db8::/32'])
  })
  it.each(['10.0.0.0/33', '::/129', 'unix:', 'example.com', '10.0.0.0/8/1', '10.0.0.0/'])(
    'rejects %j',
    (raw) => {
      expect(error('trusted_ips', raw)).toBe(
        `override trusted_ips: invalid value for "trusted_ips": ${JSON.stringify(raw)} (expected a comma list of IP addresses or CIDR blocks (e.g. 10.0.0.0/8, ::1, 0.0.0.0/0); "${raw}" is not one)`,
      )
    },
  )
})
