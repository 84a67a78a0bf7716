import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { LiveStream, type StreamStatus } from '../api/stream';
import type { StreamEvent } from '../api/types';

const LiveContext = createContext<LiveStream | null>(null);

/** One stream per signed-in user, shared by every page that wants live updates. */
export function LiveProvider({ userId, children }: { userId: string; children: ReactNode }) {
  const [stream, setStream] = useState<LiveStream | null>(null);
  useEffect(() => {
    const live = new LiveStream();
    live.start();
    setStream(live);
    return () => live.stop();
  }, [userId]);
  return <LiveContext.Provider value={stream}>{children}</LiveContext.Provider>;
}

/** Calls `handler` for every live event; the latest handler is used without resubscribing. */
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
