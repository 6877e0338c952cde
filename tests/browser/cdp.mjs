// One headless Chromium driven over the Chrome DevTools Protocol, for the browser checks
// (check_report.mjs, serve_flow.mjs). Dependency-free: Node's built-in WebSocket (Node 20: run with
// --experimental-websocket; Node >= 22 has it by default). Environment: CHROMIUM (default
// /usr/bin/chromium). The flags are the ones this machine needs: no sandbox as root, and no
// background networking (its connections are refused here, many at a time).

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Starts Chromium with one page. Returns { send(method, params), onEvent(fn), evaluate(expr),
// close() }: `send` goes to the page's session, `onEvent` receives that session's events,
// `close` ends the browser and removes its profile.
export async function launchPage() {
  const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
  const profile = mkdtempSync(join(tmpdir(), 'lockstep-chromium-'));
  const proc = spawn(chromium, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-default-apps', '--disable-extensions', '--hide-scrollbars', '--mute-audio',
    `--user-data-dir=${profile}`, '--remote-debugging-port=0', '--window-size=1280,900',
    'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  let ws;
  const close = async () => {
    try { ws?.close(); } catch { /* already closed */ }
    proc.kill('SIGKILL');
    await sleep(200);
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    const portFile = join(profile, 'DevToolsActivePort');
    for (let i = 0; i < 300 && !existsSync(portFile); i++) await sleep(100);
    if (!existsSync(portFile)) throw new Error(`chromium did not start:\n${stderr}`);
    await sleep(100);
    const [port, path] = readFileSync(portFile, 'utf8').trim().split('\n');
    ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
    await new Promise((ok, fail) => { ws.onopen = ok; ws.onerror = () => fail(new Error('CDP connect failed')); });
    let nextId = 1;
    const pending = new Map();
    const listeners = [];
    ws.onmessage = (ev) => {
      const msg = JSON.parse(ev.data);
      if (msg.id && pending.has(msg.id)) {
        const { ok, fail } = pending.get(msg.id);
        pending.delete(msg.id);
        msg.error ? fail(new Error(JSON.stringify(msg.error))) : ok(msg.result);
      } else if (msg.method) {
        listeners.forEach((l) => l(msg));
      }
    };
    const raw = (method, params = {}, sessionId) => new Promise((ok, fail) => {
      const id = nextId++;
      pending.set(id, { ok, fail });
      ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
    const { targetId } = await raw('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await raw('Target.attachToTarget', { targetId, flatten: true });
    const send = (method, params = {}) => raw(method, params, sessionId);
    const onEvent = (fn) => listeners.push((m) => { if (m.sessionId === sessionId) fn(m.method, m.params); });
    const evaluate = async (expr) => (await send('Runtime.evaluate', { expression: expr, returnByValue: true })).result.value;
    return { send, onEvent, evaluate, close };
  } catch (e) {
    await close();
    throw e;
  }
}
