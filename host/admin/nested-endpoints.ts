import type { EntitySchema, Row } from '../entities/index.ts'
import {
  type EndpointContext,
  foreignId,
  input,
  nestedSegment,
  paramName,
  segment,
} from './endpoint-context.ts'
import { notFound } from './http-error.ts'
import { listBody, pageOptions } from './paging.ts'
import { json, noContent } from './respond.ts'
import type { AdminRequest } from './route-table.ts'

/**
 * `/{parent}/{p}/{child}` and `/{parent}/{p}/{child}/{c}` for the foreign key `field` of `child`
 * (e.g. `/services/{s}/routes`, `/consumers/{c}/key-auth`: the child's nested name): lists and creates scoped to the parent (the key set from the
 * URL), and item calls that answer 404 when the child belongs to another parent.
 */
export function addNestedEndpoints(
  ctx: EndpointContext,
  child: EntitySchema,
  field: string,
  parent: EntitySchema,
): void {
  const base = `/${segment(parent)}/:${paramName(parent)}/${nestedSegment(child)}`
  const item = `${base}/:${paramName(child)}`
  const parents = ctx.dao(parent)
  const children = ctx.dao(child)

  const parentOf = async (request: AdminRequest): Promise<Row> => {
    const found = await parents.selectByKey(await request.ws(), request.param(paramName(parent)))
    if (!found) throw notFound()
    return found
  }
  const childOf = async (request: AdminRequest, owner: Row): Promise<Row> => {
    const found = await children.selectByKey(await request.ws(), request.param(paramName(child)))
    if (!found || foreignId(found, field) !== owner.id) throw notFound()
    return found
  }
  const storedName = (request: AdminRequest) => async () =>
    (await children.selectByKey(await request.ws(), request.param(paramName(child))))?.name

  ctx.table.add('GET', base, async (request) => {
    const owner = await parentOf(request)
    const options = { ...pageOptions(request.query), foreign: { field, id: owner.id as string } }
    const page = await children.page(await request.ws(), options)
    const path = `${request.prefix}/${segment(parent)}/${encodeURIComponent(request.param(paramName(parent)))}/${nestedSegment(child)}`
    return json(200, listBody(page, path, request.query))
  })
  ctx.table.add('POST', base, async (request) => {
    const body = await input(ctx, request, child)
    const owner = await parentOf(request)
    body[field] = { id: owner.id }
    return json(201, await children.insert(await request.ws(), body))
  })

  ctx.table.add('GET', item, async (request) => json(200, await childOf(request, await parentOf(request))))
  ctx.table.add('PUT', item, async (request) => {
    const body = await input(ctx, request, child)
    const owner = await parentOf(request)
    body[field] = { id: owner.id }
    return json(200, await children.upsert(await request.ws(), request.param(paramName(child)), body))
  })
  ctx.table.add('PATCH', item, async (request) => {
    const body = await input(ctx, request, child, storedName(request))
    const owner = await parentOf(request)
    const current = await childOf(request, owner)
    if (body[field] === undefined) body[field] = { id: owner.id }
    return json(200, await children.update(await request.ws(), current.id as string, body))
  })
  ctx.table.add('DELETE', item, async (request) => {
    const current = await childOf(request, await parentOf(request))
    await children.delete(await request.ws(), current.id as string)
    return noContent()
  })
}
