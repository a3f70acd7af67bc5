import test from 'ava';
import {chatCompletionsUrl, modelsUrlCandidates} from '../source/upstream/urls.js';

test('chatCompletionsUrl follows the newest sub2api rules', (t) => {
	t.is(chatCompletionsUrl('https://api.deepseek.com'), 'https://api.deepseek.com/v1/chat/completions');
	t.is(chatCompletionsUrl('https://api.deepseek.com/'), 'https://api.deepseek.com/v1/chat/completions');
	t.is(chatCompletionsUrl('https://api.moonshot.cn/v1'), 'https://api.moonshot.cn/v1/chat/completions');
	t.is(
		chatCompletionsUrl('https://open.bigmodel.cn/api/paas/v4'),
		'https://open.bigmodel.cn/api/paas/v4/chat/completions',
	);
	t.is(
		chatCompletionsUrl('https://dashscope.aliyuncs.com/compatible-mode/v1/'),
		'https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions',
	);
	t.is(
		chatCompletionsUrl('https://relay.example/v1/chat/completions'),
		'https://relay.example/v1/chat/completions',
	);
	t.is(
		chatCompletionsUrl('https://ark.cn-beijing.volces.com/api/v3'),
		'https://ark.cn-beijing.volces.com/api/v3/chat/completions',
	);
	t.throws(() => chatCompletionsUrl('not a url'));
});

test('modelsUrlCandidates: versioned bases use {base}/models first', (t) => {
	t.deepEqual(modelsUrlCandidates('https://api.moonshot.cn/v1'), ['https://api.moonshot.cn/v1/models']);
	t.deepEqual(modelsUrlCandidates('https://open.bigmodel.cn/api/paas/v4'), [
		'https://open.bigmodel.cn/api/paas/v4/models',
		'https://open.bigmodel.cn/api/paas/v1/models',
	]);
});

test('modelsUrlCandidates: unversioned base uses {base}/v1/models then {base}/models', (t) => {
	t.deepEqual(modelsUrlCandidates('https://api.deepseek.com'), [
		'https://api.deepseek.com/v1/models',
		'https://api.deepseek.com/models',
	]);
});

test('modelsUrlCandidates: anthropic sub-paths are stripped last', (t) => {
	t.deepEqual(modelsUrlCandidates('https://api.deepseek.com/anthropic'), [
		'https://api.deepseek.com/anthropic/v1/models',
		'https://api.deepseek.com/anthropic/models',
		'https://api.deepseek.com/v1/models',
		'https://api.deepseek.com/models',
	]);
	const dash = modelsUrlCandidates('https://dashscope.aliyuncs.com/apps/anthropic');
	t.is(dash.at(-2), 'https://dashscope.aliyuncs.com/v1/models');
	const step = modelsUrlCandidates('https://api.stepfun.com/step_plan');
	t.true(step.includes('https://api.stepfun.com/v1/models'));
});

test('modelsUrlCandidates: a chat-completions URL is reduced to its base', (t) => {
	t.deepEqual(modelsUrlCandidates('https://relay.example/v1/chat/completions'), [
		'https://relay.example/v1/models',
	]);
});
