import { api } from '../api/client';
import type { AppNotification, Page } from '../api/types';

export const listNotifications = () => api.get<Page<AppNotification>>('/api/notifications', { limit: 20 });

export const unreadCount = async (): Promise<number> => (await api.get<{ count: number }>('/api/notifications/unread-count')).count;

export const markNotificationRead = (id: string) => api.post(`/api/notifications/${encodeURIComponent(id)}/read`);

export const markAllRead = () => api.post('/api/notifications/read-all');

/** One kind of notification and where the caller gets it. */
export interface Preference {
  kind: string;
  description: string;
  email: boolean;
  inApp: boolean;
}

export const getPreferences = () => api.get<{ items: Preference[] }>('/api/notification-preferences');

export const putPreferences = (items: Pick<Preference, 'kind' | 'email' | 'inApp'>[]) =>
  api.put<{ items: Preference[] }>('/api/notification-preferences', { items });
