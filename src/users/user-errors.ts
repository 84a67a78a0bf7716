import { conflict, notFound } from '../http/errors.js';

export const userNotFound = () => notFound('user_not_found', 'No such user');

export const lastManager = () => conflict('last_manager', 'The last active manager cannot be demoted or deactivated');
