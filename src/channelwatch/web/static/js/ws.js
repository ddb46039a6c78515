// The live stream (/api/ws): reconnects with back-off and keeps the connection alive with pings.

export function connectStream(token, { onMessage, onStatus, onUnauthorized }) {
  let ws = null;
  let closed = false;
  let delayMs = 1000;
  let pingTimer = null;

  function open() {
    const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    const url = `${scheme}//${window.location.host}/api/ws?token=${encodeURIComponent(token)}`;
    onStatus('connecting');
    ws = new WebSocket(url);
    ws.onopen = () => {
      delayMs = 1000;
      onStatus('live');
      pingTimer = setInterval(() => {
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'ping' }));
      }, 20000);
    };
    ws.onmessage = (ev) => {
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return; // not JSON: ignore, keep the stream
      }
      if (msg && typeof msg.type === 'string') onMessage(msg);
    };
    ws.onclose = (ev) => {
      clearInterval(pingTimer);
      if (closed) return;
      // 4401 / 1008: the token was refused; reconnecting would not help.
      if (ev.code === 4401 || ev.code === 1008) {
        onStatus('signed out');
        onUnauthorized();
        return;
      }
      onStatus('reconnecting');
      setTimeout(open, delayMs);
      delayMs = Math.min(delayMs * 2, 15000);
    };
  }

  open();
  return {
    close() {
      closed = true;
      clearInterval(pingTimer);
      if (ws) ws.close();
    },
  };
}
