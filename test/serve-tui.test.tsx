// The TUI's Home says when `crm serve` runs on its data folder (DATA/serve.json of a live process),
// and stops saying so once the service has stopped.
import test from 'ava';
import {tempDataDir} from './helpers/cli.js';
import {startService} from './helpers/serve.js';
import {renderTui} from './ui-helpers.js';

test('Home shows a running service on this data folder, and not after it stopped', async (t) => {
	const data = tempDataDir('crm-serve-tui');
	const svc = await startService(t, data);
	const running = renderTui({dataDir: data});
	try {
		const frame = await running.waitFor('service: crm serve');
		t.true(frame.includes(`service: crm serve at ${svc.url} (pid ${svc.child.pid})`));
	} finally {
		await running.close();
	}
	t.is(await svc.stop(), 0);
	const after = renderTui({dataDir: data});
	try {
		const frame = await after.waitFor('Try the sandbox host');
		t.false(frame.includes('service:'));
	} finally {
		await after.close();
	}
});
