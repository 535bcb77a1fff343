import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** One registered route: its method and its path as a pattern (`:name` matches one segment). */
interface RouteShape {
  readonly method: string;
  readonly pattern: RegExp;
}

function patternOf(url: string): RegExp {
  const segments = url
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${segments.join('/')}/?$`);
}

/**
 * Answers requests no route takes as Jersey does for Connect: 405 `HTTP 405 Method Not Allowed`
 * when the path exists under another method, else 404 `HTTP 404 Not Found`. Invariant: it knows
 * every route registered after it is installed (an onRoute hook), so install it before the routes.
 */
export function unroutedAnswers(app: FastifyInstance): void {
  const routes: RouteShape[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) routes.push({ method: String(method), pattern: patternOf(route.url) });
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '';
    const elsewhere = routes.some((route) => route.method !== request.method && route.pattern.test(path));
    const [status, text] = elsewhere ? [405, 'Method Not Allowed'] : [404, 'Not Found'];
    void reply.code(status).send({ error_code: status, message: `HTTP ${status} ${text}` });
  });
}
