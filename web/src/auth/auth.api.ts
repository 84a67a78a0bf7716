import { api } from '../api/client';
import type { AuthResponse, Me, User } from '../api/types';

export const login = (email: string, password: string) =>
  api.request<AuthResponse>('POST', '/api/auth/login', { body: { email, password }, anonymous: true });

export const register = (email: string, name: string, password: string) =>
  api.request<AuthResponse>('POST', '/api/auth/register', { body: { email, name, password }, anonymous: true });

export const forgotPassword = (email: string) =>
  api.request('POST', '/api/auth/password/forgot', { body: { email }, anonymous: true });

export const resetPassword = (token: string, password: string) =>
  api.request('POST', '/api/auth/password/reset', { body: { token, password }, anonymous: true });

export const fetchMe = () => api.get<Me>('/api/auth/me');

export const updateMyName = (id: string, name: string) => api.patch<User>(`/api/users/${encodeURIComponent(id)}`, { name });
