import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {createInterface} from 'node:readline';
import test from 'ava';

const SCRIPT =
	"import('./source/commands/sandbox.ts').then((m) => m.sandboxCommand({profile: 'old', latencyMs: 0})).then((code) => process.exit(code))";

test('crm sandbox prints one JSON ready line, serves, and stops on SIGTERM within 1 s', async (t) => {
	const child = spawn(process.execPath, ['--import=tsx', '-e', SCRIPT], {
		cwd: process.cwd(),
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	t.teardown(() => {
		if (child.exitCode === null) child.kill('SIGKILL');
	});
	const lines = createInterface({input: child.stdout!});
	const [first] = (await once(lines, 'line')) as [string];
	const info = JSON.parse(first);
	t.deepEqual(Object.keys(info), [
		'host_url',
		'admin_api_key',
		'admin_email',
		'admin_password',
		'admin_totp_code',
		'control_url',
		'upstreams',
	]);
	t.regex(info.host_url, /^http:\/\/127\.0\.0\.1:\d+$/);
	const settings = await (await fetch(`${info.host_url}/api/v1/settings/public`)).json();
	t.is(settings.data.version, '0.1.1', 'the profile flag reached the sandbox');
	const state = await fetch(`${info.control_url}/state`, {headers: {'x-api-key': info.admin_api_key}});
	t.is(state.status, 200);

	const extra: string[] = [];
	lines.on('line', (line) => extra.push(line));
	const started = Date.now();
	child.kill('SIGTERM');
	const [code] = (await once(child, 'exit')) as [number | null];
	const elapsed = Date.now() - started;
	t.is(code, 0);
	t.true(elapsed < 3000, `stopped in ${elapsed} ms`);
	t.deepEqual(extra, [], 'exactly one line on stdout');
	await t.throwsAsync(() => fetch(`${info.host_url}/health`));
});
