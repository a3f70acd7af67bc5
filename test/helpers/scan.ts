// The leak scan (docs/domain.md): no secret, raw, JSON-escaped (once or twice), URL-encoded or base64,
// anywhere but state.json. The forms are the ones the secret registry redacts (lib/secrets).
import {readFileSync, readdirSync, statSync} from 'node:fs';
import path from 'node:path';
import {secretForms} from '../../source/lib/secrets.js';
import type {CliResult} from './cli.js';

function files(dir: string): string[] {
	const out: string[] = [];
	const walk = (p: string) => {
		const st = statSync(p);
		if (st.isDirectory()) for (const c of readdirSync(p)) walk(path.join(p, c));
		else out.push(p);
	};
	walk(dir);
	return out;
}

/** Each form a secret could leak in, named; a form equal to an earlier one is checked once. */
function labelledForms(secret: string): Array<readonly [string, string, string]> {
	const json = JSON.stringify(secret).slice(1, -1);
	const named: Array<[string, string]> = [
		[secret, 'raw'],
		[json, 'JSON-escaped'],
		[JSON.stringify(json).slice(1, -1), 'JSON-escaped twice'],
		[encodeURIComponent(secret), 'URL-encoded'],
		[Buffer.from(secret).toString('base64'), 'base64-encoded'],
	];
	const seen = new Set<string>();
	const out: Array<readonly [string, string, string]> = [];
	for (const [form, label] of named) {
		if (seen.has(form)) continue;
		seen.add(form);
		out.push([secret, form, label] as const);
	}
	// The registry must redact every one of these: a form it does not know is a form that leaks.
	for (const form of secretForms(secret))
		if (!seen.has(form)) throw new Error(`scan.ts does not look for a form the registry redacts`);
	return out;
}

export function scanForSecrets(
	dirs: string[],
	outputs: Array<CliResult | string>,
	secrets: string[],
	o: {allowStateFile?: boolean} = {},
): string[] {
	const leaks: string[] = [];
	const forms = secrets.filter((s) => s.length >= 8).flatMap((s) => labelledForms(s));
	const check = (where: string, text: string) => {
		for (const [secret, form, label] of forms)
			if (text.includes(form)) leaks.push(`${where} holds …${secret.slice(-4)} (${label})`);
	};
	for (const dir of dirs) {
		for (const file of files(dir)) {
			if (o.allowStateFile && path.basename(file) === 'state.json') continue;
			if (o.allowStateFile && /state\.json\.v1\.bak$/.test(file)) continue;
			check(file, readFileSync(file, 'latin1'));
		}
	}
	outputs.forEach((out, i) => {
		if (typeof out === 'string') check(`output ${i}`, out);
		else {
			check(`stdout ${i}`, out.stdout);
			check(`stderr ${i}`, out.stderr);
		}
	});
	return leaks;
}
