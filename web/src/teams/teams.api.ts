import { queryOptions } from '@tanstack/react-query';
import { api, done, json } from '../api/client';
import type { Availability, BodyOf } from '../api/models';

export const teamKeys = {
  teams: ['teams'] as const,
  rules: ['routing-rules'] as const,
  topics: ['ticket-topics'] as const,
  presence: ['presence'] as const,
  myPresence: ['presence', 'me'] as const,
};

type TeamChange = BodyOf<'/api/teams/{id}', 'patch'>;

/** A desk has a handful of teams: the first page of 100 is all of them. */
export const teamsQuery = queryOptions({
  queryKey: teamKeys.teams,
  queryFn: async ({ signal }) => (await json(api.GET('/api/teams', { params: { query: { limit: 100 } }, signal }))).items,
});
export const createTeam = (body: BodyOf<'/api/teams', 'post'>) => json(api.POST('/api/teams', { body }));
export const updateTeam = (id: string, body: TeamChange) => json(api.PATCH('/api/teams/{id}', { params: { path: { id } }, body }));
export const deleteTeam = (id: string) => done(api.DELETE('/api/teams/{id}', { params: { path: { id } } }));
export const addMember = (id: string, userId: string) => json(api.PUT('/api/teams/{id}/members/{userId}', { params: { path: { id, userId } } }));
export const removeMember = (id: string, userId: string) => done(api.DELETE('/api/teams/{id}/members/{userId}', { params: { path: { id, userId } } }));

export const routingRulesQuery = queryOptions({
  queryKey: teamKeys.rules,
  queryFn: async ({ signal }) => (await json(api.GET('/api/routing-rules', { signal }))).items,
});
export const createRoutingRule = (body: BodyOf<'/api/routing-rules', 'post'>) => json(api.POST('/api/routing-rules', { body }));
export const deleteRoutingRule = (id: string) => done(api.DELETE('/api/routing-rules/{id}', { params: { path: { id } } }));

export const topicsQuery = queryOptions({
  queryKey: teamKeys.topics,
  queryFn: async ({ signal }) => (await json(api.GET('/api/ticket-topics', { signal }))).items,
});

export const presenceQuery = queryOptions({
  queryKey: teamKeys.presence,
  queryFn: async ({ signal }) => (await json(api.GET('/api/presence', { signal }))).items,
});
export const myPresenceQuery = queryOptions({ queryKey: teamKeys.myPresence, queryFn: ({ signal }) => json(api.GET('/api/presence/me', { signal })) });
export const setMyAvailability = (availability: Availability) => json(api.PUT('/api/presence/me', { body: { availability } }));
export const setPresence = (userId: string, body: BodyOf<'/api/presence/{userId}', 'patch'>) =>
  json(api.PATCH('/api/presence/{userId}', { params: { path: { userId } }, body }));
export const releaseTickets = (userId: string) => json(api.POST('/api/presence/{userId}/release', { params: { path: { userId } } }));
