import { createServer } from 'node:http';
import { installShutdown } from './lib/shutdown';

const server = createServer((_, res) => res.end('ok'));
server.listen(3000);
installShutdown(server);
