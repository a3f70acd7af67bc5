// The leak scan (DOMAIN.md rule 11): no secret, raw or base64- or URL-encoded, anywhere but state.json.
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

export function scanForSecrets(
	dirs: string[],
	outputs: Array<CliResult | string>,
	secrets: string[],
	o: {allowStateFile?: boolean} = {},
): string[] {
	const leaks: string[] = [];
	const forms = secrets
		.filter((s) => s.length >= 8)
		.flatMap((s) => secretForms(s).map((f) => [s, f] as const));
	const check = (where: string, text: string) => {
		for (const [secret, form] of forms)
			if (text.includes(form))
				leaks.push(`${where} holds …${secret.slice(-4)} (${form === secret ? 'raw' : 'encoded'})`);
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
