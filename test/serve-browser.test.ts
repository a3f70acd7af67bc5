// The status page in a real browser: playwright-core drives Debian's chromium (headless, the system
// executable; .ci/run installs it). `/?token=` once sets an HttpOnly SameSite=Strict cookie and
// redirects; the page shows the host and a ready provider; an import started over the API shows its
// steps on the page as they arrive; no script or style is refused (CSP); it reads in a narrow window.
import test from 'ava';
import {chromium} from 'playwright-core';
import {hostEnv, parseJson} from './helpers/host-env.js';
import {scanForSecrets} from './helpers/scan.js';
import {startService} from './helpers/serve.js';

const CHROMIUM = process.env.CRM_CHROMIUM ?? '/usr/bin/chromium';

test('status page: token once, host and ready provider, an API import’s steps appear live', async (t) => {
	const env = await hostEnv(t, {latencyMs: 60});
	const first = await env.importPack('deepseek', ['--access', 'subscription']);
	t.is(first.code, 0, first.stderr);
	const svc = await startService(t, env.data);

	const browser = await chromium.launch({executablePath: CHROMIUM, headless: true, args: ['--no-sandbox']});
	t.teardown(() => browser.close());
	const context = await browser.newContext({viewport: {width: 480, height: 900}});
	const page = await context.newPage();
	const problems: string[] = [];
	page.on('console', (m) => {
		if (m.type() === 'error') problems.push(m.text());
	});
	page.on('pageerror', (e) => problems.push(e.message));

	// Without the token: the page says how to get in.
	const refused = await page.goto(svc.url + '/');
	t.is(refused!.status(), 401);
	t.regex((await page.textContent('body')) ?? '', /Token needed/);
	t.true(
		problems.every((p) => /401/.test(p)),
		problems.join('\n'),
	);
	problems.length = 0;

	const opened = await page.goto(`${svc.url}/?token=${encodeURIComponent(svc.token)}`);
	t.is(opened!.status(), 200);
	t.is(new URL(page.url()).search, '', 'the token leaves the address bar');
	const [cookie] = await context.cookies();
	t.like(cookie, {name: 'crm_token', httpOnly: true, sameSite: 'Strict'});
	t.is(await page.evaluate(() => document.cookie), '', 'scripts cannot read the token');

	t.regex((await page.textContent('tr[data-host="sb"]')) ?? '', /sb/);
	t.regex((await page.textContent('tr[data-pack="deepseek"]')) ?? '', /subscription_ready/);
	t.regex((await page.textContent('#live')) ?? '', /No import running/);

	// An import started over the API: its steps appear on the already open page.
	const started = await svc.api('POST', '/api/v1/imports', {
		host: 'sb',
		pack: 'kimi',
		url: env.sandbox.info.upstreams.kimi!.base_url,
		key: env.sandbox.info.upstreams.kimi!.api_key,
	});
	t.is(started.status, 202, started.text);
	const box = `section.import[data-batch="${started.json.batch_id}"]`;
	await page.waitForSelector(`${box} li[data-step="preflight"]`, {timeout: 30_000});
	await page.waitForSelector(`${box}[data-done="true"]`, {timeout: 60_000});
	const steps = await page.$$eval(`${box} li`, (lis) =>
		lis.map((li) => ({step: li.getAttribute('data-step'), status: li.getAttribute('data-status')})),
	);
	// Every step once, in the order each started (the access closure may start beside the group).
	const order = steps.map((s) => s.step!);
	t.deepEqual([...order].sort(), [
		'access_closure',
		'access_smoke',
		'account_test',
		'create_account',
		'create_group',
		'host_probe',
		'plan',
		'preflight',
		'summary',
		'upstream_probe',
	]);
	t.is(order[0], 'preflight');
	t.deepEqual(order.slice(-2), ['access_smoke', 'summary']);
	t.true(order.indexOf('create_group') < order.indexOf('create_account'));
	t.true(steps.every((s) => s.status === 'ok' || s.status === 'warn'));
	t.regex((await page.textContent(`${box} .result`)) ?? '', /succeeded · access subscription_ready/);

	// Reloaded, the new provider is on the page; the page fits the narrow window (tables scroll inside).
	await page.reload();
	t.regex((await page.textContent('tr[data-pack="kimi"]')) ?? '', /subscription_ready/);
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	t.true(overflow <= 0, `page is ${overflow}px wider than the window`);
	t.deepEqual(problems, [], 'no console errors (a CSP refusal would be one)');

	const html = await page.content();
	const shown = parseJson(await env.run(['status', '--json']));
	t.is(shown.hosts[0].providers.length, 2);
	t.deepEqual(scanForSecrets([], [html, svc.stderr()], [...env.secrets(), svc.token]), []);
});
