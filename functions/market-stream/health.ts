/** GET /health for the ECS container health check: 200 while heartbeats are fresh, else 503. */
import { createServer, type Server } from 'node:http';

/** Serves GET /health on 0.0.0.0:port; `check` says whether the stream is healthy and what to report. */
export function serveHealth(port: number, check: () => { healthy: boolean; body: object }): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/health') { res.writeHead(404).end(); return; }
    const { healthy, body } = check();
    res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ healthy, ...body }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}
