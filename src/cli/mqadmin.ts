#!/usr/bin/env node
// mqadmin <command> [options]: RocketMQ's admin tool. `mqadmin` alone lists the commands; `mqadmin <command> -h`
// shows a command's options. The NameServer list comes from -n "ip:port;ip:port" or NAMESRV_ADDR.
import { requestStop } from './mqadmin/loop.js';
import { runMqadmin } from './mqadmin/main.js';

let signals = 0;
const onSignal = (): void => {
  signals++;
  if (signals > 1) process.exit(130);
  requestStop();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// `mqadmin topicList | head`: the reader went away, which is no error of ours.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const code = await runMqadmin(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
process.exitCode = code;
// Everything is closed by now; should a client timer linger, do not let it hold the shell.
setTimeout(() => process.exit(code), 1000).unref();
