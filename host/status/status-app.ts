import { Hono } from 'hono'

export interface StatusDeps {
  /** Kong's `/status` body: server counters and database reachability. */
  status(): Promise<Record<string, unknown>>
  /** Null when ready, else the reason it is not. */
  notReadyReason(): Promise<string | null>
  /** Prometheus text exposition. */
  metrics(): Promise<{ contentType: string; body: string }>
}

/** The status listener (status_listen): health for load balancers and orchestrators, and metrics. */
export function createStatusApp(deps: StatusDeps): Hono {
  const app = new Hono()
  app.get('/status', async (c) => c.json(await deps.status()))
  app.get('/status/ready', async (c) => {
    const reason = await deps.notReadyReason()
    return reason === null ? c.json({ message: 'ready' }) : c.json({ message: reason }, 503)
  })
  app.get('/metrics', async () => {
    const { contentType, body } = await deps.metrics()
    return new Response(body, { headers: { 'content-type': contentType } })
  })
  app.notFound((c) => c.json({ message: 'Not found' }, 404))
  return app
}
