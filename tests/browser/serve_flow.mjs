// End to end in headless Chromium against a real `lockstep serve` (issue 17): an analyst logs
// in, imports the demo investigation through the import form (and again through the upload
// form, as a tar), proposes suspending network 0
// with one exclusion; a reviewer approves; the enforcement feed then holds exactly network 0's
// members (read independently from accounts.csv) minus the exclusion; every page loads without
// console errors or requests leaving the server; `lockstep audit verify` passes. Screenshots of
// every page go to OUT_DIR.
//
//   node --experimental-websocket tests/browser/serve_flow.mjs LOCKSTEP_BIN INVESTIGATION_DIR OUT_DIR
//
// Environment: CHROMIUM (default /usr/bin/chromium). Dependency-free (CDP over WebSocket, ./cdp.mjs).

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname, basename } from 'node:path';
import { launchPage, sleep } from './cdp.mjs';
const [bin, invDir, outDir = 'browser-serve'] = process.argv.slice(2);
if (!bin || !invDir) {
  console.error('usage: serve_flow.mjs LOCKSTEP_BIN INVESTIGATION_DIR [OUT_DIR]');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
let passed = 0;
let failed = 0;
const check = (what, ok, detail) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${ok ? '' : ` -> ${JSON.stringify(detail)}`}`);
  ok ? passed++ : failed++;
};

// Quote-aware CSV parsing (RFC 4180), enough for accounts.csv.
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

const work = mkdtempSync(join(tmpdir(), 'lockstep-serve-flow-'));
// The store: a fresh SQLite file, or an empty PostgreSQL database named by
// LOCKSTEP_SERVE_FLOW_DATABASE_URL (the same flow on the second backend, docs/serve.md).
const db = process.env.LOCKSTEP_SERVE_FLOW_DATABASE_URL || `sqlite:${join(work, 'store.db')}`;
console.log(`store: ${db.replace(/:[^:@/]*@/, ':***@')}`);
const users = { analyst: ['analyst', 'analyst-browser-pw'], reviewer: ['reviewer', 'reviewer-browser-pw'] };
for (const [role, [name, pw]] of Object.entries(users)) {
  const r = spawnSync(bin, ['user', 'add', name, '--role', role, '--database-url', db], { env: { ...process.env, LOCKSTEP_PASSWORD: pw }, encoding: 'utf8' });
  check(`lockstep user add ${name}`, r.status === 0, r.stderr);
}
const server = spawn(bin, ['serve', '--database-url', db, '--bind', '127.0.0.1:0', '--import-root', resolve(dirname(invDir)), '--max-body-bytes', String(256 << 20)], { stdio: ['ignore', 'pipe', 'pipe'] });
let serverOut = '';
server.stdout.on('data', (d) => { serverOut += d; });
server.stderr.on('data', (d) => { serverOut += d; });
let base = '';
for (let i = 0; i < 100 && !base; i++) {
  const m = serverOut.match(/http:\/\/([0-9.:]+)\//);
  if (m) base = `http://${m[1]}`;
  else await sleep(100);
}
if (!base) { console.error(`server did not start: ${serverOut}`); process.exit(1); }

