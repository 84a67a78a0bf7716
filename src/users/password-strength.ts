import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { invalidField } from '../http/errors.js';

/**
 * zxcvbn's score 2 means "somewhat guessable": about a million guesses or more. Below it are
 * the passwords an attacker tries first (`12345678`, `password`, `qwertyui`, `Summer2024`), which
 * no rate limit protects once a database leaks.
 */
const LEAST_SCORE = 2;

export const TOO_COMMON_PASSWORD = 'Password is too common; choose one that is harder to guess';

// Building the dictionaries takes some 40 ms, so it is done once, at the first check.
let estimator: ZxcvbnFactory | undefined;
const estimatorOf = () => (estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs }));

/**
 * Refuses a password among the common and the easily guessed, as the field `password` of the
 * request (`invalid_input`) or the one named, so a form shows why beside the field. `related` are words of the
 * account itself (its email, its name): a password built from them is guessed first, too.
 */
export function assertPasswordHardToGuess(password: string, related: readonly string[] = [], field = 'password'): void {
  const { score } = estimatorOf().check(password, [...related]);
  if (score < LEAST_SCORE) throw invalidField('invalid_input', field, TOO_COMMON_PASSWORD);
}
