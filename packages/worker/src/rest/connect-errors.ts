import { UNKNOWN_CLASS_PREFIX } from '@sluice/runtime';
import { isConfigError } from '@sluice/sdk';

/**
 * The herder's errors by name and status: the REST layer depends on the Herder contract, not on
 * the runtime's classes (a herder in another package or process throws the same names).
 */
const HERDER_ERRORS: Readonly<Record<string, number>> = {
  ConnectorNotFoundError: 404,
  ConnectorExistsError: 409,
  OffsetsRequestError: 400,
  HerderStoppingError: 503,
};

function herderStatus(error: unknown): number | undefined {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? HERDER_ERRORS[name] : undefined;
}

/** Kafka Connect's error body: the HTTP status repeated as error_code, and a message. */
export interface ConnectErrorBody {
  readonly error_code: number;
  readonly message: string;
}

/** An error the REST layer raises itself, with its status. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Maps any error to Connect's status code and body; unknown errors are 500s. */
export function toConnectError(error: unknown): ConnectErrorBody {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof RestError) return { error_code: error.status, message };
  const status = herderStatus(error);
  if (status !== undefined) return { error_code: status, message };
  if (isConfigError(error)) {
    // Connect fails on an unknown class before it checks anything else: that alone is the answer
    const unknown = error.problems.find(
      (p) => p.field === 'connector.class' && p.reason.startsWith(UNKNOWN_CLASS_PREFIX),
    );
    if (unknown) return { error_code: 400, message: unknown.reason };
    // a reason naming its key already (Connect's wording does) is shown as it is
    const lines = [
      ...new Set(
        error.problems.map((problem) =>
          problem.reason.includes(problem.field) ? problem.reason : `${problem.field}: ${problem.reason}`,
        ),
      ),
    ];
    return {
      error_code: 400,
      message: `Connector configuration is invalid and contains the following ${lines.length} error(s):\n${lines.join('\n')}\nYou can also find the above list of errors at the endpoint \`/connector-plugins/{connectorType}/config/validate\``,
    };
  }
  const fastify = error as { statusCode?: number; code?: string };
  if (fastify.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return { error_code: 415, message: 'HTTP 415 Unsupported Media Type' };
  if (typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    return { error_code: fastify.statusCode, message };
  }
  return { error_code: 500, message };
}

/** Runs `read`, answering an unknown connector with Connect's wording for this endpoint. */
export function unknownConnectorAs<T>(message: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (herderStatus(error) === 404) throw new RestError(404, message);
    throw error;
  }
}

/** As unknownConnectorAs, for a change that rejects asynchronously. */
export async function unknownConnectorAsync<T>(message: string, change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (herderStatus(error) === 404) throw new RestError(404, message);
    throw error;
  }
}
