import type { Entities } from '../entities/index.ts'
import { listBody, pageOptions } from './paging.ts'
import { json } from './respond.ts'
import type { RouteTable } from './route-table.ts'

/** `GET /tags` (every tag with the entities carrying it) and `GET /tags/{tag}`. */
export function addTagRoutes(table: RouteTable, entities: Entities): void {
  table.add('GET', '/tags', async (request) => {
    const { size, offset } = pageOptions(request.query)
    const page = await entities.tags(await request.ws(), { size, offset })
    return json(200, listBody(page, `${request.prefix}/tags`, request.query))
  })
  table.add('GET', '/tags/:tags', async (request) => {
    const tag = request.param('tags')
    const { size, offset } = pageOptions(request.query)
    const page = await entities.tags(await request.ws(), { tag, size, offset })
    return json(200, listBody(page, `${request.prefix}/tags/${encodeURIComponent(tag)}`, request.query))
  })
}
