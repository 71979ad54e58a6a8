import { randomUUID } from 'node:crypto'
import type { EntitySchema, Row } from '../entities/index.ts'
import { type EndpointContext, foreignId, input, paramName, segment } from './endpoint-context.ts'
import { methodNotAllowed, notFound } from './http-error.ts'
import { json } from './respond.ts'
import type { AdminRequest } from './route-table.ts'

/**
 * `/{child}/{c}/{field}` (e.g. `/routes/{r}/service`): the entity a foreign key points to, with
 * Kong's rules: GET/PATCH need the key set (404 otherwise); PUT replaces it, or creates one and
 * points the child at it when the key is empty; DELETE is 405 (delete the entity itself instead).
 */
export function addForeignEntityEndpoints(
  ctx: EndpointContext,
  child: EntitySchema,
  field: string,
  parent: EntitySchema,
): void {
  const path = `/${segment(child)}/:${paramName(child)}/${field}`
  const children = ctx.dao(child)
  const parents = ctx.dao(parent)

  const childOf = async (request: AdminRequest): Promise<Row> => {
    const found = await children.selectByKey(await request.ws(), request.param(paramName(child)))
    if (!found) throw notFound()
    return found
  }
  const targetOf = (row: Row): string => {
    const id = foreignId(row, field)
    if (!id) throw notFound()
    return id
  }

  ctx.table.add('GET', path, async (request) => {
    const found = await parents.select(await request.ws(), targetOf(await childOf(request)))
    if (!found) throw notFound()
    return json(200, found)
  })
  ctx.table.add('PUT', path, async (request) => {
    const body = await input(ctx, request, parent)
    const current = await childOf(request)
    const id = foreignId(current, field)
    if (id) return json(200, await parents.upsert(await request.ws(), id, body))
    const created = await parents.upsert(await request.ws(), randomUUID(), body)
    await children.update(await request.ws(), current.id as string, { [field]: { id: created.id } })
    return json(200, created)
  })
  ctx.table.add('PATCH', path, async (request) => {
    const body = await input(ctx, request, parent)
    const id = targetOf(await childOf(request))
    return json(200, await parents.update(await request.ws(), id, body))
  })
  ctx.table.add('DELETE', path, async (request) => {
    targetOf(await childOf(request))
    throw methodNotAllowed()
  })
}
