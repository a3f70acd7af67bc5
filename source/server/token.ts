// The service token: made at first start (32 random bytes, base64url) in a 0600 file, or read from
// the file `--token-file` names; required as `Authorization: Bearer <token>` on every /api/v1 route.
import {randomBytes} from 'node:crypto';
import {existsSync, mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {invalidInput} from '../lib/errors.js';

const MIN_LENGTH = 24;

export interface TokenFile {
	token: string;
	file: string;
	created: boolean;
	/** A warning for the operator (a token file others can read). */
	warning: string | null;
}

export function loadOrCreateToken(file: string, field: string): TokenFile {
	if (!existsSync(file)) {
		mkdirSync(path.dirname(file), {recursive: true, mode: 0o700});
		const token = randomBytes(32).toString('base64url');
		writeFileSync(file, `${token}\n`, {mode: 0o600, flag: 'wx'});
		return {token, file, created: true, warning: null};
	}
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (error) {
		throw invalidInput(field, `cannot read the token file ${file}: ${(error as Error).message}`);
	}
	const token = text.trim();
	if (token.length < MIN_LENGTH || /\s/.test(token))
		throw invalidInput(
			field,
			`the token file ${file} must hold one token of at least ${MIN_LENGTH} characters without spaces`,
		);
	const mode = statSync(file).mode & 0o777;
	const warning =
		mode & 0o077
			? `the token file ${file} can be read by others (mode ${mode.toString(8)}); chmod 600 it`
			: null;
	return {token, file, created: false, warning};
}
