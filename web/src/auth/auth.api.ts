import { queryOptions } from '@tanstack/react-query';
import { api, done, json } from '../api/client';

export const login = (email: string, password: string) => json(api.POST('/api/auth/login', { body: { email, password } }));

export const register = (email: string, name: string, password: string) => json(api.POST('/api/auth/register', { body: { email, name, password } }));

export const forgotPassword = (email: string) => done(api.POST('/api/auth/password/forgot', { body: { email } }));

export const resetPassword = (token: string, password: string) => done(api.POST('/api/auth/password/reset', { body: { token, password } }));

export const changePassword = (currentPassword: string, newPassword: string) =>
  done(api.POST('/api/auth/password/change', { body: { currentPassword, newPassword } }));

export const verifyEmail = (token: string) => done(api.POST('/api/auth/email/verify', { body: { token } }));

export const resendVerificationEmail = () => done(api.POST('/api/auth/email/resend'));

export const fetchMe = () => json(api.GET('/api/auth/me'));

/** The caller's own user record, with what they may change in it (`abilities`). */
export const ownUserQuery = (id: string) =>
  queryOptions({ queryKey: ['users', 'one', id] as const, queryFn: ({ signal }) => json(api.GET('/api/users/{id}', { params: { path: { id } }, signal })) });

export const updateMyName = (id: string, name: string) => json(api.PATCH('/api/users/{id}', { params: { path: { id } }, body: { name } }));
