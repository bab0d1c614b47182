// A real SMTP server (smtp-server) on loopback in its own process, so the fake timers of the test
// process cannot stall it (smtp-server waits 100 ms before its greeting). Driven over IPC.
import { SMTPServer } from 'smtp-server';

const user = process.env.SMTP_USER || undefined;
const pass = process.env.SMTP_PASS || undefined;
let mode = 'ok';
// 'hold': the answer to DATA waits until the test sends `release` (a delivery in flight).
const held = [];

const server = new SMTPServer({
  disabledCommands: ['STARTTLS'],
  allowInsecureAuth: true,
  authOptional: user === undefined,
  logger: false,
  onAuth(auth, _session, cb) {
    if (auth.username === user && auth.password === pass) cb(null, { user: auth.username });
    else cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
  },
  onRcptTo(_address, _session, cb) {
    if (mode === 'temporary')
      return cb(Object.assign(new Error('Mailbox busy, try later'), { responseCode: 451 }));
    if (mode === 'busy')
      return cb(Object.assign(new Error('Too many messages, slow down'), { responseCode: 421 }));
    if (mode === 'permanent') return cb(Object.assign(new Error('No such user'), { responseCode: 550 }));
    cb();
  },
  onData(stream, session, cb) {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', () => {
      process.send({
        type: 'mail',
        mail: {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          user: typeof session.user === 'string' ? session.user : undefined,
        },
      });
      if (mode === 'hold') {
        process.send({ type: 'held' });
        held.push(cb);
      } else cb();
    });
  },
});

process.on('message', (msg) => {
  if (msg.type === 'release') for (const cb of held.splice(0)) cb();
  if (msg.type === 'mode') {
    mode = msg.mode;
    process.send({ type: 'mode-set', id: msg.id });
  }
});
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => process.send({ type: 'ready', port: server.server.address().port }));
