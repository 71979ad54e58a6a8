/**
 * `npm start`: a local upstream on 127.0.0.1:8090 (an echo server) and a gateway in front of it,
 * configured by isogate.conf and seeded from kong.yaml, so the README's curl commands get real
 * proxied answers on a machine with no network.
 */
import { runAction } from '../../host/cli/run-action.ts'
import { start } from '../../host/cli/start.ts'
import { startEchoServer } from '../../host/echo/index.ts'
import { packageFile } from '../../runtime/package-files.ts'

const upstream = await startEchoServer('127.0.0.1', 8090)
process.stderr.write(`quickstart upstream (echo) on ${upstream.url}\n`)
await runAction(start)({ conf: packageFile('examples/quickstart/isogate.conf') })
if (process.exitCode) await upstream.close()
