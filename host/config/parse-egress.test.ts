import { describe, expect, it } from 'vitest'
import { CidrList } from '../egress/index.ts'
import { loadConfig } from './index.ts'

/** Parses one key through the whole loader (overrides are the highest-precedence source). */
function value(key: string, raw?: string): unknown {
  const overrides = raw === undefined ? {} : { [key]: raw }
  return loadConfig({ cwd: '/srv', env: {}, overrides })[key as 'prefix']
}

function error(key: string, raw: string): string {
  try {
    value(key, raw)
  } catch (caught) {
    return (caught as Error).message
  }
  throw new Error(`expected ${key} = ${raw} to be rejected`)
}

describe('plugin_egress_deny', () => {
  it('defaults to the internal ranges of the issue, every one a block the matcher takes', () => {
    const deny = value('plugin_egress_deny') as string[]
    expect(deny).toEqual(
      expect.arrayContaining([
        '127.0.0.0/8',
        '::1/128',
        '0.0.0.0/8',
        '::/128',
        '169.254.0.0/16',
        'fe80::/10',
        '10.0.0.0/8',
        '172.16.0.0/12',
        '192.168.0.0/16',
        'fc00::/7',
        '100.64.0.0/10',
        '224.0.0.0/4',
        'ff00::/8',
        '64:ff9b::/96',
        '2002::/16',
        '198.18.0.0/15',
        '240.0.0.0/4',
      ]),
    )
    expect(new CidrList(deny).size).toBe(deny.length)
  })

  it('takes a CIDR list, and off for none', () => {
    expect(value('plugin_egress_deny', '10.0.0.0/8, fd00::/8')).toEqual(['10.0.0.0/8', 'fd00::/8'])
    expect(value('plugin_egress_deny', 'off')).toEqual([])
  })

  it('rejects what is not a CIDR block', () => {
    expect(error('plugin_egress_deny', '10.0.0.0/33')).toMatch(/"10.0.0.0\/33" is not one/)
    expect(error('plugin_egress_deny', 'example.com')).toMatch(/"example.com" is not one/)
  })
})

describe('plugin_egress_allow', () => {
  it('is empty by default', () => {
    expect(value('plugin_egress_allow')).toEqual([])
  })

  it('mixes CIDRs and host names, names lower-cased without a trailing dot', () => {
    expect(value('plugin_egress_allow', '10.1.0.0/16, Logs.Internal., ::1')).toEqual([
      '10.1.0.0/16',
      'logs.internal',
      '::1',
    ])
  })

  it('rejects numeric spellings that are no CIDR, and malformed names', () => {
    expect(error('plugin_egress_allow', '127.1')).toMatch(/"127.1" is neither/)
    expect(error('plugin_egress_allow', 'bad..name')).toMatch(/"bad..name" is neither/)
    expect(error('plugin_egress_allow', '-x.example')).toMatch(/is neither/)
  })
})

describe('dns_resolver', () => {
  it('normalises ip[:port] and [ipv6]:port, port 53 by default', () => {
    expect(value('dns_resolver', '127.0.0.1, 127.0.0.1:5353, [::1]:53, ::1')).toEqual([
      '127.0.0.1:53',
      '127.0.0.1:5353',
      '[::1]:53',
      '[::1]:53',
    ])
    expect(value('dns_resolver')).toEqual([])
  })

  it('rejects names and bad ports', () => {
    expect(error('dns_resolver', 'dns.example:53')).toMatch(/"dns.example:53" is not one/)
    expect(error('dns_resolver', '127.0.0.1:70000')).toMatch(/"127.0.0.1:70000" is not one/)
    expect(error('dns_resolver', '127.0.0.1:0')).toMatch(/is not one/)
  })
})
