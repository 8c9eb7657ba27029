"""Server-Sent Events through each runtime: /api/health/stream sends `retry:` then n ticks ~100 ms apart.
The check is only that events arrive separately (one read each), not how fast."""
from httpclient import events_per_read, stream_reads


def ticks(reads) -> list[bytes]:
    data = b"".join(c for _, c in reads)
    return [line for line in data.split(b"\n") if line.startswith(b"id: ")]


def test_events_arrive_one_by_one_through_nginx_fastcgi(fastcgi_nginx):
    reads = stream_reads(fastcgi_nginx, "/api/health/stream?n=5")
    assert ticks(reads) == [b"id: %d" % i for i in range(1, 6)]
    assert events_per_read(reads) == [1, 1, 1, 1, 1]


def test_events_arrive_one_by_one_through_roch_serve_cgi(serve_cgi):
    reads = stream_reads(serve_cgi, "/api/health/stream?n=5")
    assert ticks(reads) == [b"id: %d" % i for i in range(1, 6)]
    assert events_per_read(reads) == [1, 1, 1, 1, 1]


def test_events_arrive_one_by_one_through_roch_serve_in_process(serve_in_process):
    reads = stream_reads(serve_in_process, "/api/health/stream?n=5")
    assert events_per_read(reads) == [1, 1, 1, 1, 1]


def test_stock_fcgiwrap_buffers_the_stream(cgi_nginx):
    """Documented limitation (DESIGN.md, deploy/README.md): fcgiwrap holds CGI output back, so the
    events arrive together at the end even with fastcgi_buffering off. Deploy SSE as native FastCGI."""
    reads = stream_reads(cgi_nginx, "/api/health/stream?n=5")
    assert ticks(reads) == [b"id: %d" % i for i in range(1, 6)]
    assert max(events_per_read(reads)) > 1
