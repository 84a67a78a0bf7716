import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { LiveStream, type StreamEvent, type StreamStatus } from '../api/stream';
import { applyLiveEvent } from './live-cache';

const LiveContext = createContext<LiveStream | null>(null);

/** One stream per signed-in user, shared by every page; its events keep the query cache current. */
export function LiveProvider({ userId, children }: { userId: string; children: ReactNode }) {
  const client = useQueryClient();
  const [stream, setStream] = useState<LiveStream | null>(null);
  useEffect(() => {
    const live = new LiveStream();
    const stop = live.subscribe((event) => applyLiveEvent(client, event));
    live.start();
    setStream(live);
    return () => {
      stop();
      live.stop();
    };
  }, [userId, client]);
  return <LiveContext.Provider value={stream}>{children}</LiveContext.Provider>;
}

/** Calls `handler` for every live event (after the cache took it); the latest handler is used without resubscribing. */
export function useLiveEvents(handler: (event: StreamEvent) => void): void {
  const stream = useContext(LiveContext);
  const handlerRef = useRef(handler);
  handlerRef.current = handler;
  useEffect(() => {
    if (!stream) return;
    return stream.subscribe((event) => handlerRef.current(event));
  }, [stream]);
}

export function useLiveStatus(): StreamStatus {
  const stream = useContext(LiveContext);
  const [status, setStatus] = useState<StreamStatus>(stream?.status ?? 'connecting');
  useEffect(() => {
    if (!stream) return;
    setStatus(stream.status);
    return stream.onStatus(setStatus);
  }, [stream]);
  return status;
}

export function LiveIndicator() {
  const status = useLiveStatus();
  const label = status === 'live' ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Offline, retrying…';
  return (
    <span className={`live-indicator live-${status}`} title="Live updates">
      <span className="dot" aria-hidden="true" />
      {label}
    </span>
  );
}
