/**
 * The load generator, run as its own process so it does not share an event loop with what it
 * measures: autocannon with fixed connections and duration; prints one JSON result line.
 */
import autocannon from 'autocannon'

const [url, connections, seconds, headers] = process.argv.slice(2)
if (!url || !connections || !seconds)
  throw new Error('usage: load.ts <url> <connections> <seconds> [headers JSON]')
const result = await autocannon({
  url,
  connections: Number(connections),
  duration: Number(seconds),
  pipelining: 1,
  ...(headers ? { headers: JSON.parse(headers) as Record<string, string> } : {}),
})
process.stdout.write(
  `${JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  })}\n`,
)
