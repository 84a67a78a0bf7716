import { conflict, notFound } from '../http/errors.js';

/** No ticket the caller sees carries it: answered alike whether the tag exists elsewhere or not. */
export const tagNotFound = () => notFound('tag_not_found', 'No ticket you can see carries this tag');

export const tooManyTagged = (cap: number) =>
  conflict('too_many_tagged', `More than ${cap} tickets carry this tag; narrow it down with bulk tag changes first`);
