import { ApiError } from '../common/api-error.js';
import { isUuid } from '../common/uuid.js';

export const connectionNotFound = (connectionId: string, session: string) =>
  new ApiError(404, 'Connection not found', `No connection '${connectionId}' on session '${session}'`);

/** A `connectionId` query parameter: required where the route says so, a UUID when given. */
export function connectionIdParameter(value: unknown, required: boolean): string | undefined {
  if (value === undefined || value === '') {
    if (required) throw new ApiError(400, 'connectionId parameter required', 'Pass ?connectionId=<id>');
    return undefined;
  }
  if (!isUuid(value)) throw new ApiError(400, 'Invalid request', 'connectionId: must be a UUID');
  return value;
}
