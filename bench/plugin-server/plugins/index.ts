import type { PluginModule } from '../kong-pdk.ts'
import { acl } from './acl.ts'
import { correlationId } from './correlation-id.ts'
import { cors } from './cors.ts'
import { keyAuth } from './key-auth.ts'
import { requestTransformer } from './request-transformer.ts'

export { BENCH_CONSUMER } from './bench-consumer.ts'

/** The bench's five plugins as kong-pdk plugin modules (the plugin server loads them all). */
export const JS_PLUGINS: PluginModule[] = [keyAuth, acl, correlationId, cors, requestTransformer]
