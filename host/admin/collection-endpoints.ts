import type { EntitySchema } from '../entities/index.ts'
import { type EndpointContext, input, paramName, segment } from './endpoint-context.ts'
import { notFound } from './http-error.ts'
import { listBody, pageOptions } from './paging.ts'
import { json, noContent } from './respond.ts'

/** `/{collection}` (GET list, POST create) and `/{collection}/{id or endpoint key}`. */
export function addCollectionEndpoints(ctx: EndpointContext, schema: EntitySchema): void {
  const path = `/${segment(schema)}`
  const item = `${path}/:${paramName(schema)}`
  const dao = ctx.dao(schema)
  const key = (request: { param(name: string): string }) => request.param(paramName(schema))

  ctx.table.add('GET', path, async (request) => {
    const page = await dao.page(await request.ws(), pageOptions(request.query))
    return json(200, listBody(page, request.prefix + path, request.query))
  })
  ctx.table.add('POST', path, async (request) => {
    const body = await input(ctx, request, schema)
    return json(201, await dao.insert(await request.ws(), body))
  })

  ctx.table.add('GET', item, async (request) => {
    const entity = await dao.selectByKey(await request.ws(), key(request))
    if (!entity) throw notFound()
    return json(200, entity)
  })
  ctx.table.add('PUT', item, async (request) => {
    const body = await input(ctx, request, schema)
    return json(200, await dao.upsert(await request.ws(), key(request), body))
  })
  ctx.table.add('PATCH', item, async (request) => {
    const body = await input(ctx, request, schema, async () => {
      return (await dao.selectByKey(await request.ws(), key(request)))?.name
    })
    return json(200, await dao.update(await request.ws(), key(request), body))
  })
  ctx.table.add('DELETE', item, async (request) => {
    await dao.delete(await request.ws(), key(request))
    return noContent()
  })
}
