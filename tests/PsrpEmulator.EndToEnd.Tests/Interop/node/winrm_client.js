// Drives winrm-client 0.0.11 (Node) for NodeWinrmClientInteropTests: one call of its public API, the result as JSON.
//   node winrm_client.js HOST PORT USER PASSWORD KIND ARG...
//   KIND: cmd COMMAND | ps SCRIPT | interactive COMMAND (PATTERN RESPONSE)...
// A user with a domain (DOMAIN\user, user@domain) makes winrm-client use NTLM, else Basic.
'use strict';
const winrm = require('winrm-client');

async function main() {
  const [host, port, user, password, kind, ...rest] = process.argv.slice(2);
  const p = Number(port);
  switch (kind) {
    case 'cmd':
      return { output: await winrm.runCommand(rest[0], host, user, password, p) };
    case 'ps':
      return { output: await winrm.runPowershell(rest[0], host, user, password, p) };
    case 'interactive': {
      const prompts = [];
      for (let i = 1; i + 1 < rest.length; i += 2) prompts.push({ pattern: new RegExp(rest[i]), response: rest[i + 1] });
      // A short poll interval: the test waits for the client's own polling, not the server.
      return { output: await winrm.runInteractiveCommand(rest[0], host, user, password, p, prompts, 20000, 20000, 50) };
    }
    default:
      throw new Error('unknown kind ' + kind);
  }
}

// Exits once the result is written: after a refused request winrm-client leaves its HTTP timeout timer running.
function done(result) {
  process.stdout.write(JSON.stringify(result), () => process.exit(0));
}

main().then(done, (error) => done({ error: String(error && error.message ? error.message : error) }));
