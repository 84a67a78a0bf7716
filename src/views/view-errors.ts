import { notFound } from '../http/errors.js';

export const viewNotFound = () => notFound('view_not_found', 'View not found');
