import type { Gateway } from '../../host/gateway/index.ts'
import type { AdminCall } from './admin-client.ts'
import { routeBody, serviceBody } from './fake-request.ts'
import type { RunPluginOptions } from './types.ts'

/** The helper plugins of sdk/testing (`plugins/`), loaded beside the plugin under test. */
export const AUTHENTICATED_AS = 'authenticated-as'
export const RESPONSE_SOURCE = 'response-source'

/**
 * Everything the request needs, created through the Admin API as an operator would (its
 * validation applies): the service on the fake upstream, the route, the test's consumer and
 * rows, the plugin under test (global, as in a gateway where it is configured once), the helpers.
 */
export async function seedGateway(
  gateway: Gateway,
  admin: AdminCall,
  name: string,
  options: RunPluginOptions,
  upstreamUrl: string,
): Promise<void> {
  const request = options.request ?? {}
  const service = await create(
    admin,
    'services',
    serviceBody(request.service, upstreamUrl),
    'request.service',
  )
  await create(admin, 'routes', routeBody(request.route, String(service.id)), 'request.route')
  if (request.consumer) {
    const consumer = await create(admin, 'consumers', request.consumer, 'request.consumer')
    await create(
      admin,
      'plugins',
      { name: AUTHENTICATED_AS, config: { consumer_id: consumer.id } },
      AUTHENTICATED_AS,
    )
  }
  for (const [entity, rows] of Object.entries(options.entities ?? {})) {
    for (const [i, row] of rows.entries()) await insertRow(gateway, admin, entity, i, row)
  }
  await create(admin, 'plugins', { name: RESPONSE_SOURCE }, RESPONSE_SOURCE)
  await create(admin, 'plugins', { name, config: options.config ?? {} }, name)
}

/** One row of `entities`: through its generated Admin API endpoint, or the DAO that endpoint would use. */
async function insertRow(
  gateway: Gateway,
  admin: AdminCall,
  entity: string,
  i: number,
  row: Record<string, unknown>,
): Promise<void> {
  const what = `entities.${entity}[${i}]`
  const schema = gateway.entities.schema(entity)
  if (schema === undefined)
    throw new Error(`${what}: no entity named ${entity} (a core entity or one of the plugin's daos.ts)`)
  if (schema.generateAdminApi !== false) {
    await create(admin, schema.adminApiName ?? schema.name, row, what)
    return
  }
  const ws = await gateway.entities.workspaceByName('default')
  const dao = gateway.entities.dao(entity)
  if (ws === null || dao === undefined)
    throw new Error(`${what}: the default workspace or the DAO is missing`)
  await dao.insert(ws.id, row).catch((error: Error) => {
    throw new Error(`${what} refused: ${error.message}`)
  })
}

async function create(
  admin: AdminCall,
  collection: string,
  body: unknown,
  what: string,
): Promise<Record<string, unknown>> {
  const answer = await admin('POST', `/${collection}`, body)
  if (answer.status !== 201) {
    throw new Error(`${what} refused: ${answer.body?.message ?? `Admin API status ${answer.status}`}`)
  }
  return answer.body
}
