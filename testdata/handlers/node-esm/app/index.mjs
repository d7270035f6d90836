import process from 'node:process';
import './shutdown.mjs';
import { start } from "./server.mjs";

start(process.env.PORT);
