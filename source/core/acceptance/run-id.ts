// An acceptance run's id: when it started, on which host, which pack, and a random suffix.
import {randomBytes} from 'node:crypto';

export function newRunId(hostName: string, pack: string): string {
	const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
	const host =
		hostName
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, '-')
			.replace(/^-+|-+$/g, '')
			.slice(0, 20) || 'host';
	return `a${stamp}-${host}-${pack}-${randomBytes(3).toString('hex')}`;
}
