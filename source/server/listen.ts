// `--listen ADDR:PORT` (docs/cli.md, Service): default 127.0.0.1:18100; port 0 picks a free one; an
// address other than loopback needs --allow-remote (the token then crosses the network).
import {isIP} from 'node:net';
import {invalidInput} from '../lib/errors.js';

export const DEFAULT_LISTEN = '127.0.0.1:18100';

export interface ListenAddress {
	host: string;
	port: number;
}

export function parseListen(raw: string): ListenAddress {
	const text = raw.trim();
	const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(text);
	const host = match?.[1] ?? match?.[2];
	const port = Number(match?.[3]);
	if (!match || !host || port > 65535)
		throw invalidInput(
			'--listen',
			'--listen takes ADDR:PORT, e.g. 127.0.0.1:18100, [::1]:18100 or 127.0.0.1:0 for a free port',
		);
	if (match[1] && isIP(host) !== 6)
		throw invalidInput('--listen', `--listen: [${host}] is not an IPv6 address`);
	return {host, port};
}

export function isLoopback(host: string): boolean {
	if (host === 'localhost') return true;
	if (isIP(host) === 4) return host.startsWith('127.');
	if (isIP(host) === 6) return host === '::1' || /^::ffff:127\./i.test(host);
	return false;
}

/** The address as a URL host part (IPv6 in brackets). */
export function urlHost(host: string): string {
	return isIP(host) === 6 ? `[${host}]` : host;
}
