import { describe, expect, it } from 'vitest'
import { DEFAULT_EGRESS_DENY } from '../config/index.ts'
import { EgressPolicy } from './egress-policy.ts'
import { CidrList, ipHost, ipText, parseIp } from './ip-address.ts'

const text = (host: string) => {
  const address = parseIp(host)
  return address ? ipText(address) : address
}

describe('parseIp: every spelling a resolver accepts', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['127.0.1', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['0X7F.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['0177.0.0.01', '127.0.0.1'],
    ['017700000001', '127.0.0.1'],
    ['0', '0.0.0.0'],
    ['0.0.0.0', '0.0.0.0'],
    ['127.0.0.1.', '127.0.0.1'],
    ['10.0.0.255', '10.0.0.255'],
    ['::1', '0:0:0:0:0:0:0:1'],
    ['[::1]', '0:0:0:0:0:0:0:1'],
    ['::', '0:0:0:0:0:0:0:0'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['[::ffff:7f00:1]', '127.0.0.1'],
    ['::FFFF:A9FE:A9FE', '169.254.169.254'],
    ['FE80::1', 'fe80:0:0:0:0:0:0:1'],
  ])('%s is %s', (host, expected) => {
    expect(text(host)).toBe(expected)
  })

  it.each(['example.com', 'localhost', 'a1', 'x.0a'])('%s is a name', (host) => {
    expect(parseIp(host)).toBeNull()
  })

  it.each([
    '256.0.0.1',
    '1.2.3.4.5',
    '08.0.0.1',
    '0x1ffffffff',
    '4294967296',
    '1..2',
    'foo.123',
    '[127.0.0.1]',
    '1:2:3',
    ':::1',
    '1::2::3',
  ])('%s is numeric but no address: refused, never resolved', (host) => {
    expect(parseIp(host)).toBe(false)
  })

  it('brackets IPv6 for origins and connect targets', () => {
    expect(ipHost(parseIp('::1') || { groups: [] })).toBe('[0:0:0:0:0:0:0:1]')
    expect(ipHost(parseIp('127.1') || { groups: [] })).toBe('127.0.0.1')
  })
})

describe('CidrList', () => {
  const list = new CidrList([
    '10.0.0.0/8',
    '192.168.1.0/24',
    '172.16.0.0/12',
    'fc00::/7',
    '::1',
    '2001:db8::/32',
  ])
  const has = (host: string) => list.has(parseIp(host) || { groups: [] })

  it('matches IPv4 blocks at their edges', () => {
    expect(has('10.0.0.0')).toBe(true)
    expect(has('10.255.255.255')).toBe(true)
    expect(has('11.0.0.0')).toBe(false)
    expect(has('172.31.255.255')).toBe(true)
    expect(has('172.32.0.0')).toBe(false)
    expect(has('192.168.1.77')).toBe(true)
    expect(has('192.168.2.1')).toBe(false)
  })

  it('matches IPv6 blocks', () => {
    expect(has('fd12:3456::1')).toBe(true)
    expect(has('fe00::1')).toBe(false)
    expect(has('::1')).toBe(true)
    expect(has('::2')).toBe(false)
    expect(has('2001:db8:ffff::1')).toBe(true)
    expect(has('2001:db9::1')).toBe(false)
  })

  it('matches IPv4-mapped IPv6 as the IPv4 address it maps', () => {
    expect(has('::ffff:10.1.2.3')).toBe(true)
    expect(has('::ffff:a01:203')).toBe(true)
    expect(has('::ffff:11.1.2.3')).toBe(false)
    // A mapped block in a list is the IPv4 block it maps.
    const mapped = new CidrList(['::ffff:10.0.0.0/104'])
    expect(mapped.has(parseIp('10.1.2.3') || { groups: [] })).toBe(true)
    expect(mapped.has(parseIp('11.1.2.3') || { groups: [] })).toBe(false)
  })

  it('refuses a list item that is not a CIDR block', () => {
    expect(() => new CidrList(['10.0.0.0/33'])).toThrow(/not a CIDR block/)
    expect(() => new CidrList(['example.com'])).toThrow(/not a CIDR block/)
  })
})

describe('EgressPolicy with the default list', () => {
  const policy = new EgressPolicy({ deny: DEFAULT_EGRESS_DENY.split(','), allow: [], resolvers: [] })
  const refused = (host: string) => policy.refusal(parseIp(host) || { groups: [] }, 443, null) !== null

  it.each([
    '127.0.0.1',
    '0x7f000001',
    '0.0.0.0',
    '::1',
    '::',
    '::ffff:127.0.0.1',
    '169.254.169.254',
    'fe80::1',
    '10.1.1.1',
    '172.16.0.1',
    '192.168.0.1',
    'fd00::1',
    '100.64.0.1',
    '198.18.0.1',
    '240.0.0.1',
    '224.0.0.1',
    'ff02::1',
    '64:ff9b::7f00:1',
    '2002:7f00:1::',
  ])('refuses %s', (host) => {
    expect(refused(host)).toBe(true)
  })

  it.each(['93.184.216.34', '2606:2800:220:1::1', '::ffff:93.184.216.34'])('lets %s through', (host) => {
    expect(refused(host)).toBe(false)
  })

  it('opens a CIDR or a host name with plugin_egress_allow, for that name only', () => {
    const open = new EgressPolicy({
      deny: DEFAULT_EGRESS_DENY.split(','),
      allow: ['10.9.0.0/16', 'logs.internal'],
      resolvers: [],
    })
    const ten = (host: string) => parseIp(host) || { groups: [] }
    expect(open.refusal(ten('10.9.1.1'), 80, null)).toBeNull()
    expect(open.refusal(ten('10.8.1.1'), 80, null)).toMatch(/plugin_egress_deny/)
    expect(open.refusal(ten('10.8.1.1'), 80, 'logs.internal')).toBeNull()
    expect(open.refusal(ten('10.8.1.1'), 80, 'other.internal')).toMatch(/plugin_egress_deny/)
    expect(open.isolateLists().allow).toEqual(['10.9.0.0/16'])
  })
})
