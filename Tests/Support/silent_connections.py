"""Opens many silent connections to `tonghop serve` (run with 1,024 file descriptors, as
systemd gives by default) and times how long /health takes to answer while they are open.

  silent_connections.py TONGHOP --db DB --templates DIR --template ID [--count 1100]
                        [--idle-timeout 2] [--limit 30]

Prints one JSON line: {"health_seconds": s or null, "closed_by_server": n, "opened": n}.
Exit status 0 when /health answered within --limit seconds, 1 otherwise. Bounded: every
socket is closed and the server stopped before it returns."""
import argparse, http.client, json, resource, signal, socket, subprocess, sys, time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tonghop")
    ap.add_argument("--db", required=True)
    ap.add_argument("--templates", required=True)
    ap.add_argument("--template", required=True)
    ap.add_argument("--count", type=int, default=1100)
    ap.add_argument("--idle-timeout", type=int, default=2)
    ap.add_argument("--limit", type=float, default=30)
    a = ap.parse_args()

    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()

    def lower_fd_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))

    proc = subprocess.Popen([a.tonghop, "serve", "--port", str(port), "--db", a.db, "--templates", a.templates,
                             "--template", a.template, "--idle-timeout", str(a.idle_timeout)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=lower_fd_limit)
    socks = []
    result = {"health_seconds": None, "closed_by_server": 0, "opened": 0}
    try:
        if not health(port, 20):
            print(json.dumps({"error": "server did not start"})); return 1
        for _ in range(a.count):
            c = socket.socket()
            c.setblocking(False)
            try:
                c.connect(("127.0.0.1", port))
            except BlockingIOError:
                pass
            socks.append(c)
        result["opened"] = len(socks)
        time.sleep(0.5)
        start = time.monotonic()
        if health(port, a.limit):
            result["health_seconds"] = round(time.monotonic() - start, 2)
        # The silent ones the server has closed by now (EOF or reset on read).
        for c in socks:
            try:
                if c.recv(1) == b"":
                    result["closed_by_server"] += 1
            except BlockingIOError:
                pass
            except OSError:
                result["closed_by_server"] += 1
    finally:
        for c in socks:
            c.close()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    print(json.dumps(result))
    return 0 if result["health_seconds"] is not None else 1


def health(port, limit):
    """True once GET /health answers 200 within `limit` seconds (each try 2 s at most)."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/health")
            ok = c.getresponse().status == 200
            c.close()
            if ok:
                return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


if __name__ == "__main__":
    sys.exit(main())
