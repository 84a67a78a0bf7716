import { queryOptions } from '@tanstack/react-query';
import { api, done, json } from '../api/client';
import type { Preference } from '../api/models';

export const notificationKeys = {
  all: ['notifications'] as const,
  recent: ['notifications', 'recent'] as const,
  unread: ['notifications', 'unread'] as const,
  preferences: ['notification-preferences'] as const,
};

export const recentNotificationsQuery = queryOptions({
  queryKey: notificationKeys.recent,
  queryFn: async ({ signal }) => (await json(api.GET('/api/notifications', { params: { query: { limit: 20 } }, signal }))).items,
});

export const unreadCountQuery = queryOptions({
  queryKey: notificationKeys.unread,
  queryFn: async ({ signal }) => (await json(api.GET('/api/notifications/unread-count', { signal }))).count,
});

export const markNotificationRead = (id: string) => done(api.POST('/api/notifications/{id}/read', { params: { path: { id } } }));

export const markAllRead = () => done(api.POST('/api/notifications/read-all'));

export const preferencesQuery = queryOptions({
  queryKey: notificationKeys.preferences,
  queryFn: async ({ signal }) => (await json(api.GET('/api/notification-preferences', { signal }))).items,
});

export const putPreferences = async (items: Pick<Preference, 'kind' | 'email' | 'inApp'>[]) =>
  (await json(api.PUT('/api/notification-preferences', { body: { items } }))).items;

/** The tickets behind a grouped notification ("33 tickets missed their SLA"), those the caller may see. */
export const notificationTicketsQuery = (id: string) =>
  queryOptions({
    queryKey: [...notificationKeys.all, 'tickets', id] as const,
    queryFn: async ({ signal }) =>
      (await json(api.GET('/api/notifications/{id}/tickets', { params: { path: { id }, query: { limit: 100 } }, signal }))).items,
  });
