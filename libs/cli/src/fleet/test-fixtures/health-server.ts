// A stand-in fleet member for tests: answers GET /health/ready on 127.0.0.1:PORT until SIGTERM.
import { createServer } from 'node:http';

const port = Number(process.env.PORT);
const server = createServer((req, res) => {
  if (req.url === '/health/ready') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', kafka: process.env.KAFKA_BROKERS, args: process.argv.slice(2) }));
  } else {
    res.writeHead(404).end();
  }
});
server.listen(port, '127.0.0.1', () => console.log(`health-server listening on ${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
