#!/usr/bin/env python3
"""Mixed load on a live Kura for a while: writers upsert and delete (ids cycle, so the data stays the same
size), readers run hybrid, lexical and vector queries and context requests. Samples the server's RSS every
second. Fails on any non-2xx answer or on memory that keeps growing after the warm-up."""
import http.client, json, random, sys, threading, time

host, port, pid, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
words = ("pods nodes drain service volume secret configmap ingress deployment replica scheduler taint toleration "
         "kubelet namespace label selector probe container image registry rollout").split()
stop = time.time() + seconds
lock = threading.Lock()
counts = {"requests": 0, "errors": 0}
errors = []


def call(conn, method, path, body=None):
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    data = r.read()
    with lock:
        counts["requests"] += 1
        if r.status >= 300 and not (method == "DELETE" and r.status == 404):
            counts["errors"] += 1
            errors.append(f"{method} {path} -> {r.status}: {data[:200]!r}")
    return data


def text(rng, n):
    return " ".join(rng.choice(words) for _ in range(n))


def writer(seed):
    rng, conn = random.Random(seed), http.client.HTTPConnection(host, port, timeout=60)
    while time.time() < stop:
        docs = [{"id": f"s{i}", "text": text(rng, 60), "metadata": {"n": rng.randrange(10)}} for i in rng.sample(range(300), 4)]
        call(conn, "POST", "/v1/collections/soak/documents", {"documents": docs})
        if rng.random() < 0.2:
            call(conn, "DELETE", f"/v1/collections/soak/documents/s{rng.randrange(300)}")


def reader(seed):
    rng, conn = random.Random(seed), http.client.HTTPConnection(host, port, timeout=60)
    vector = None
    while time.time() < stop:
        kind = rng.randrange(4)
        if kind == 0:
            call(conn, "POST", "/v1/collections/soak/query", {"query": text(rng, 6), "k": 10})
        elif kind == 1:
            call(conn, "POST", "/v1/collections/soak/query", {"query": text(rng, 3), "mode": "lexical", "filter": {"n": {"$lt": 5}}})
        elif kind == 2:
            if vector is None:
                vector = json.loads(call(conn, "POST", "/v1/embeddings", {"input": text(rng, 5)}))["data"][0]["embedding"]
            call(conn, "POST", "/v1/collections/soak/query", {"vector": vector, "k": 20})
        else:
            call(conn, "POST", "/v1/collections/soak/context", {"query": text(rng, 6), "budget_tokens": 400})


def rss_mb():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


conn = http.client.HTTPConnection(host, port, timeout=60)
conn.request("POST", "/v1/collections", body=json.dumps({"name": "soak"}), headers={"Content-Type": "application/json"})
conn.getresponse().read()
threads = [threading.Thread(target=writer, args=(i,)) for i in range(2)] + [threading.Thread(target=reader, args=(100 + i,)) for i in range(4)]
for t in threads:
    t.start()
samples = []
while any(t.is_alive() for t in threads):
    samples.append(rss_mb())
    time.sleep(1)
for t in threads:
    t.join()
# Growth: the mean of the last quarter against the mean of the second quarter (after the warm-up).
n = len(samples)
q2 = samples[n // 4: n // 2] or samples
q4 = samples[3 * n // 4:] or samples
early, late = sum(q2) / len(q2), sum(q4) / len(q4)
growing = late > early * 1.25 + 32
print(json.dumps({"suite": "soak", "seconds": seconds, "requests": counts["requests"], "errors": counts["errors"],
                  "rss_mb_start": round(samples[0], 1), "rss_mb_peak": round(max(samples), 1), "rss_mb_second_quarter": round(early, 1),
                  "rss_mb_last_quarter": round(late, 1), "memory_growing": growing}))
for e in errors[:10]:
    print("  " + e, file=sys.stderr)
sys.exit(1 if counts["errors"] or growing or counts["requests"] == 0 else 0)
