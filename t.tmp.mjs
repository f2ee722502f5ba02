import { startServer, launchBrowser } from './tests/browser/lib/harness.mjs';
let t = Date.now();
const srv = await startServer(); console.log('server', Date.now() - t); t = Date.now();
const b = await launchBrowser(); console.log('browser', Date.now() - t); t = Date.now();
await b.close(); console.log('close', Date.now() - t); t = Date.now();
await srv.stop(); console.log('stop', Date.now() - t);
