/**
 * The in-process contender: `run-in-process.ts <upstream url>` starts startInProcessGateway,
 * prints `{ port, adminPort, statusPort }` as one JSON line once it is configured, and serves
 * until it is killed.
 */
import { startInProcessGateway } from './in-process-gateway.ts'

const upstream = process.argv[2]
if (!upstream) throw new Error('usage: run-in-process.ts <upstream url>')
const started = await startInProcessGateway(upstream)
const port = (url: string) => Number(new URL(url).port)
process.stdout.write(
  `${JSON.stringify({ port: port(started.proxyUrl), adminPort: port(started.adminUrl), statusPort: port(started.statusUrl) })}\n`,
)
const shutdown = () => {
  void started.stop().finally(() => process.exit(0))
}
process.once('SIGTERM', shutdown)
process.once('SIGINT', shutdown)
