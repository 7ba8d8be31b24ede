/** Labels the server puts on the objects it writes (api-contract §5.2, §5.3, §5.6). */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'streamspace-api';
export const USER_LABEL = 'streamspace.io/user';
export const TEMPLATE_LABEL = 'streamspace.io/template';
export const SESSION_LABEL = 'streamspace.io/session';
export const APPLICATION_LABEL = 'streamspace.io/application';
/** Why a Session's state last changed (api-contract §5.2): user, admin, idle, maxDuration, … */
export const STATE_REASON_ANNOTATION = 'streamspace.io/state-reason';