const page = await launchPage();
const { send, evaluate } = page;
try {
  const problems = [];
  let loaded = false;
  page.onEvent((method, p) => {
    if (method === 'Runtime.consoleAPICalled' && (p.type === 'error' || p.type === 'assert')) problems.push(`console: ${JSON.stringify(p.args)}`);
    if (method === 'Runtime.exceptionThrown') problems.push(`exception: ${p.exceptionDetails.text}`);
    if (method === 'Log.entryAdded' && p.entry.level === 'error' && !/favicon/.test(p.entry.url || '')) problems.push(`log: ${p.entry.text} ${p.entry.url || ''}`);
    if (method === 'Network.requestWillBeSent' && !p.request.url.startsWith(base) && !/^(data|about):/.test(p.request.url)) problems.push(`external request: ${p.request.url}`);
    if (method === 'Page.loadEventFired') loaded = true;
  });
  for (const d of ['Runtime', 'Log', 'Network', 'Page', 'DOM']) await send(`${d}.enable`);
  const waitLoad = async () => {
    for (let i = 0; i < 300 && !loaded; i++) await sleep(100);
    if (!loaded) throw new Error('page did not load in 30 s');
    await sleep(200);
  };
  const go = async (url) => { loaded = false; await send('Page.navigate', { url: base + url }); await waitLoad(); };
  const act = async (expr) => { loaded = false; await evaluate(expr); await waitLoad(); };
  const shot = async (name) => {
    const { cssContentSize } = await send('Page.getLayoutMetrics', {});
    const full = await send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true, clip: { x: 0, y: 0, width: Math.ceil(cssContentSize.width), height: Math.min(Math.ceil(cssContentSize.height), 8000), scale: 1 } });
    writeFileSync(join(outDir, `${name}.png`), Buffer.from(full.data, 'base64'));
    const before = problems.length;
    check(`page ${name}: no console errors, exceptions or external requests`, before === 0, problems.splice(0));
  };
  const login = async (who) => {
    await go('/login');
    const [name, pw] = users[who];
    await act(`document.querySelector('#username').value = ${JSON.stringify(name)}; document.querySelector('#password').value = ${JSON.stringify(pw)}; document.querySelector('#login').click()`);
    check(`${who} logged in`, (await evaluate('document.body.innerText')).includes(`${name} (${who})`), await evaluate('location.href'));
  };

  // Analyst: import, look, propose with one exclusion.
  await go('/');
  check('anonymous visitor is sent to the login page', (await evaluate('location.pathname')) === '/login', await evaluate('location.href'));
  await shot('01-login');
  await login('analyst');
  await shot('02-cases-empty');
  await act(`document.querySelector('#dir').value = ${JSON.stringify(basename(resolve(invDir)))}; document.querySelector('#import').click()`);
  check('import lands on the case page', /^\/cases\/\d+$/.test(await evaluate('location.pathname')), await evaluate('location.href'));
  const caseId = (await evaluate('location.pathname')).split('/')[2];
  await shot('03-case-networks');
  // The same investigation uploaded through the upload form (multipart/form-data, a tar of the
  // directory): a second case.
  const tarPath = join(work, 'investigation.tar');
  const tarred = spawnSync('tar', ['-cf', tarPath, '-C', dirname(resolve(invDir)), basename(resolve(invDir))], { encoding: 'utf8' });
  check('tar of the investigation', tarred.status === 0, tarred.stderr);
  await go('/');
  const { result: fileInput } = await send('Runtime.evaluate', { expression: "document.querySelector('#archive')" });
  await send('DOM.setFileInputFiles', { files: [tarPath], objectId: fileInput.objectId });
  await act(`document.querySelector('#upload-name').value = 'uploaded in the browser'; document.querySelector('#upload-button').click()`);
  const uploadedPath = await evaluate('location.pathname');
  check('upload form lands on a new case page', /^\/cases\/\d+$/.test(uploadedPath) && uploadedPath !== `/cases/${caseId}`, uploadedPath);
  check('the uploaded case carries its name', (await evaluate('document.body.innerText')).includes('uploaded in the browser'), '');
  await shot('03b-case-uploaded');
  await go(`/cases/${caseId}/networks/0`);
  await shot('04-network');
  const excluded = await evaluate(`document.querySelector('#members tr:nth-child(2) td a').textContent`);
  check('network page lists members', typeof excluded === 'string' && excluded.length > 0, excluded);
  await act(`document.querySelector('#action').value = 'suspend'; document.querySelector('#exclusions').value = ${JSON.stringify(excluded)}; document.querySelector('#reason').value = 'browser test: state operation'; document.querySelector('#submit-proposal').click()`);
  check('proposal recorded on the network page', (await evaluate('document.body.innerText')).includes('proposed'), '');
  await shot('05-network-proposed');
  await go(`/cases/${caseId}/accounts/${encodeURIComponent(excluded)}`);
  await shot('06-account');
  // Pages posing as news (pages.csv): the network that runs them lists them; propose removing
  // its Pages (not its Groups).
  const pageRows = existsSync(join(invDir, 'pages.csv')) ? parseCsv(readFileSync(join(invDir, 'pages.csv'), 'utf8')) : [];
  const [pageHeader, ...pageData] = pageRows.length ? pageRows : [[]];
  const pc = (name) => pageHeader.indexOf(name);
  const pageNetwork = pageData.find((r) => r[pc('network')] !== '' && r[pc('page_kind')] === 'page')?.[pc('network')];
  const expectedPages = pageData.filter((r) => r[pc('network')] === pageNetwork && r[pc('page_kind')] === 'page').map((r) => r[pc('page_id')]).sort();
  check('the demo investigation has Pages run by a network', pageNetwork !== undefined && expectedPages.length > 0, pageNetwork);
  if (pageNetwork !== undefined) {
    await go(`/cases/${caseId}/networks/${pageNetwork}`);
    const listed = await evaluate(`[...document.querySelectorAll('#pages tr td:first-child')].map((td) => td.textContent)`);
    check(`network ${pageNetwork} page lists its Pages and Groups`, expectedPages.every((p) => listed.includes(p)), listed);
    await act(`document.querySelector('#action').value = 'remove_page'; document.querySelector('#reason').value = 'browser test: Pages posing as news'; document.querySelector('#submit-proposal').click()`);
    check('remove_page proposal recorded', (await evaluate('document.body.innerText')).includes('remove_page'), '');
    await shot('06b-network-pages');
  }
  await go('/review');
  check('analyst sees no approve button for their own proposal', (await evaluate(`document.querySelectorAll('button[id^=approve-]').length`)) === 0, '');
  await act(`document.querySelector('#logout').click()`);

  // Reviewer: approve.
  await login('reviewer');
  await go('/review');
  await shot('07-review-queue');
  const approvals = await evaluate(`[...document.querySelectorAll('button[id^=approve-]')].map((b) => b.id)`);
  check('reviewer sees both proposals to approve', approvals.length === 2, approvals);
  for (const approve of approvals) {
    await go('/review');
    await act(`document.querySelector('#${approve}').click()`);
  }
  await shot('08-review-applied');
  await go('/audit');
  check('audit page reports an intact chain', (await evaluate(`document.querySelector('#chain').textContent`)).startsWith('Chain intact'), '');
  await shot('09-audit');

  // The feed, read through the API as the reviewer.
  const lr = await fetch(`${base}/api/v1/login`, { method: 'POST', body: JSON.stringify({ username: 'reviewer', password: users.reviewer[1] }) });
  const cookie = lr.headers.get('set-cookie').split(';')[0];
  const feed = await (await fetch(`${base}/api/v1/enforcements?after=0&limit=10000`, { headers: { cookie } })).json();
  const rows = parseCsv(readFileSync(join(invDir, 'accounts.csv'), 'utf8'));
  const [header, ...data] = rows;
  const idCol = header.indexOf('account_id');
  const clusterCol = header.indexOf('cluster_id');
  const expected = data.filter((r) => r[clusterCol] === '0' && r[idCol] !== excluded).map((r) => r[idCol]).sort();
  const accountLines = feed.filter((e) => e.subject === 'account');
  const got = accountLines.map((e) => e.account_id).sort();
  check(`feed holds exactly network 0 minus the exclusion (${expected.length} accounts)`, JSON.stringify(got) === JSON.stringify(expected), { got: got.length, expected: expected.length });
  check('every account line is a suspension; idempotency keys unique', accountLines.every((e) => e.action === 'suspend') && new Set(feed.map((e) => e.idempotency_key)).size === feed.length, '');
  const pageLines = feed.filter((e) => e.subject === 'page');
  check(`feed holds exactly network ${pageNetwork}'s Pages (${expectedPages.length})`, JSON.stringify(pageLines.map((e) => e.page_id).sort()) === JSON.stringify(expectedPages) && pageLines.every((e) => e.action === 'remove_page'), pageLines.length);
  check('no other feed line', accountLines.length + pageLines.length === feed.length, feed.length);
} finally {
  await page.close();
  server.kill('SIGKILL');
  await sleep(100);
}
const v = spawnSync(bin, ['audit', 'verify', '--database-url', db], { encoding: 'utf8' });
check('lockstep audit verify passes', v.status === 0, v.stdout + v.stderr);
rmSync(work, { recursive: true, force: true });
console.log(`screenshots: ${outDir}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
