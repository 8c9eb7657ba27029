"""Load client for bench/portal.sh: N concurrent SSE streams on one portal-events FastCGI responder.

Opens N FastCGI requests for GET /api/portal-events (one connection each, as nginx would), waits
until every stream has replayed the timeline, then commits U updates one at a time (INSERT into
portal_events + NOTIFY in one statement, through an already-open psql) and records when each
stream receives each update. Prints p50/p99/max delivery time and the responder's RSS growth per
open stream. The streams are spread over P client processes so the client is not the bottleneck
it would be in one Python thread (they still share the machine's 2 cores with the server).

usage: portal_load.py (--socket PATH | --http HOST:PORT) --pid PID --cookie SECRET --database-url URL --booking ID
                      [--streams N] [--updates U] [--processes P]
"""
import argparse
import asyncio
import json
import multiprocessing as mp
import os
import resource
import struct
import subprocess
import sys
import time

BEGIN_REQUEST, PARAMS, STDIN, STDOUT, END_REQUEST = 1, 4, 5, 6, 3


def record(rtype, content, rid=1):
    pad = (8 - len(content) % 8) % 8
    return struct.pack(">BBHHBB", 1, rtype, rid, len(content), pad, 0) + content + b"\0" * pad


def pair(name, value):
    name, value = name.encode(), value.encode()
    def length(n):
        return struct.pack(">B", n) if n < 128 else struct.pack(">I", n | 0x80000000)
    return length(len(name)) + length(len(value)) + name + value


def request_bytes(cookie, last_event_id):
    params = {
        "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET", "SCRIPT_NAME": "/api/portal-events", "PATH_INFO": "",
        "REQUEST_URI": f"/api/portal-events?last_event_id={last_event_id}", "QUERY_STRING": f"last_event_id={last_event_id}",
        "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "HTTP_ACCEPT": "text/event-stream",
        "HTTP_COOKIE": f"roch_portal={cookie}",
    }
    body = b"".join(pair(k, v) for k, v in params.items())
    return (record(BEGIN_REQUEST, struct.pack(">HB5x", 1, 0)) + record(PARAMS, body) + record(PARAMS, b"")
            + record(STDIN, b""))


class Tracker:
    """Counts, per client process, how many streams have the awaited event (no polling loop)."""

    def __init__(self, total):
        self.total = total
        self.awaited = None
        self.count = 0
        self.done = asyncio.Event()

    def expect(self, event_id, streams):
        self.awaited = event_id
        self.count = sum(1 for s in streams if event_id in s.arrivals)
        self.done = asyncio.Event()
        if self.count >= self.total:
            self.done.set()

    def arrived(self, event_id):
        if event_id == self.awaited:
            self.count += 1
            if self.count >= self.total:
                self.done.set()


class Stream:
    """One open stream: reads FastCGI records (or raw HTTP) and notes when each event id arrives."""

    def __init__(self, tracker, http):
        self.tracker = tracker
        self.http = http
        self.buffer = b""
        self.text = b""
        self.established = asyncio.Event()
        self.arrivals = {}

    def feed(self, data):
        if self.http:
            self.stdout(data)
            return
        self.buffer += data
        while len(self.buffer) >= 8:
            _, rtype, _, clen, plen, _ = struct.unpack(">BBHHBB", self.buffer[:8])
            if len(self.buffer) < 8 + clen + plen:
                return
            content = self.buffer[8:8 + clen]
            self.buffer = self.buffer[8 + clen + plen:]
            if rtype == STDOUT:
                self.stdout(content)
            elif rtype == END_REQUEST:
                raise ConnectionError("stream ended")

    def stdout(self, content):
        self.text += content
        if not self.established.is_set() and b"retry:" in self.text:
            self.established.set()
        now = time.time()
        for line in self.text.split(b"\n")[:-1]:
            if line.startswith(b"id: "):
                event_id = int(line[4:])
                if event_id not in self.arrivals:
                    self.arrivals[event_id] = now
                    self.tracker.arrived(event_id)
        self.text = self.text[self.text.rfind(b"\n") + 1:]


async def open_stream(args, payload, gate, streams, tracker):
    for attempt in range(50):
        try:
            async with gate:
                if args.http:
                    host, port = args.http.rsplit(":", 1)
                    reader, writer = await asyncio.open_connection(host, int(port))
                else:
                    reader, writer = await asyncio.open_unix_connection(args.socket)
                writer.write(payload)
                await writer.drain()
                s = Stream(tracker, bool(args.http))
                task = asyncio.ensure_future(pump(reader, s))
                await asyncio.wait_for(s.established.wait(), 60)
            streams.append((s, writer, task))
            return
        except (ConnectionError, OSError, asyncio.TimeoutError):
            await asyncio.sleep(0.05 * (attempt + 1))
    raise RuntimeError("could not open a stream after 50 attempts")


async def pump(reader, s):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                return
            s.feed(data)
    except ConnectionError:
        return


def http_request_bytes(cookie, last_event_id):
    return (f"GET /api/portal-events?last_event_id={last_event_id} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Accept: text/event-stream\r\nCookie: roch_portal={cookie}\r\n\r\n").encode()


