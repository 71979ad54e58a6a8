import type { Entities } from '../entities/index.ts'
import type { AdminDeps } from './deps.ts'
import { HttpError } from './http-error.ts'
import { type PluginSchemaLookup, readInput } from './read-input.ts'
import { json } from './respond.ts'
import type { AdminRequest, RouteTable } from './route-table.ts'

/** Thrown inside a validation transaction so nothing it wrote is kept. */
class Rollback extends Error {}

/**
 * `GET /schemas/{entity}`, `GET /schemas/plugins/{name}` and the two `validate` endpoints
 * (`POST /schemas/plugins/validate`, `POST /schemas/{entity}/validate`).
 */
export function addSchemaRoutes(table: RouteTable, deps: AdminDeps): void {
  const { entities, pluginSchema } = deps
  table.add('POST', '/schemas/plugins/validate', (request) =>
    validate(entities, 'plugins', request, pluginSchema),
  )
  table.add('GET', '/schemas/plugins/:name', async (request) => {
    const name = request.param('name')
    const schema = deps.pluginSchema?.(name)
    if (!schema) throw new HttpError(404, `No plugin named '${name}'`)
    return json(200, schema)
  })
  table.add('POST', '/schemas/:name/validate', (request) =>
    validate(entities, request.param('name'), request, pluginSchema),
  )
  table.add('GET', '/schemas/:name', async (request) => {
    const name = request.param('name')
    const schema = entities.kongSchema(name)
    if (!schema) throw new HttpError(404, `No entity named '${name}'`)
    return json(200, schema)
  })
}

/**
 * Runs the real insert (every check the DAO makes, plugin config included) in a transaction that
 * is always rolled back: 200 when it would have been accepted, the DAO's error otherwise.
 * Unlike Kong, unique and foreign key checks run too.
 */
async function validate(
  entities: Entities,
  name: string,
  request: AdminRequest,
  pluginSchema?: PluginSchemaLookup,
): Promise<Response> {
  const schema = entities.schema(name)
  if (!schema || !entities.dao(name)) throw new HttpError(404, `No entity named '${name}'`)
  const value = await readInput(request.c.req.raw, schema, { pluginSchema })
  // Looked up before the transaction, which holds the only connection until it ends.
  const ws = await request.ws()
  try {
    await entities.transaction(async (tx) => {
      await tx.dao(name)!.insert(ws, value)
      throw new Rollback()
    })
  } catch (error) {
    if (!(error instanceof Rollback)) throw error
  }
  return json(200, { message: 'schema validation successful' })
}
