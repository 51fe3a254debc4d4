// Runs a script (the gateway's main.js) under the V8 sampling profiler,
// started and stopped over IPC so the profile covers the load, not the boot.
// Same data as `node --cpu-prof`, which only writes at a clean exit (Nest's
// shutdown hooks exit by re-raising the signal, so it never would).
'use strict';
const inspector = require('node:inspector');
const fs = require('node:fs');
const path = require('node:path');

const session = new inspector.Session();
session.connect();
const post = (method, params) =>
  new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));

process.on('message', async (m) => {
  try {
    if (m?.type === 'start-profile') {
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 200 });
      await post('Profiler.start');
    } else if (m?.type === 'stop-profile') {
      const { profile } = await post('Profiler.stop');
      fs.mkdirSync(path.dirname(m.file), { recursive: true });
      fs.writeFileSync(m.file, JSON.stringify(profile));
      process.send({ type: 'profile-written', file: m.file });
    }
  } catch (err) {
    process.send({ type: 'profile-written', error: String(err) });
  }
});
// Let the IPC channel not keep the process alive on its own.
process.channel?.unref();
const entry = path.resolve(process.argv[2]);
if (entry.endsWith('.mjs')) import(require('node:url').pathToFileURL(entry).href);
else require(entry);
