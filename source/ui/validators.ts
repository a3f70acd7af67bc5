// The engine's field validators as validate-as-you-type checks: null when fine, else its message.
import {validateEmail, validateKey, validateModelName, validateName, validateUrl} from '../app/input.js';

function check(fn: () => unknown): string | null {
	try {
		fn();
		return null;
	} catch (error) {
		return error instanceof Error ? error.message : String(error);
	}
}

export const checkUrl = (value: string, field = 'URL') => check(() => validateUrl(value, field));
export const checkKey = (value: string, field = 'the key field') => check(() => validateKey(value, field));
export const checkName = (value: string, field = 'name') => check(() => validateName(value, field));
export const checkEmail = (value: string, field = 'email') =>
	check(() => {
		if (validateEmail(value, field) === null) throw new Error(`${field} is required`);
	});
export const checkSecret = (value: string, what: string) =>
	value.trim() === '' ? `${what} is empty` : /\s/.test(value) ? `${what} contains spaces` : null;
export const checkModel = (value: string, field = 'the model id') =>
	check(() => validateModelName(value, field));