def client(args, count, opened, go, results):
    """A client process: opens `count` streams, reports, waits for each update, reports arrivals."""
    async def main():
        streams = []
        tracker = Tracker(count)
        gate = asyncio.Semaphore(64)
        payload = (http_request_bytes if args.http else request_bytes)(args.cookie, args.last_event_id)
        await asyncio.gather(*(open_stream(args, payload, gate, streams, tracker) for _ in range(count)))
        opened.put(len(streams))
        loop = asyncio.get_running_loop()
        while True:
            expected = await loop.run_in_executor(None, go.get)
            if expected is None:
                break
            event_id, deadline = expected
            tracker.expect(event_id, [s for s, _, _ in streams])
            try:
                await asyncio.wait_for(tracker.done.wait(), max(0.1, deadline - time.time()))
            except asyncio.TimeoutError:
                pass
            results.put([s.arrivals.get(event_id) for s, _, _ in streams])
        for _, w, t in streams:
            w.close()
            t.cancel()
    asyncio.run(main())


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_ms(pid):
    """User + system CPU time the process (all its threads) has used, in ms."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--socket", help="the FastCGI responder's Unix socket")
    ap.add_argument("--http", help="host:port of an HTTP server (roch serve --in-process) instead of FastCGI")
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--cookie", required=True)
    ap.add_argument("--database-url", required=True)
    ap.add_argument("--booking", type=int, required=True)
    ap.add_argument("--last-event-id", type=int, default=0)
    ap.add_argument("--streams", type=int, default=1000)
    ap.add_argument("--updates", type=int, default=5)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--label", default="FastCGI responder")
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    rss_before = rss_kb(args.pid)
    opened, results = mp.Queue(), mp.Queue()
    gos = [mp.Queue() for _ in range(args.processes)]
    shares = [args.streams // args.processes + (1 if i < args.streams % args.processes else 0) for i in range(args.processes)]
    procs = [mp.Process(target=client, args=(args, n, opened, g, results)) for n, g in zip(shares, gos)]
    t_open = time.time()
    for p in procs:
        p.start()
    total = sum(opened.get(timeout=600) for _ in procs)
    open_seconds = time.time() - t_open
    time.sleep(1.0)  # let replays and allocations settle
    rss_open = rss_kb(args.pid)
    psql = subprocess.Popen(["psql", "-X", "-q", "-A", "-t", args.database_url], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, bufsize=1)
    psql.stdin.write("SELECT 1;\n")
    psql.stdout.readline()
    connections = None
    latencies_all, per_update = [], []
    for u in range(args.updates):
        cpu_server, cpu_clients = cpu_ms(args.pid), sum(cpu_ms(p.pid) for p in procs)
        t0 = time.time()
        psql.stdin.write(f"WITH e AS (INSERT INTO portal_events (booking_id, kind, title, body) VALUES ({args.booking}, 'vendor', "
                         f"'Bench update {u}', 'load test') RETURNING id, booking_id) "
                         f"SELECT id, pg_notify('portal', booking_id || ':' || id) FROM e;\n")
        event_id = int(psql.stdout.readline().split("|")[0])
        t_commit = time.time()
        for g in gos:
            g.put((event_id, time.time() + 30))
        arrivals = [a for _ in procs for a in results.get(timeout=120)]
        missing = sum(1 for a in arrivals if a is None)
        lat = [(a - t0) * 1000 for a in arrivals if a is not None]
        latencies_all += lat
        cpu_server, cpu_clients = cpu_ms(args.pid) - cpu_server, sum(cpu_ms(p.pid) for p in procs) - cpu_clients
        per_update.append((percentile(lat, 50), percentile(lat, 99), max(lat), missing, (t_commit - t0) * 1000, cpu_server, cpu_clients))
        if connections is None:
            psql.stdin.write("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid();\n")
            connections = int(psql.stdout.readline())
        time.sleep(1.0)
    for g in gos:
        g.put(None)
    for p in procs:
        p.join(timeout=60)
    psql.stdin.close()
    psql.wait()

    print(f"{args.label}: {total} concurrent SSE streams opened in {open_seconds:.1f} s "
          f"({args.processes} client processes; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    print(f"  responder RSS {rss_before / 1024:.1f} MiB idle -> {rss_open / 1024:.1f} MiB with {total} streams: "
          f"{(rss_open - rss_before) / max(total, 1):.1f} KiB per open stream")
    print(f"  database connections of the responder while streaming: {connections} (pool + one LISTEN), not one per stream")
    for i, (p50, p99, mx, missing, commit_ms, cpu_s, cpu_c) in enumerate(per_update):
        print(f"  update {i + 1}: commit took {commit_ms:.1f} ms; delivered to all {total - missing}/{total} streams: "
              f"p50 {p50:.0f} ms, p99 {p99:.0f} ms, last {mx:.0f} ms (from the start of the commit); "
              f"CPU used meanwhile: server {cpu_s:.0f} ms, load clients {cpu_c:.0f} ms")
    print(f"  all updates: p50 {percentile(latencies_all, 50):.0f} ms, p99 {percentile(latencies_all, 99):.0f} ms, "
          f"max {max(latencies_all):.0f} ms over {len(latencies_all)} deliveries")


if __name__ == "__main__":
    sys.exit(main())
