import { notFound } from '../http/errors.js';

export const macroNotFound = () => notFound('macro_not_found', 'Macro not found');
