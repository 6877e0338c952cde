// Opens a self-contained HTML report in Debian's headless Chromium, fails on console errors,
// uncaught exceptions or any request that is not file:/data:/about:, checks the charts are there,
// and saves screenshots for a reviewer.
//
// Dependency-free: talks the Chrome DevTools Protocol over Node's built-in WebSocket
// (Node 20: run with --experimental-websocket; Node >= 22 has it by default).
//
//   node --experimental-websocket tests/browser/check_report.mjs REPORT.html OUT_DIR
//   node --experimental-websocket tests/browser/check_report.mjs --selftest OUT_DIR
//
// --selftest renders a deliberately bad page (an external image, a console error, a thrown
// exception) and passes only if every one of those is caught: proof the checks can fail.
// Environment: CHROMIUM (default /usr/bin/chromium).

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function inspect(htmlPath, outDir, shotName) {
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
  const result = { consoleErrors: [], exceptions: [], external: [], requests: [], facts: {} };
  try {
    const portFile = join(profile, 'DevToolsActivePort');
    for (let i = 0; i < 300 && !existsSync(portFile); i++) await sleep(100);
    if (!existsSync(portFile)) throw new Error(`chromium did not start:\n${stderr}`);
    await sleep(100);
    const [port, path] = readFileSync(portFile, 'utf8').trim().split('\n');
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
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
    const send = (method, params = {}, sessionId) => new Promise((ok, fail) => {
      const id = nextId++;
      pending.set(id, { ok, fail });
      ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
    const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
    let loaded = false;
    listeners.push((m) => {
      if (m.sessionId !== sessionId) return;
      const p = m.params;
      switch (m.method) {
        case 'Runtime.consoleAPICalled':
          if (p.type === 'error' || p.type === 'assert') {
            result.consoleErrors.push(p.args.map((a) => a.value ?? a.description).join(' '));
          }
          break;
        case 'Runtime.exceptionThrown':
          result.exceptions.push(p.exceptionDetails.exception?.description || p.exceptionDetails.text);
          break;
        case 'Log.entryAdded':
          if (p.entry.level === 'error') result.consoleErrors.push(`${p.entry.source}: ${p.entry.text} ${p.entry.url || ''}`);
          break;
        case 'Network.requestWillBeSent': {
          const url = p.request.url;
          result.requests.push(url);
          if (!/^(file|data|about|blob):/.test(url)) result.external.push(url);
          break;
        }
        case 'Page.loadEventFired':
          loaded = true;
          break;
      }
    });
    for (const d of ['Runtime', 'Log', 'Network', 'Page']) await send(`${d}.enable`, {}, sessionId);
    await send('Page.navigate', { url: pathToFileURL(resolve(htmlPath)).href }, sessionId);
    for (let i = 0; i < 300 && !loaded; i++) await sleep(100);
    if (!loaded) throw new Error('page did not finish loading in 30 s');
    await sleep(500);
    const evaluate = async (expr) => (await send('Runtime.evaluate', { expression: expr, returnByValue: true }, sessionId)).result.value;
    result.facts = await evaluate(`(() => {
      const svgs = [...document.querySelectorAll('svg')];
      return {
        title: document.title,
        svgs: svgs.length,
        svgsWithText: svgs.filter((s) => s.querySelectorAll('text').length >= 2).length,
        emptySvgs: svgs.filter((s) => s.getBoundingClientRect().height < 50).length,
        scripts: document.querySelectorAll('script').length,
        externalRefs: [...document.querySelectorAll('[src],[href]')]
          .map((e) => e.getAttribute('src') || e.getAttribute('href'))
          .filter((u) => u && !u.startsWith('#') && !u.startsWith('data:')),
        horizontalOverflow: document.documentElement.scrollWidth > window.innerWidth + 1,
        height: document.documentElement.scrollHeight,
      };
    })()`);
    mkdirSync(outDir, { recursive: true });
    const top = await send('Page.captureScreenshot', { format: 'png' }, sessionId);
    writeFileSync(join(outDir, `${shotName}-top.png`), Buffer.from(top.data, 'base64'));
    const { cssContentSize } = await send('Page.getLayoutMetrics', {}, sessionId);
    const full = await send('Page.captureScreenshot', {
      format: 'png', captureBeyondViewport: true,
      clip: { x: 0, y: 0, width: Math.ceil(cssContentSize.width), height: Math.min(Math.ceil(cssContentSize.height), 16000), scale: 1 },
    }, sessionId);
    writeFileSync(join(outDir, `${shotName}-full.png`), Buffer.from(full.data, 'base64'));
    // Page-sized slices, easier to look at than one very tall image.
    const sliceH = 1400;
    const total = Math.min(Math.ceil(cssContentSize.height), 16000);
    for (let y = 0, k = 1; y < total; y += sliceH, k++) {
      const part = await send('Page.captureScreenshot', {
        format: 'png', captureBeyondViewport: true,
        clip: { x: 0, y, width: Math.ceil(cssContentSize.width), height: Math.min(sliceH, total - y), scale: 1 },
      }, sessionId);
      writeFileSync(join(outDir, `${shotName}-part${k}.png`), Buffer.from(part.data, 'base64'));
    }
    ws.close();
  } finally {
    proc.kill('SIGKILL');
    await sleep(200);
    rmSync(profile, { recursive: true, force: true });
  }
  return result;
}

function judge(r, name) {
  const checks = [
    ['no console errors', r.consoleErrors.length === 0, r.consoleErrors],
    ['no uncaught exceptions', r.exceptions.length === 0, r.exceptions],
    ['no external requests', r.external.length === 0, r.external],
    ['no external references in the DOM', (r.facts.externalRefs || []).length === 0, r.facts.externalRefs],
    ['no scripts', r.facts.scripts === 0, r.facts.scripts],
    ['charts present (>= 6 SVGs)', r.facts.svgs >= 6, r.facts.svgs],
    ['every chart has text (titles, labels)', r.facts.svgs > 0 && r.facts.svgsWithText === r.facts.svgs, `${r.facts.svgsWithText}/${r.facts.svgs}`],
    ['no collapsed chart', r.facts.emptySvgs === 0, r.facts.emptySvgs],
    ['no horizontal overflow at 1280 px', r.facts.horizontalOverflow === false, r.facts.horizontalOverflow],
  ];
  let passed = 0;
  let failed = 0;
  for (const [what, ok, detail] of checks) {
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${what}${ok ? '' : ` -> ${JSON.stringify(detail)}`}`);
    ok ? passed++ : failed++;
  }
  return { passed, failed, checks };
}

const args = process.argv.slice(2);
if (args[0] === '--selftest') {
  const outDir = args[1] || 'browser-out';
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-bad-'));
  const bad = join(dir, 'bad.html');
  writeFileSync(bad, `<!DOCTYPE html><html><head><title>bad</title></head><body>
    <img src="http://example.invalid/x.png"><script>console.error("boom"); throw new Error("uncaught");</script>
    </body></html>`);
  const r = await inspect(bad, outDir, 'selftest');
  rmSync(dir, { recursive: true, force: true });
  const { checks } = judge(r, 'bad page');
  const mustFail = ['no console errors', 'no uncaught exceptions', 'no external requests', 'no external references in the DOM', 'no scripts'];
  let passed = 0;
  let failed = 0;
  for (const name of mustFail) {
    const c = checks.find((c) => c[0] === name);
    const caught = c && !c[1];
    console.log(`${caught ? 'ok  ' : 'FAIL'} selftest: the bad page is caught by "${name}"`);
    caught ? passed++ : failed++;
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
} else {
  const [html, outDir = 'browser-out'] = args;
  if (!html) {
    console.error('usage: check_report.mjs REPORT.html [OUT_DIR] | --selftest [OUT_DIR]');
    process.exit(2);
  }
  const r = await inspect(html, outDir, 'report');
  const { passed, failed } = judge(r, html);
  console.log(`screenshots: ${join(outDir, 'report-top.png')}, ${join(outDir, 'report-full.png')} (page height ${r.facts.height} px)`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
