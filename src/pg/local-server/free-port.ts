// A TCP port on 127.0.0.1 that was free a moment ago. Another process may take it before postgres binds it, so
// the server start retries with a new port when the bind fails.
import { createServer } from 'node:net';

export function freeLocalPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error('no free TCP port on 127.0.0.1'))));
    });
  });
}
