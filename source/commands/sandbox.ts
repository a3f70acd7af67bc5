// `crm sandbox`: start the built-in sandbox host, print one JSON line, serve until SIGINT/SIGTERM
// (docs/cli.md `crm sandbox`).
import {startSandbox, type SandboxProfile} from '../app/sandbox.js';

export async function sandboxCommand(opts: {
	port?: number;
	profile?: SandboxProfile;
	latencyMs?: number;
}): Promise<number> {
	const sandbox = await startSandbox({port: opts.port, profile: opts.profile, latencyMs: opts.latencyMs});
	const {host_url, admin_api_key, admin_email, admin_password, admin_totp_code, control_url, upstreams} =
		sandbox.info;
	process.stdout.write(
		`${JSON.stringify({host_url, admin_api_key, admin_email, admin_password, admin_totp_code, control_url, upstreams})}\n`,
	);
	await new Promise<void>((resolve) => {
		const stop = (): void => {
			process.off('SIGINT', stop);
			process.off('SIGTERM', stop);
			resolve();
		};
		process.on('SIGINT', stop);
		process.on('SIGTERM', stop);
	});
	await sandbox.close();
	return 0;
}
