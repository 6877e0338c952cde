// Opens a self-contained HTML report in Debian's headless Chromium, fails on console errors,
// uncaught exceptions or any request that is not file:/data:/about:, checks the charts are there,
// and saves screenshots for a reviewer.
//
// Dependency-free: talks the Chrome DevTools Protocol over Node's built-in WebSocket
// (./cdp.mjs; Node 20: run with --experimental-websocket; Node >= 22 has it by default).
//
//   node --experimental-websocket tests/browser/check_report.mjs REPORT.html OUT_DIR
//   node --experimental-websocket tests/browser/check_report.mjs --selftest OUT_DIR
//
// --selftest renders a deliberately bad page (an external image, a console error, a thrown
// exception) and passes only if every one of those is caught: proof the checks can fail.
// Environment: CHROMIUM (default /usr/bin/chromium).

import { mkdtempSync, readFileSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchPage, sleep } from './cdp.mjs';

async function inspect(htmlPath, outDir, shotName) {
  const result = { consoleErrors: [], exceptions: [], external: [], requests: [], facts: {} };
  const page = await launchPage();
  const { send, evaluate } = page;
  try {
    let loaded = false;
    page.onEvent((method, p) => {
      switch (method) {
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
    for (const d of ['Runtime', 'Log', 'Network', 'Page']) await send(`${d}.enable`);
    await send('Page.navigate', { url: pathToFileURL(resolve(htmlPath)).href });
    for (let i = 0; i < 300 && !loaded; i++) await sleep(100);
    if (!loaded) throw new Error('page did not finish loading in 30 s');
    await sleep(500);
    // Before anything is expanded: the page height a reader scrolls, and the verdict pills.
    const before = await evaluate(`(() => ({
      height: document.documentElement.scrollHeight,
      wrappedPills: [...document.querySelectorAll('.verdict')]
        .filter((e) => e.getClientRects().length > 1 || e.getBoundingClientRect().height > 2.2 * parseFloat(getComputedStyle(e).fontSize))
        .map((e) => e.textContent),
    }))()`);
    // Interactions: sort the findings table by a numeric column, filter a members table.
    const interactions = await evaluate(`(() => {
      const out = { sortable: null, filter: null };
      const t = document.querySelector('table.sortable');
      if (t) {
        const heads = [...t.tHead.rows[0].cells];
        const i = heads.findIndex((h) => h.classList.contains('num'));
        if (i >= 0) {
          const values = () => [...t.tBodies[0].rows].map((r) => parseFloat((r.cells[i].dataset.v ?? r.cells[i].textContent).replace(/,/g, '')) || 0);
          heads[i].click();
          const asc = values();
          heads[i].click();
          const desc = values();
          const sorted = (v, d) => v.every((x, k) => k === 0 || (d > 0 ? v[k - 1] <= x : v[k - 1] >= x));
          out.sortable = sorted(asc, 1) && sorted(desc, -1);
        }
      }
      const inp = document.querySelector('input.filter');
      if (inp) {
        const table = document.getElementById(inp.dataset.table);
        const rows = [...table.tBodies[0].rows];
        const visible = () => rows.filter((r) => r.style.display !== 'none').length;
        const word = rows.length ? rows[rows.length - 1].cells[0].textContent.trim() : '';
        inp.value = word;
        inp.dispatchEvent(new Event('input'));
        const some = visible();
        inp.value = 'no-such-account-zzzz';
        inp.dispatchEvent(new Event('input'));
        const none = visible();
        inp.value = '';
        inp.dispatchEvent(new Event('input'));
        out.filter = rows.length === 0 || (some >= 1 && none === 0 && visible() === rows.length);
      }
      return out;
    })()`);
    // Legend: one distinct colour per finding shown in colour, each drawn in the network picture.
    const legend = await evaluate(`(() => {
      const sw = [...document.querySelectorAll('#units .swatch')].map((e) => getComputedStyle(e).backgroundColor);
      const pic = document.querySelector('#picture + figure svg');
      const fills = new Set();
      if (pic) pic.querySelectorAll('[fill]').forEach((e) => {
        const probe = document.createElement('span');
        probe.style.color = e.getAttribute('fill');
        document.body.appendChild(probe);
        fills.add(getComputedStyle(probe).color);
        probe.remove();
      });
      return { swatches: sw.length, distinct: new Set(sw).size, missing: sw.filter((c) => !fills.has(c)) };
    })()`);
    // Back to the page as written (the interactions re-sorted its tables).
    loaded = false;
    await send('Page.reload');
    for (let i = 0; i < 300 && !loaded; i++) await sleep(100);
    await sleep(300);
    // Then open every section so the charts can be checked.
    await evaluate(`document.querySelectorAll('details').forEach((d) => { d.open = true; })`);
    await sleep(300);
    result.facts = await evaluate(`(() => {
      const svgs = [...document.querySelectorAll('svg')];
      return {
        title: document.title,
        svgs: svgs.length,
        svgsWithText: svgs.filter((s) => s.querySelectorAll('text').length >= 2).length,
        emptySvgs: svgs.filter((s) => s.getBoundingClientRect().height < 50).length,
        externalScripts: document.querySelectorAll('script[src]').length,
        externalRefs: [...document.querySelectorAll('[src],[href]')]
          .map((e) => e.getAttribute('src') || e.getAttribute('href'))
          .filter((u) => u && !u.startsWith('#') && !u.startsWith('data:')),
        horizontalOverflow: document.documentElement.scrollWidth > window.innerWidth + 1,
        expandedHeight: document.documentElement.scrollHeight,
      };
    })()`);
    Object.assign(result.facts, before, { interactions, legend });
    await evaluate(`document.querySelectorAll('details').forEach((d, i) => { d.open = d.classList.contains('unit') && d === document.querySelector('details.unit'); })`);
    await sleep(200);
    mkdirSync(outDir, { recursive: true });
    const top = await send('Page.captureScreenshot', { format: 'png' });
    writeFileSync(join(outDir, `${shotName}-top.png`), Buffer.from(top.data, 'base64'));
    const { cssContentSize } = await send('Page.getLayoutMetrics');
    const full = await send('Page.captureScreenshot', {
      format: 'png', captureBeyondViewport: true,
      clip: { x: 0, y: 0, width: Math.ceil(cssContentSize.width), height: Math.min(Math.ceil(cssContentSize.height), 16000), scale: 1 },
    });
    writeFileSync(join(outDir, `${shotName}-full.png`), Buffer.from(full.data, 'base64'));
    // Page-sized slices, easier to look at than one very tall image.
    const sliceH = 1400;
    const total = Math.min(Math.ceil(cssContentSize.height), 16000);
    for (let y = 0, k = 1; y < total; y += sliceH, k++) {
      const part = await send('Page.captureScreenshot', {
        format: 'png', captureBeyondViewport: true,
        clip: { x: 0, y, width: Math.ceil(cssContentSize.width), height: Math.min(sliceH, total - y), scale: 1 },
      });
      writeFileSync(join(outDir, `${shotName}-part${k}.png`), Buffer.from(part.data, 'base64'));
    }
  } finally {
    await page.close();
  }
  return result;
}

function judge(r, name) {
  const checks = [
    ['no console errors', r.consoleErrors.length === 0, r.consoleErrors],
    ['no uncaught exceptions', r.exceptions.length === 0, r.exceptions],
    ['no external requests', r.external.length === 0, r.external],
    ['no external references in the DOM', (r.facts.externalRefs || []).length === 0, r.facts.externalRefs],
    ['no external scripts (inline only)', r.facts.externalScripts === 0, r.facts.externalScripts],
    ['charts present (>= 6 SVGs)', r.facts.svgs >= 6, r.facts.svgs],
    ['every chart has text (titles, labels)', r.facts.svgs > 0 && r.facts.svgsWithText === r.facts.svgs, `${r.facts.svgsWithText}/${r.facts.svgs}`],
    ['no collapsed chart', r.facts.emptySvgs === 0, r.facts.emptySvgs],
    ['no horizontal overflow at 1280 px', r.facts.horizontalOverflow === false, r.facts.horizontalOverflow],
    ['no wrapped verdict pill', (r.facts.wrappedPills || []).length === 0, r.facts.wrappedPills],
    ['page height <= 15,000 px before expanding', r.facts.height <= 15000, r.facts.height],
    ['one distinct legend colour per coloured finding', r.facts.legend && r.facts.legend.distinct === r.facts.legend.swatches && r.facts.legend.missing.length === 0, r.facts.legend],
    ['tables sort', r.facts.interactions && r.facts.interactions.sortable !== false, r.facts.interactions],
    ['tables filter', r.facts.interactions && r.facts.interactions.filter !== false, r.facts.interactions],
    ['file under 5 MB', r.bytes === undefined || r.bytes <= 5e6, r.bytes],
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
    <img src="http://example.invalid/x.png"><script src="http://example.invalid/x.js"></script><script>console.error("boom"); throw new Error("uncaught");</script>
    <div style="width:40px"><span class="verdict">coordinated inauthentic behaviour</span></div>
    <div style="height:20000px"></div>
    </body></html>`);
  const r = await inspect(bad, outDir, 'selftest');
  rmSync(dir, { recursive: true, force: true });
  const { checks } = judge(r, 'bad page');
  const mustFail = ['no console errors', 'no uncaught exceptions', 'no external requests', 'no external references in the DOM', 'no external scripts (inline only)', 'no wrapped verdict pill', 'page height <= 15,000 px before expanding'];
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
  r.bytes = readFileSync(html).length;
  const { passed, failed } = judge(r, html);
  console.log(`screenshots: ${join(outDir, 'report-top.png')}, ${join(outDir, 'report-full.png')} (page height ${r.facts.height} px, ${r.facts.expandedHeight} px expanded, ${r.bytes} bytes)`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
