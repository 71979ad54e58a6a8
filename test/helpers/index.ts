export { type CliNode, startCliNode } from './cli-node.ts'
export { freePort } from './free-port.ts'
export { type CliResult, runCli, spawnCli } from './run-cli.ts'
export { startTestGateway, type TestGateway } from './test-gateway.ts'
