import { api } from '../api/client';
import type { AppNotification } from '../api/types';

export const listNotifications = (unreadOnly: boolean) =>
  api.get<{ items: AppNotification[] }>('/api/notifications', unreadOnly ? { unread: true } : { limit: 20 });

export const markNotificationRead = (id: string) => api.post(`/api/notifications/${encodeURIComponent(id)}/read`);

/** The preferences document is sent back in the shape the server gave it. */
export type Preferences = Record<string, unknown>;

export const getPreferences = () => api.get<Preferences>('/api/notification-preferences');
export const putPreferences = (preferences: Preferences) => api.put<Preferences>('/api/notification-preferences', preferences);
