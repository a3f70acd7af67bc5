// The status page at `/` (docs/cli.md, Service): read-only, rendered on the server with hono/html
// (every interpolated value escaped), no front-end build step. Hosts, providers with their status,
// health and balance (the health watch's last check), recent batches, and each running import's steps arriving live (EventSource). One narrow column that
// reads in a terminal-width browser window.
import {html, raw} from 'hono/html';
import type {HtmlEscapedString} from 'hono/utils/html';
import type {ProviderHealth} from '../../app/health.js';
import type {ProviderRow} from '../../app/reads.js';
import type {State} from '../../store/schema.js';
import type {ImportInfo} from '../events.js';
import {PAGE_SCRIPT} from './page-script.js';
import {PAGE_STYLE} from './page-style.js';

export interface PageData {
	version: string;
	dataDir: string;
	startedAt: string;
	watching: boolean;
	state: State;
	/** Every host's provider rows (the status read, computed once per version of state.json). */
	providers: ProviderRow[];
	/** Every provider's health (source/app's read of the watch's summary). */
	health: ProviderHealth[];
	imports: ImportInfo[];
	nonce: string;
}

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const RECENT_BATCHES = 15;

function tone(status: string | null): string {
	if (!status) return 'dim';
	if (/ready|active|succeeded|in_sync|ok/.test(status)) return 'ok';
	if (/pending|running|models_only|degraded|partial|drifted|skipped/.test(status)) return 'warn';
	return 'bad';
}

/** `2025-01-02T03:04:05.678Z` as `2025-01-02 03:04` (UTC): enough to read, short enough for a narrow window. */
const when = (iso: string | null) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : 'never');

const badge = (status: string | null) => html`<span class="${tone(status)}">${status ?? '-'}</span>`;

function hostsSection(state: State): Html {
	if (state.hosts.length === 0)
		return html`<p class="dim">No host registered. Add one with <code>crm host add</code>.</p>`;
	return html`<div class="scroll">
		<table>
			<tr>
				<th>host</th>
				<th>url</th>
				<th>sub2api</th>
				<th>last probe</th>
			</tr>
			${state.hosts.map(
				(h) =>
					html`<tr data-host="${h.name}">
						<td><b>${h.name}</b><br /><span class="dim">${h.host_id}</span></td>
						<td>${h.url}</td>
						<td>${h.version ?? '?'}</td>
						<td>${when(h.last_probe_at)}</td>
					</tr>`,
			)}
		</table>
	</div>`;
}

const providerKey = (p: {host_id: string; pack: string; base_url: string}) =>
	`${p.host_id}|${p.pack}|${p.base_url}`;

/** The watch's last word on a provider: health word, latency, balance; "not checked" before a check. */
function healthCell(h: ProviderHealth | undefined): Html {
	if (!h?.health) return html`<span class="dim">not checked</span>`;
	const latency = h.latency_ms === null ? '' : ` ${h.latency_ms} ms`;
	const balance = h.balance
		? html`<br />balance ${h.balance.amount ?? '?'} ${h.balance.currency ?? ''}`
		: html`<br /><span class="dim">no balance read</span>`;
	return html`${badge(h.health)}${h.paused ? html` ${badge('paused')}` : ''}<span class="dim">${latency}</span
		>${h.failure_class ? html`<br /><span class="bad">${h.failure_class}</span>` : ''}${balance}<br /><span
			class="dim"
			>checked ${when(h.last_check_at)}</span
		>`;
}

function providersSection(rows: ProviderRow[], health: ProviderHealth[]): Html {
	if (rows.length === 0) return html`<p class="dim">No imports yet.</p>`;
	const byProvider = new Map(health.map((h) => [providerKey(h), h]));
	return html`<div class="scroll">
		<table>
			<tr>
				<th>provider</th>
				<th>access</th>
				<th>status</th>
				<th>health</th>
			</tr>
			${rows.map(
				(r) =>
					html`<tr data-pack="${r.pack}">
						<td>
							<b>${r.pack}</b> on ${r.host}<br /><span class="dim">${r.base_url}</span><br /><span
								class="dim id"
								>${r.latest_batch}</span
							>
						</td>
						<td>${badge(r.access_status)}</td>
						<td>
							${badge(r.provider_status)}<br />${badge(r.batch_status)}${
								r.failure_class ? html`<br /><span class="bad">${r.failure_class}</span>` : ''
							}
						</td>
						<td class="health">${healthCell(byProvider.get(providerKey(r)))}</td>
					</tr>`,
			)}
		</table>
	</div>`;
}

function batchesSection(state: State): Html {
	const recent = [...state.batches]
		.sort((a, b) => (a.created_at < b.created_at ? 1 : -1))
		.slice(0, RECENT_BATCHES);
	if (recent.length === 0) return html`<p class="dim">No batches yet.</p>`;
	return html`<div class="scroll">
			<table>
				<tr>
					<th>batch</th>
					<th>pack</th>
					<th>status</th>
					<th>created</th>
				</tr>
				${recent.map(
					(b) =>
						html`<tr>
							<td class="id">${b.batch_id}</td>
							<td>${b.pack} <span class="dim">${b.access_mode}</span></td>
							<td>${badge(b.batch_status)} ${badge(b.access_status)}</td>
							<td>${when(b.created_at)}</td>
						</tr>`,
				)}
			</table>
		</div>
		${state.batches.length > RECENT_BATCHES ? html`<p class="dim">${state.batches.length - RECENT_BATCHES} older batches: GET /api/v1/batches</p>` : ''}`;
}

export function statusPage(d: PageData): Html {
	const running = d.imports.filter((i) => i.state === 'running');
	return html`<!doctype html>
		<html lang="en">
			<head>
				<meta charset="utf-8" />
				<meta name="viewport" content="width=device-width, initial-scale=1" />
				<title>crm · status</title>
				<style nonce="${d.nonce}">
					${raw(PAGE_STYLE)}
				</style>
			</head>
			<body>
				<header>
					<b>crm</b> ${d.version} · <span class="dim">${d.dataDir}</span><br />
					<span class="dim"
						>service since ${when(d.startedAt)} UTC${d.watching ? ' · health loop on' : ''}</span
					>
				</header>
				<h2>Live imports</h2>
				<div id="live" data-running="${running.length}">
					<p class="dim" id="live-none">${running.length ? '' : 'No import running.'}</p>
				</div>
				<h2>Hosts</h2>
				${hostsSection(d.state)}
				<h2>Providers</h2>
				${providersSection(d.providers, d.health)}
				<h2>Batches</h2>
				${batchesSection(d.state)}
				<script nonce="${d.nonce}">
					${raw(PAGE_SCRIPT)};
				</script>
			</body>
		</html>`;
}

export function tokenPage(message: string, nonce: string): Html {
	return html`<!doctype html>
		<html lang="en">
			<head>
				<meta charset="utf-8" />
				<meta name="viewport" content="width=device-width, initial-scale=1" />
				<title>crm · token needed</title>
				<style nonce="${nonce}">
					${raw(PAGE_STYLE)}
				</style>
			</head>
			<body>
				<h1>Token needed</h1>
				<p>${message}</p>
				<p>
					Open <code>/?token=TOKEN</code> once with the token from the file <code>crm serve</code> printed as
					<code>token_file</code>; the page then remembers it in a cookie.
				</p>
			</body>
		</html>`;
}
