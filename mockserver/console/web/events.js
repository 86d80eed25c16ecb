// Follows GET /control/v1/events, the journal as Server-Sent Events.
//
// The stream is read with fetch rather than EventSource: EventSource cannot
// send the Authorization header a server started with a control token
// needs. The parser below is the part of the WHATWG format the server
// sends (id, event, data, retry, comments); after a break it reconnects
// with since=<the last id seen>, as EventSource would with Last-Event-ID.

// follow calls onEvent({id, event, data}) for each event until stop() is
// called; onStatus("live" | "connecting" | "error: ...") tells the state
// of the connection. headers() answers the request headers to send.
export function follow({ url, since = 0, headers = () => ({}), onEvent, onStatus }) {
  let last = since;
  let stopped = false;
  let abort = null;
  let retryMs = 1000;

  async function run() {
    while (!stopped) {
      onStatus("connecting");
      abort = new AbortController();
      try {
        const res = await fetch(`${url}?since=${last}`, { headers: headers(), signal: abort.signal });
        if (!res.ok) throw new Error(`${res.status} ${(await res.text()).trim()}`);
        onStatus("live");
        await read(res.body, (e) => {
          if (e.retry) retryMs = e.retry;
          if (e.id) last = Number(e.id);
          if (e.data !== undefined) onEvent(e);
        });
        if (!stopped) onStatus("error: the server closed the stream");
      } catch (err) {
        if (stopped) return;
        onStatus(`error: ${err.message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  }
  run();
  return {
    stop() {
      stopped = true;
      abort?.abort();
    },
  };
}

// read parses a text/event-stream body, calling emit for each event.
async function read(body, emit) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let event = {};
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let nl;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, "");
      buffer = buffer.slice(nl + 1);
      if (line === "") {
        // A blank line ends an event.
        emit(event);
        event = {};
        continue;
      }
      if (line.startsWith(":")) continue; // a comment: the server's keep-alive
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "data") event.data = event.data === undefined ? value : `${event.data}\n${value}`;
      else if (field === "id") event.id = value;
      else if (field === "event") event.event = value;
      else if (field === "retry" && /^\d+$/.test(value)) event.retry = Number(value);
    }
  }
}
