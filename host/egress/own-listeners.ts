import { networkInterfaces } from 'node:os'
import { CidrList, type IpAddress, parseIp } from './ip-address.ts'

/**
 * The ports this process listens on (proxy, admin, status), registered as they are bound: with
 * port 0 they are known only then. One registry per process, so in a process running several
 * gateways (tests, embedders) none of them is a plugin target of another either.
 */
const proxyPorts = new Set<number>()
const otherPorts = new Set<number>()

export function addOwnListener(port: number, proxy = false): void {
  if (port > 0) (proxy ? proxyPorts : otherPorts).add(port)
}

/** The listener is closed: its port may be anyone's again. */
export function removeOwnListener(port: number): void {
  proxyPorts.delete(port)
  otherPorts.delete(port)
}

export function ownPorts(): number[] {
  return [...proxyPorts, ...otherPorts]
}

/** Addresses that reach this host whatever its interfaces: loopback and unspecified. */
const ALWAYS_LOCAL = new CidrList(['127.0.0.0/8', '::1', '0.0.0.0/8', '::'])
const INTERFACES_TTL_MS = 10_000
let interfaces: { at: number; list: CidrList; text: string[] } | null = null

/** The addresses of this host's interfaces (re-read every 10 s: interfaces come and go). */
export function ownAddresses(now = Date.now()): { list: CidrList; text: string[] } {
  if (interfaces === null || now - interfaces.at > INTERFACES_TTL_MS) {
    const text = Object.values(networkInterfaces())
      .flat()
      .map((info) => info?.address.split('%')[0] ?? '')
      .filter((address) => parseIp(address))
    interfaces = { at: now, list: new CidrList(text), text }
  }
  return interfaces
}

export function isLocalAddress(address: IpAddress): boolean {
  return ALWAYS_LOCAL.has(address) || ownAddresses().list.has(address)
}

/** A plugin target that is one of the node's own listeners, on any local address. */
export function isOwnListener(address: IpAddress, port: number): boolean {
  return (proxyPorts.has(port) || otherPorts.has(port)) && isLocalAddress(address)
}

/** An upstream connection that would loop into this node's own proxy. */
export function isOwnProxy(address: IpAddress, port: number): boolean {
  return proxyPorts.has(port) && isLocalAddress(address)
}
