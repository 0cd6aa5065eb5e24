// A real SMTP peer on loopback for the mailer and outbox tests (ENGINEERING.md habit 13):
// accepts every message and appends one JSON line per message to --out.
//
//   node tests/support/smtp_sink.mjs --port 0 --out FILE
//        [--reject-rcpt ADDR]... [--fail-first N] [--starttls]
//
// The first stdout line is "PORT <n>", the port it listens on.
//   --reject-rcpt ADDR  answers RCPT TO:<ADDR> with 550 (permanent), may repeat
//   --fail-first N      answers the first N DATA commands with 451 (temporary)
//   --starttls          offers STARTTLS (smtp-server's built-in self-signed certificate)
import { appendFileSync } from 'node:fs';
import { SMTPServer } from 'smtp-server';

function parseArgs(argv) {
  const options = { port: 0, out: null, rejectRcpt: new Set(), failFirst: 0, starttls: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    switch (arg) {
      case '--port': options.port = Number(value()); break;
      case '--out': options.out = value(); break;
      case '--reject-rcpt': options.rejectRcpt.add(value().toLowerCase()); break;
      case '--fail-first': options.failFirst = Number(value()); break;
      case '--starttls': options.starttls = true; break;
      default: throw new Error(`unknown argument ${arg}`);
    }
  }
  if (!options.out) throw new Error('--out FILE is required');
  if (!Number.isInteger(options.port) || options.port < 0) throw new Error('bad --port');
  if (!Number.isInteger(options.failFirst) || options.failFirst < 0) throw new Error('bad --fail-first');
  return options;
}

function smtpError(code, message) {
  const err = new Error(message);
  err.responseCode = code;
  return err;
}

const options = parseArgs(process.argv.slice(2));
let dataCommands = 0;

const server = new SMTPServer({
  logger: false,
  banner: 'tenure test sink',
  authOptional: true,
  allowInsecureAuth: true,  // loopback only; lets a test configure a username
  disabledCommands: options.starttls ? [] : ['STARTTLS'],
  onAuth(auth, session, callback) {
    callback(null, { user: auth.username });
  },
  onRcptTo(address, session, callback) {
    if (options.rejectRcpt.has(address.address.toLowerCase())) {
      callback(smtpError(550, `5.1.1 <${address.address}>: recipient rejected`));
      return;
    }
    callback();
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('error', callback);
    stream.on('end', () => {
      dataCommands += 1;
      if (dataCommands <= options.failFirst) {
        callback(smtpError(451, `4.3.0 temporary failure ${dataCommands} of ${options.failFirst}`));
        return;
      }
      const record = {
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        to: session.envelope.rcptTo.map((r) => r.address),
        raw: Buffer.concat(chunks).toString('utf8'),
      };
      // Written before the 250 reply, so a client that got its answer finds the line.
      appendFileSync(options.out, JSON.stringify(record) + '\n');
      callback(null, 'queued');
    });
  },
});

server.on('error', (err) => {
  process.stderr.write(`smtp_sink: ${err.message}\n`);
});

server.listen(options.port, '127.0.0.1', () => {
  process.stdout.write(`PORT ${server.server.address().port}\n`);
});

// Every accepted message is already on disk: stop at once, open connections or not.
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
