import { describe, expect, it } from 'vitest'
import { isUserError } from '../errors/index.ts'
import { createRealIp, normalizeIp } from './real-ip.ts'

describe('createRealIp', () => {
  it('trusts addresses and CIDR blocks, IPv4 and IPv6', () => {
    const realIp = createRealIp(['10.0.0.0/8', '192.168.1.7', '2001:db8::/32'], 'X-Real-IP', false)
    expect(realIp.isTrusted('10.20.30.40')).toBe(true)
    expect(realIp.isTrusted('192.168.1.7')).toBe(true)
    expect(realIp.isTrusted('192.168.1.8')).toBe(false)
    expect(realIp.isTrusted('2001:db8::1')).toBe(true)
    expect(realIp.isTrusted('2001:db9::1')).toBe(false)
    expect(realIp.isTrusted('not an ip')).toBe(false)
  })

  it('trusts nobody by default', () => {
    const realIp = createRealIp([], 'X-Real-IP', false)
    expect(realIp.isTrusted('127.0.0.1')).toBe(false)
    expect(realIp.clientIp('127.0.0.1', { 'x-real-ip': '1.2.3.4' })).toBe('127.0.0.1')
  })

  it('reads the client address from the header of a trusted peer, ports and brackets removed', () => {
    const realIp = createRealIp(['127.0.0.1'], 'X-Real-IP', false)
    expect(realIp.clientIp('127.0.0.1', { 'x-real-ip': '1.2.3.4:5678' })).toBe('1.2.3.4')
    expect(realIp.clientIp('127.0.0.1', { 'x-real-ip': '[2001:db8::5]:80' })).toBe('2001:db8::5')
    expect(realIp.clientIp('127.0.0.1', { 'x-real-ip': 'garbage' })).toBe('127.0.0.1')
    expect(realIp.clientIp('127.0.0.1', {})).toBe('127.0.0.1')
    expect(realIp.clientIp('127.0.0.2', { 'x-real-ip': '1.2.3.4' })).toBe('127.0.0.2')
  })

  it('walks a list from the right, past trusted addresses only when recursive', () => {
    const headers = { 'x-forwarded-for': '5.5.5.5, bogus, 6.6.6.6, 10.0.0.1, ' }
    const flat = createRealIp(['127.0.0.1', '10.0.0.0/8'], 'X-Forwarded-For', false)
    expect(flat.clientIp('127.0.0.1', headers)).toBe('10.0.0.1')
    const recursive = createRealIp(['127.0.0.1', '10.0.0.0/8'], 'X-Forwarded-For', true)
    expect(recursive.clientIp('127.0.0.1', headers)).toBe('6.6.6.6')
    // An unparsable element stops the walk at the last good address.
    const allTrusted = { 'x-forwarded-for': '5.5.5.5, bogus, 10.0.0.2, 10.0.0.1' }
    expect(recursive.clientIp('127.0.0.1', allTrusted)).toBe('10.0.0.2')
  })

  it('ignores proxy_protocol (not supported)', () => {
    const realIp = createRealIp(['127.0.0.1'], 'proxy_protocol', false)
    expect(realIp.clientIp('127.0.0.1', { proxy_protocol: '1.2.3.4' })).toBe('127.0.0.1')
  })

  it('refuses entries that are not addresses or blocks', () => {
    for (const bad of ['10.0.0.0/33', 'example.com', '1.2.3.4/8/1', '::1/129']) {
      let thrown: unknown
      try {
        createRealIp([bad], 'X-Real-IP', false)
      } catch (err) {
        thrown = err
      }
      expect(isUserError(thrown), bad).toBe(true)
    }
  })
})

describe('normalizeIp', () => {
  it('unwraps IPv4-mapped IPv6 peers', () => {
    expect(normalizeIp('::ffff:127.0.0.1')).toBe('127.0.0.1')
    expect(normalizeIp('::1')).toBe('::1')
    expect(normalizeIp(undefined)).toBe('')
  })
})
