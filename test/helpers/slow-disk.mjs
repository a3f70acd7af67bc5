// Preload (node --import) for the crash tests: a slow disk. Every rename, which is how the state
// store makes a write durable (temp file, then rename over state.json or a batch file), waits
// CRM_TEST_SLOW_RENAME_MS first. Steps that never touch the network (preflight, summary) then last
// long enough for a SIGKILL to land inside them, and kills land between the batch-file write and the
// state write. Nothing else about the process changes.
import fsp from 'node:fs/promises';
import {syncBuiltinESMExports} from 'node:module';

const ms = Number(process.env.CRM_TEST_SLOW_RENAME_MS ?? 0);
if (ms > 0) {
	const rename = fsp.rename;
	fsp.rename = async (from, to) => {
		await new Promise((resolve) => setTimeout(resolve, ms));
		return rename(from, to);
	};
	syncBuiltinESMExports();
}
