import { createSocket } from 'node:dgram'
import { isIPv4, isIPv6 } from 'node:net'

export interface DnsServer {
  /** `127.0.0.1:<port>`, as `dns_resolver` takes it. */
  address: string
  /** Questions received, as `<name> <A|AAAA|type number>`, in order. */
  queries: string[]
  close(): Promise<void>
}

const A = 1
const AAAA = 28

/** Reads a question's name (no compression in questions) and where it ends. */
function readName(packet: Buffer, start: number): { name: string; end: number } | null {
  const labels: string[] = []
  let at = start
  for (let guard = 0; guard < 128 && at < packet.length; guard++) {
    const length = packet[at] as number
    if (length === 0) return { name: labels.join('.').toLowerCase(), end: at + 1 }
    if (length > 63 || at + 1 + length > packet.length) return null
    labels.push(packet.toString('latin1', at + 1, at + 1 + length))
    at += 1 + length
  }
  return null
}

function rdata(address: string): Buffer {
  if (isIPv4(address)) return Buffer.from(address.split('.').map(Number))
  const out = Buffer.alloc(16)
  const [head = '', tail = ''] = address.split('::')
  const left = head ? head.split(':') : []
  const right = address.includes('::') && tail ? tail.split(':') : []
  const groups = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
  for (const [i, group] of groups.entries()) out.writeUInt16BE(Number.parseInt(group, 16), i * 2)
  return out
}

/**
 * A tiny authoritative DNS server on 127.0.0.1 (UDP, port 0) answering A and AAAA questions from
 * `records` (name → addresses); other names get NXDOMAIN. Enough for c-ares, so a test can make a
 * name resolve to loopback through `dns_resolver`.
 */
export async function startDnsServer(records: Record<string, string[]>): Promise<DnsServer> {
  const socket = createSocket('udp4')
  const queries: string[] = []
  socket.on('message', (packet, peer) => {
    if (packet.length < 12) return
    const question = readName(packet, 12)
    if (question === null || question.end + 4 > packet.length) return
    const type = packet.readUInt16BE(question.end)
    queries.push(`${question.name} ${type === A ? 'A' : type === AAAA ? 'AAAA' : type}`)
    const known = records[question.name]
    const answers = (known ?? []).filter((ip) => (type === A ? isIPv4(ip) : type === AAAA && isIPv6(ip)))
    const header = Buffer.alloc(12)
    packet.copy(header, 0, 0, 2)
    // QR, opcode and RD from the query, AA, RA; rcode 3 (NXDOMAIN) for unknown names.
    header.writeUInt16BE(0x8480 | (packet.readUInt16BE(2) & 0x0100) | (known ? 0 : 3), 2)
    header.writeUInt16BE(1, 4)
    header.writeUInt16BE(answers.length, 6)
    const answerRecords = answers.map((ip) => {
      const data = rdata(ip)
      const record = Buffer.alloc(12)
      record.writeUInt16BE(0xc00c, 0)
      record.writeUInt16BE(type, 2)
      record.writeUInt16BE(1, 4)
      record.writeUInt32BE(1, 6)
      record.writeUInt16BE(data.length, 10)
      return Buffer.concat([record, data])
    })
    const reply = Buffer.concat([header, packet.subarray(12, question.end + 4), ...answerRecords])
    socket.send(reply, peer.port, peer.address)
  })
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()))
  return {
    address: `127.0.0.1:${socket.address().port}`,
    queries,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  }
}
