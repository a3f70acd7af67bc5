// The one pass over the command line (commands/argv.ts): every flag's value read by its type, the
// command words, and the problems that exit 2 (a flag given twice, a boolean given a value).
import test from 'ava';
import {scanArgv} from '../source/commands/argv.js';

test('values by type: string, number, boolean and its negation; words; a lone dash is a value', (t) => {
	const scan = scanArgv([
		'import',
		'--host=sb',
		'--pack',
		'deepseek',
		'--timeout-s',
		'12.5',
		'--no-json',
		'--key-file',
		'-',
		'--lock-wait-s=-1',
		'extra',
	]);
	t.is(scan.problem, null);
	t.deepEqual(scan.words, ['import', 'extra']);
	t.is(scan.flags.host, 'sb');
	t.is(scan.flags.pack, 'deepseek');
	t.is(scan.flags.timeoutS, 12.5);
	t.is(scan.flags.json, false);
	t.is(scan.flags.keyFile, '-');
	t.is(scan.flags.lockWaitS, -1);
	t.is(scan.flags.keyStdin, false, 'a boolean flag not given is false');
	t.false(Object.hasOwn(scan.flags, 'url'), 'a string flag not given is absent');
});

test('a number that is not one reads NaN; a string flag with no value reads empty', (t) => {
	const scan = scanArgv(['status', '--timeout-s', 'soon', '--host']);
	t.true(Number.isNaN(scan.flags.timeoutS));
	t.is(scan.flags.host, '');
	t.true(Number.isNaN(scanArgv(['status', '--timeout-s=']).flags.timeoutS));
});

test('everything after -- is a word; --json=true and --json=false are read', (t) => {
	const scan = scanArgv(['batch', 'show', '--json=false', '--', '--host', 'x']);
	t.deepEqual(scan.words, ['batch', 'show', '--host', 'x']);
	t.is(scan.flags.json, false);
	t.false(Object.hasOwn(scan.flags, 'host'));
	t.is(scanArgv(['status', '--json=true']).flags.json, true);
});

test('a flag given twice, or a boolean given a value: a problem naming the flag, never the value', (t) => {
	const twice = scanArgv(['status', '--host', 'a', '--host=b']);
	t.is(twice.problem?.flag, '--host');
	t.regex(twice.problem?.message ?? '', /given twice/);
	const negatedTwice = scanArgv(['status', '--json', '--no-json']);
	t.is(negatedTwice.problem?.flag, '--no-json');
	const valued = scanArgv(['status', '--json=sk-secret-value-123']);
	t.is(valued.problem?.flag, '--json');
	t.false(valued.problem?.message.includes('sk-secret') ?? true);
});
