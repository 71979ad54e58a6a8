/**
 * `isogate/sdk/testing`: tools for plugin authors' tests (host-side Node code, never bundled into
 * a plugin). `runPlugin` runs one plugin folder against one request in a real gateway started
 * for the call; `startPluginGateway` runs a gateway with it for as long as a test needs it.
 */
export { PluginConfigError } from './config-error.ts'
export { type LoadedPlugin, loadPluginFolder } from './load-plugin-folder.ts'
export { type PluginGateway, type PluginGatewayOptions, startPluginGateway } from './plugin-gateway.ts'
export { runPlugin } from './run-plugin.ts'
export type {
  FakeRequest,
  FakeUpstreamResponse,
  PluginFailure,
  PluginLogLine,
  PluginRunResult,
  RunPluginOptions,
  UpstreamRequest,
} from './types.ts'
