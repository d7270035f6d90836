import { createServer } from 'node:http';
export const start = (port) => createServer().listen(port);
