/**
 * nginx as a reverse proxy in front of the same upstream, when it is on the PATH: the reference a
 * C proxy sets. One worker process (like isogate's one proxy worker), keep-alive to the upstream,
 * access log off; its configuration and temp files live in a temp dir.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Contender } from './contenders.ts'
import { treeCpu } from './cpu-time.ts'
import { PortTaken, pickPort, stopProcess, withFreshPorts } from './processes.ts'

export const NGINX = 'nginx reverse proxy'

/** nginx's version, or null when there is no `nginx` on the PATH. */
export function nginxVersion(): string | null {
  const found = spawnSync('nginx', ['-v'], { encoding: 'utf8' })
  if (found.error) return null
  return /nginx\/(\S+)/.exec(found.stderr)?.[1] ?? 'unknown'
}

function config(dir: string, port: number, upstream: string): string {
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((kind) => `${kind}_temp_path ${join(dir, kind)};`)
    .join(' ')
  return `daemon off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  ${temp}
  upstream bench {
    server ${new URL(upstream).host};
    keepalive 128;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${port};
    keepalive_requests 1000000;
    location / {
      proxy_pass http://bench;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`
}

/** nginx on a picked port; started again on another when that port was taken meanwhile. */
export function startNginx(upstream: string): Promise<Contender> {
  return withFreshPorts('nginx', () => startOnce(upstream))
}

async function startOnce(upstream: string): Promise<Contender> {
  const dir = mkdtempSync(join(tmpdir(), 'isogate-bench-nginx-'))
  const port = await pickPort()
  const conf = join(dir, 'nginx.conf')
  writeFileSync(conf, config(dir, port, upstream))
  const child = spawn('nginx', ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const stop = async () => {
    await stopProcess(child)
    rmSync(dir, { recursive: true, force: true })
  }
  const url = `http://127.0.0.1:${port}`
  for (let attempt = 0; ; attempt++) {
    // Another process that took the port after it was picked answers too, but not as nginx.
    const server = await fetch(url).then(
      (r) => (r.ok ? (r.headers.get('server') ?? '') : null),
      () => null,
    )
    if (server !== null && !server.startsWith('nginx')) {
      await stop()
      throw new PortTaken(`${url} answers as something else`)
    }
    if (server !== null) break
    if (child.exitCode !== null || attempt > 100) {
      const log = readFileSync(join(dir, 'error.log'), { encoding: 'utf8', flag: 'a+' })
      await stop()
      if (/Address already in use/i.test(log)) throw new PortTaken(log.trim())
      throw new Error(`nginx did not start: ${log.trim()}`)
    }
    await sleep(100)
  }
  const pid = child.pid as number
  return { name: NGINX, url, pid, stop, cpu: treeCpu(pid, 'master + worker') }
}
