"""Shared by the reliability fuzzers: a kept-alive HTTP client, the rule every answer is checked against,
per-family counts, and JSON values at the extremes.

The rule: no 5xx but a 502/503/504 whose JSON message names the server upstream; every error a JSON body
with a message; every answer that promises JSON (all but /metrics, /openapi.yaml, event streams and 202s)
parses as JSON; an event stream's events are JSON or [DONE]; the connection is never dropped."""
import http.client
import json
import sys
import threading

# Numbers every integer or number field is set to in turn (issue: 0, -1, 2^31, 2^53+1, 2^63-1, -2^63,
# 1e300, -1e300, 1e-320, 0.5), as JSON text so that their exact spelling reaches the server.
EXTREMES = ["0", "-1", "2147483648", "9007199254740993", "9223372036854775807", "-9223372036854775808",
            "1e300", "-1e300", "1e-320", "0.5", "-0", "1E+2", "18446744073709551616", "1e400"]
UPSTREAM_WORDS = ("inference server", "model server", "embedding server", "embedder", "upstream")


def family(path):
    if path.startswith("/mcp"):
        return "mcp"
    if path.startswith("/v1/chat"):
        return "chat"
    if path.startswith("/v1/embeddings") or path.startswith("/v1/models"):
        return "embeddings"
    if path.startswith("/v1/collections"):
        return "kura"
    if path in ("/healthz", "/readyz", "/metrics", "/openapi.yaml"):
        return "probes"
    return "kaito"


class Client:
    """One kept-alive connection per thread."""

    def __init__(self, host, port, timeout=60):
        self.host, self.port, self.timeout = host, port, timeout
        self.local = threading.local()

    def send(self, method, path, body=b"", headers=None):
        h = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
        h.update(headers or {})
        for attempt in (0, 1):
            c = getattr(self.local, "c", None)
            if c is None:
                c = self.local.c = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                c.request(method, path, body=body, headers=h)
                r = c.getresponse()
                return r.status, r.getheader("Content-Type") or "", r.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # A server may close a kept-alive connection between requests; a fresh one must answer.
                c.close()
                self.local.c = None
                if attempt:
                    raise
            except Exception:
                # A timeout leaves the connection mid-request: the next request needs a fresh one.
                c.close()
                self.local.c = None
                raise


class Tally:
    """Requests and failures by route family."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests, self.server_errors, self.failures = {}, {}, []

    def add(self, fam, problem, detail):
        with self.lock:
            self.requests[fam] = self.requests.get(fam, 0) + 1
            if problem:
                if problem.startswith("5xx"):
                    self.server_errors[fam] = self.server_errors.get(fam, 0) + 1
                if len(self.failures) < 50:
                    self.failures.append(f"{fam}: {problem}: {detail}")

    @property
    def total(self):
        return sum(self.requests.values())

    def summary(self, suite, **extra):
        return json.dumps({"suite": suite, "requests": self.total, "by_family": dict(sorted(self.requests.items())),
                           "disallowed_5xx": sum(self.server_errors.values()), "failures": len(self.failures), **extra})


def problem(method, path, status, content_type, data):
    """What is wrong with an answer, or None."""
    if status == 202:
        return None
    if "text/event-stream" in content_type:
        if status != 200:
            return f"an event stream with status {status}"
        for event in data.decode("utf-8", "replace").split("\n\n"):
            event = event.strip()
            if not event:
                continue
            if not event.startswith("data: "):
                return f"an event that is not data: {event[:80]!r}"
            payload = event[6:]
            if payload != "[DONE]":
                try:
                    json.loads(payload)
                except ValueError:
                    return f"an event that is not JSON: {payload[:80]!r}"
        return None
    promises_json = not (method == "GET" and path.split("?")[0] in ("/metrics", "/openapi.yaml"))
    body = None
    if promises_json or status >= 400:
        try:
            body = json.loads(data)
        except ValueError:
            return f"{status} with a body that is not JSON: {data[:120]!r}"
    if status >= 400:
        message = None
        if isinstance(body, dict):
            err = body.get("error")
            message = body.get("detail") or (err.get("message") if isinstance(err, dict) else None)
        if not message:
            return f"{status} without an error message: {data[:120]!r}"
        if status >= 500 and not (status in (502, 503, 504) and any(w in message for w in UPSTREAM_WORDS)):
            return f"5xx {status}: {message[:160]}"
    return None


def check(client, tally, method, path, body=b"", headers=None):
    """Sends one request, checks its answer, counts it; returns (status, parsed JSON or None)."""
    fam = family(path)
    try:
        status, ctype, data = client.send(method, path, body, headers)
    except Exception as e:  # a dropped connection or a timeout is a failure
        tally.add(fam, "no answer", f"{method} {path[:80]}: {e!r}")
        return None, None
    p = problem(method, path, status, ctype, data)
    tally.add(fam, p, f"{method} {path[:80]} {body[:160]!r}")
    try:
        return status, json.loads(data) if "json" in ctype else None
    except ValueError:
        return status, None


def alive(client):
    try:
        return client.send("GET", "/healthz")[0] == 200
    except Exception:
        return False


def seed_collection(client, tally):
    """The collection `fz` with one document, which the fuzzers search and chat over."""
    check(client, tally, "POST", "/v1/collections", b'{"name": "fz"}')
    check(client, tally, "POST", "/v1/collections/fz/documents", b'{"documents": [{"id": "d1", "text": "kubectl drain evicts pods"}]}')


def finish(client, tally, suite, more_failures=(), **fields):
    """Prints the summary and the failures; exits 1 if there was any or the server stopped answering."""
    ok = alive(client)
    print(tally.summary(suite, **fields, alive=ok))
    for f in list(tally.failures) + list(more_failures):
        print("  " + f, file=sys.stderr)
    sys.exit(1 if tally.failures or more_failures or not ok else 0)
