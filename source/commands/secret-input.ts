// Secrets come from env variables, files or stdin, never from flag values (docs/cli.md), so they stay
// out of shell history. Each reader names the flag that was wrong. A value is registered as a secret
// (lib/secrets) the moment it is read, before anything can print it.
import {readFileSync, statSync} from 'node:fs';
import {invalidInput} from '../lib/errors.js';
import {registerSecret} from '../lib/secrets.js';
import type {AdminCredential} from '../app/hosts.js';
import {validateEmail} from '../app/input.js';
import type {CommandContext} from './context.js';
import {flagString, type Flags} from './flags.js';

export interface SecretValue {
	value: string;
	source: string;
}

function fromEnv(flag: string, name: string): SecretValue {
	if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
		throw invalidInput(flag, `${flag} takes the NAME of an environment variable`);
	const value = process.env[name];
	if (value === undefined) throw invalidInput(flag, `environment variable ${name} (from ${flag}) is not set`);
	registerSecret(value);
	return {value, source: `${flag} ${name}`};
}

function fromFile(flag: string, file: string, warn?: (m: string) => void): SecretValue {
	let text: string;
	try {
		const st = statSync(file);
		if (!st.isFile()) throw invalidInput(flag, `${flag} ${file} is not a file`);
		if (st.size > 64 * 1024)
			throw invalidInput(flag, `${flag} ${file} is larger than 64 KiB; it should hold only the secret`);
		if ((st.mode & 0o077) !== 0)
			warn?.(`${file} is readable by other users; it holds a secret (chmod 600 ${file})`);
		text = readFileSync(file, 'utf8');
	} catch (error) {
		if ((error as {field?: string}).field) throw error;
		throw invalidInput(flag, `cannot read ${flag} ${file}: ${(error as Error).message}`);
	}
	const value = text.replace(/\r?\n$/, '');
	registerSecret(value);
	return {value, source: `${flag} ${file}`};
}

async function fromStdin(flag: string): Promise<SecretValue> {
	if (process.stdin.isTTY)
		throw invalidInput(
			flag,
			`${flag} reads the key from standard input, but it is a terminal; pipe the key in`,
		);
	const chunks: Buffer[] = [];
	for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
	const value = Buffer.concat(chunks)
		.toString('utf8')
		.replace(/\r?\n$/, '');
	registerSecret(value);
	return {value, source: flag};
}

/** The provider key: exactly one of --key-env, --key-file, --key-stdin. */
export async function readProviderKey(flags: Flags, warn?: (m: string) => void): Promise<SecretValue> {
	const env = flagString(flags, 'keyEnv');
	const file = flagString(flags, 'keyFile');
	const stdin = flags.keyStdin === true;
	const given = [env !== undefined, file !== undefined, stdin].filter(Boolean).length;
	if (given === 0)
		throw invalidInput(
			'--key-env',
			'the provider key is required: --key-env VAR, --key-file FILE or --key-stdin',
		);
	if (given > 1)
		throw invalidInput(
			'--key-env',
			'give the provider key one way only: --key-env, --key-file or --key-stdin',
		);
	if (env !== undefined) return fromEnv('--key-env', env);
	if (file !== undefined) return fromFile('--key-file', file, warn);
	return fromStdin('--key-stdin');
}

export type {AdminCredential};

export function readAdminCredential(flags: Flags, warn?: (m: string) => void): AdminCredential {
	const keyEnv = flagString(flags, 'adminKeyEnv');
	const keyFile = flagString(flags, 'adminKeyFile');
	const email = flagString(flags, 'email');
	const passwordEnv = flagString(flags, 'passwordEnv');
	const ways = [
		keyEnv !== undefined,
		keyFile !== undefined,
		email !== undefined || passwordEnv !== undefined,
	].filter(Boolean).length;
	if (ways === 0) {
		throw invalidInput(
			'--admin-key-env',
			'an admin credential is required: --admin-key-env VAR, --admin-key-file FILE, or --email E --password-env VAR',
		);
	}
	if (ways > 1)
		throw invalidInput(
			'--admin-key-env',
			'give one admin credential: an admin API key or --email with --password-env',
		);
	if (keyEnv !== undefined || keyFile !== undefined) {
		const secret =
			keyEnv !== undefined
				? fromEnv('--admin-key-env', keyEnv)
				: fromFile('--admin-key-file', keyFile ?? '', warn);
		const key = secret.value.trim();
		if (!key || /\s/.test(key))
			throw invalidInput(
				secret.source.split(' ')[0] ?? '--admin-key-env',
				'the admin API key is empty or contains spaces',
			);
		return {type: 'admin_api_key', key};
	}
	if (!email || validateEmail(email, '--email') === null)
		throw invalidInput('--email', '--email must be the admin email address');
	if (passwordEnv === undefined)
		throw invalidInput('--password-env', '--email needs --password-env VAR holding the password');
	const password = fromEnv('--password-env', passwordEnv).value;
	if (!password) throw invalidInput('--password-env', `the password in ${passwordEnv} is empty`);
	return {type: 'login', email, password};
}

/** A TOTP provider reading --totp-env at the moment a code is needed (codes expire). */
export function totpFromFlags(flags: Flags): (() => Promise<string>) | undefined {
	const name = flagString(flags, 'totpEnv');
	if (name === undefined) return undefined;
	if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
		throw invalidInput('--totp-env', '--totp-env takes the NAME of an environment variable');
	return async () => {
		const code = (process.env[name] ?? '').trim();
		if (!/^\d{6}$/.test(code))
			throw invalidInput(
				'--totp-env',
				`environment variable ${name} must hold the current 6-digit TOTP code`,
			);
		return code;
	};
}

/** The provider key from its flag; errors about the key are then said as about that flag. */
export async function providerKeyFromFlags(ctx: CommandContext): Promise<string> {
	const key = await readProviderKey(ctx.flags, (m) => ctx.out.warn(m));
	ctx.out.fields.key = key.source.split(' ')[0] ?? '--key-env';
	return key.value;
}
