// The prompts a host may need, against the `gated` sandbox (compliance gate, 2FA login, step-up on
// writes): the compliance acknowledgement (phrase and document link, accept or cancel) and the TOTP
// code (masked), both while adding the host, then TOTP step-ups during an import.
import test from 'ava';
import {startSandbox, type SandboxHandle} from '../source/sandbox/index.js';
import {StateStore} from '../source/store/state-store.js';
import {KEY, renderTui, tempData, type Tui} from './ui-helpers.js';

/** Answers every prompt the host raises until `done` shows; returns what was asked. */
async function answerPrompts(tui: Tui, sb: SandboxHandle, done: RegExp, accept = true) {
	const asked = {totp: 0, compliance: 0, phrases: [] as string[]};
	const deadline = Date.now() + 40_000;
	for (;;) {
		const frame = await tui.waitFor(
			(f) => done.test(f) || f.includes('❯ Cancel (nothing is accepted)') || f.includes('TOTP code:'),
			Math.max(1, deadline - Date.now()),
		);
		if (done.test(frame)) return {asked, frame};
		if (frame.includes('TOTP code:')) {
			asked.totp += 1;
			await tui.type(sb.info.admin_totp_code);
			await tui.waitFor('✓ looks right');
			await tui.press(KEY.enter);
			await tui.waitFor((f) => !f.includes('TOTP code:'));
		} else {
			asked.compliance += 1;
			asked.phrases.push(frame);
			if (accept) await tui.press(KEY.down, KEY.enter);
			else await tui.press(KEY.enter);
			await tui.waitFor(
				(f) => !f.includes('❯ Cancel (nothing is accepted)') && !f.includes('❯ I have read it'),
			);
		}
	}
}

async function typeHostForm(tui: Tui, sb: SandboxHandle, name: string) {
	await tui.waitFor('Name:');
	await tui.type(name);
	await tui.waitFor('✓ looks right');
	await tui.press(KEY.enter);
	await tui.waitFor('Host URL:');
	await tui.type(sb.info.host_url);
	await tui.waitFor('✓ looks right');
	await tui.press(KEY.enter);
	await tui.waitFor('Admin credential:');
	await tui.press(KEY.down, KEY.enter);
	await tui.waitFor('Admin email:');
	await tui.type(sb.info.admin_email);
	await tui.waitFor('✓ looks right');
	await tui.press(KEY.enter);
	await tui.waitFor('Password:');
	await tui.type(sb.info.admin_password);
	await tui.press(KEY.enter);
}

test('gated host: add it through the TOTP and compliance prompts, then import with step-up codes', async (t) => {
	const sb = await startSandbox({profile: 'gated'});
	const dataDir = tempData();
	const tui = renderTui({dataDir, initialScreen: {id: 'host-add'}});
	try {
		await typeHostForm(tui, sb, 'gate');
		const added = await answerPrompts(tui, sb, /Registered gate/);
		t.true(added.asked.totp >= 1, 'the 2FA login asked for a code');
		t.is(added.asked.compliance, 1);
		const prompt = added.asked.phrases[0]!;
		t.regex(prompt, /Phrase: “[^”]+”/);
		t.regex(prompt, /Document: http/);
		t.regex(added.frame, /✓ step_up_writes/);
		t.false(
			tui.frames.some((f) => f.includes(sb.info.admin_password) || f.includes(sb.info.admin_totp_code)),
			'the password and the code are never drawn',
		);
		const state = (await StateStore.open(dataDir)).data;
		t.is(state.hosts[0]!.auth_type, 'login');
		t.false(JSON.stringify(state).includes(sb.info.admin_totp_code), 'a TOTP code is never stored');

		await tui.press(KEY.enter); // Import a provider into it
		await tui.waitFor('Which provider pack?');
		await tui.press(KEY.enter);
		await tui.waitFor('Provider base URL:');
		for (let i = 0; i < 'https://api.deepseek.com'.length; i++) tui.stdin.write(KEY.backspace);
		await tui.type(sb.info.upstreams.deepseek!.base_url);
		await tui.waitFor('✓ looks right');
		await tui.press(KEY.enter);
		await tui.waitFor('Provider key:');
		await tui.type(sb.info.upstreams.deepseek!.api_key);
		await tui.waitFor('✓ looks right');
		await tui.press(KEY.enter);
		await tui.waitFor('Access mode:');
		await tui.press(KEY.enter);
		await tui.waitFor('❯ Start the import');
		await tui.press(KEY.enter);
		const run = await answerPrompts(tui, sb, /finished/);
		t.regex(run.frame, /access subscription_ready/);
		t.true(run.asked.totp >= 1, 'step-up asked for a code');
	} finally {
		await tui.close();
		await sb.close();
	}
});

test('gated host: cancelling the compliance acknowledgement saves nothing', async (t) => {
	const sb = await startSandbox({profile: 'gated'});
	const dataDir = tempData();
	const tui = renderTui({dataDir, initialScreen: {id: 'host-add'}});
	try {
		await typeHostForm(tui, sb, 'gate');
		const {asked, frame} = await answerPrompts(tui, sb, /✗ /, false);
		t.is(asked.compliance, 1);
		t.regex(frame, /compliance acknowledgement/);
		t.regex(frame, /❯ Change the URL or credential/);
		t.is((await StateStore.open(dataDir)).data.hosts.length, 0);
	} finally {
		await tui.close();
		await sb.close();
	}
});

test('TOTP prompt: Esc cancels it and the operation ends with the reason', async (t) => {
	const sb = await startSandbox({profile: 'gated'});
	const dataDir = tempData();
	const tui = renderTui({dataDir, initialScreen: {id: 'host-add'}});
	try {
		await typeHostForm(tui, sb, 'gate');
		await tui.waitFor('TOTP code:');
		await tui.type('12');
		const partial = await tui.waitFor('6-digit');
		t.regex(partial, /TOTP code: \*\*/);
		await tui.press(KEY.escape);
		const frame = await tui.waitFor('❯ Change the URL or credential');
		t.regex(frame, /✗ .*cancelled by the operator/);
		t.false(frame.includes('TOTP code:'), 'the prompt is gone');
		t.is((await StateStore.open(dataDir)).data.hosts.length, 0);
	} finally {
		await tui.close();
		await sb.close();
	}
});
