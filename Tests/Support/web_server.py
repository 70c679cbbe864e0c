"""Starts and stops `tonghop serve` for the browser and load tests."""
import http.client, signal, socket, subprocess, time


def start(tonghop, args, env, cwd, log):
    """`tonghop serve ARGS --port <free port>` on loopback, once /health answers; (process, port)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    proc = subprocess.Popen([tonghop, "serve", "--port", str(port)] + args, env=env, cwd=cwd,
                            stdout=subprocess.DEVNULL, stderr=open(log, "w"))
    for _ in range(200):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/health")
            if c.getresponse().status == 200:
                return proc, port
        except OSError:
            time.sleep(0.05)
    stop(proc)
    raise SystemExit("tonghop serve did not answer on /health (see %s)" % log)


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
