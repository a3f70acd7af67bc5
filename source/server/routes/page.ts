// `GET /`: the status page. `/?token=T` once sets the HttpOnly, SameSite=Strict cookie and redirects
// to `/` (so the token leaves the address bar and history); afterwards the cookie is enough.
import {createRoute, z, type OpenAPIHono} from '@hono/zod-openapi';
import {authorized, sameToken, setPageCookie} from '../auth.js';
import {healthSummary, providerHealthOf} from '../../app/health.js';
import {statusOf} from '../../app/reads.js';
import type {ServiceDeps} from '../deps.js';
import {statusPage, tokenPage} from '../page/status-page.js';

export const pageRoutes = {
	page: createRoute({
		method: 'get',
		path: '/',
		summary: 'The read-only status page (HTML); `?token=` once sets the page cookie',
		request: {query: z.object({token: z.string().max(512).optional()})},
		responses: {
			200: {description: 'The page', content: {'text/html': {schema: z.string()}}},
			303: {description: 'Token accepted: cookie set, back to /'},
			401: {description: 'No or wrong token', content: {'text/html': {schema: z.string()}}},
		},
	}),
};

export function registerPageRoutes(app: OpenAPIHono, deps: ServiceDeps): void {
	app.openapi(pageRoutes.page, async (c) => {
		c.header('cache-control', 'no-store');
		c.header('referrer-policy', 'no-referrer');
		const nonce = (c.get('secureHeadersNonce' as never) as string | undefined) ?? '';
		const {token} = c.req.valid('query');
		if (token !== undefined) {
			if (!sameToken(token, deps.token))
				return c.html(tokenPage('That token is not this service’s.', nonce), 401);
			setPageCookie(c, deps.token);
			return c.redirect('/', 303);
		}
		if (!authorized(c, deps.token))
			return c.html(tokenPage('This page needs the service token.', nonce), 401);
		const store = await deps.read();
		const page = statusPage({
			version: deps.version,
			dataDir: deps.dataDir,
			startedAt: deps.startedAt,
			watching: deps.watching,
			state: store.data,
			providers: await deps.derived('page providers', (st) => statusOf(st.data).flatMap((h) => h.providers)),
			health: providerHealthOf(store.data, await healthSummary(deps.session())),
			imports: deps.hub.imports(),
			nonce,
		});
		return c.html(await page, 200);
	});
}
