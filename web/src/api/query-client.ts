import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './errors';

/** Server data lives in one cache; the live stream keeps it current (see notifications/live-cache.ts). */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      // A 4xx is the server's considered answer; asking again only delays showing it.
      retry: (failures, error) => !(error instanceof ApiError && error.status < 500) && failures < 2,
    },
  },
});
