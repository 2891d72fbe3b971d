#!/usr/bin/env python3
"""Runs hnswlib, faiss-cpu and usearch on the files `kura bench ann` uses, with the same M, ef_construction,
ef list, k and thread counts, then prints one table comparing them with Kura's JSON lines. usearch runs in
f32, or with `usearch-bf16`, `usearch-f16`, `usearch-i8` in that storage (its own quantisation).

Each library runs in its own subprocess so that its memory is measured alone. Per-query time comes from
each library's batched search on the given threads (QPS = queries / wall time of the batch).
"""
import argparse, json, math, os, resource, subprocess, sys, time

import numpy as np



def cpu_name():
    """The CPU model and its AVX-512 extensions, as /proc/cpuinfo names them."""
    try:
        lines = open("/proc/cpuinfo").read().splitlines()
    except OSError:
        return "unknown CPU"
    model = next((l.split(":", 1)[1].strip() for l in lines if l.startswith("model name")), "unknown CPU")
    flags = next((l.split(":", 1)[1].split() for l in lines if l.startswith("flags")), [])
    ext = sorted(f for f in flags if f.startswith("avx512") or f in ("avx2", "avx_vnni"))
    return f"{model}, {' '.join(ext) or 'no AVX2'}"

def load_vectors(path):
    if path.endswith(".npy"):
        return np.ascontiguousarray(np.load(path).astype(np.float32))
    raw = np.fromfile(path, dtype=np.int32)
    d = raw[0]
    return np.ascontiguousarray(raw.reshape(-1, d + 1)[:, 1:].view(np.float32))


def load_ivecs(path):
    raw = np.fromfile(path, dtype=np.int32)
    return raw.reshape(-1, raw[0] + 1)[:, 1:]


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def recall(found, truth, k):
    hits = sum(len(set(f[:k]) & set(t[:k])) for f, t in zip(found, truth))
    return hits / (len(truth) * k)


def run_one(lib, a):
    X, Q = load_vectors(a.base), load_vectors(a.queries)
    T = load_ivecs(a.truth)[:, : a.k]
    n, d = X.shape
    out = []
    rss0 = rss_bytes()
    if lib == "hnswlib":
        import hnswlib
        idx = hnswlib.Index(space="ip", dim=d)
        idx.init_index(max_elements=n, ef_construction=a.ef_construction, M=a.m)
        idx.set_num_threads(a.build_threads)
        t0 = time.perf_counter(); idx.add_items(X, np.arange(n)); build = time.perf_counter() - t0
        idx.set_num_threads(a.threads)

        def search(ef):
            idx.set_ef(max(ef, a.k)); return idx.knn_query(Q, k=a.k)[0]
    elif lib == "faiss":
        import faiss
        faiss.omp_set_num_threads(a.build_threads)
        idx = faiss.IndexHNSWFlat(d, a.m, faiss.METRIC_INNER_PRODUCT)
        idx.hnsw.efConstruction = a.ef_construction
        t0 = time.perf_counter(); idx.add(X); build = time.perf_counter() - t0
        faiss.omp_set_num_threads(a.threads)

        def search(ef):
            idx.hnsw.efSearch = max(ef, a.k); return idx.search(Q, a.k)[1]
    elif lib == "usearch" or lib.startswith("usearch-"):
        from usearch.index import Index
        dtype = lib.split("-")[1] if "-" in lib else "f32"
        idx = Index(ndim=d, metric="ip", dtype=dtype, connectivity=a.m, expansion_add=a.ef_construction)
        t0 = time.perf_counter(); idx.add(np.arange(n), X, threads=a.build_threads); build = time.perf_counter() - t0

        def search(ef):
            idx.expansion_search = max(ef, a.k); return idx.search(Q, a.k, threads=a.threads).keys
    elif lib == "hnswlib-load":
        # Kura's open-a-sealed-collection figure has this as its peer: how long hnswlib takes to load a saved index.
        import hnswlib, tempfile
        idx = hnswlib.Index(space="ip", dim=d)
        idx.init_index(max_elements=n, ef_construction=a.ef_construction, M=a.m)
        idx.set_num_threads(a.threads)
        idx.add_items(X, np.arange(n))
        path = os.path.join(tempfile.mkdtemp(), "hnswlib.bin")
        idx.save_index(path)
        del idx
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            loaded = hnswlib.Index(space="ip", dim=d)
            loaded.load_index(path, max_elements=n)
            times.append((time.perf_counter() - t0) * 1000)
            del loaded
        os.remove(path)
        return {"lib": lib, "load_ms_median": sorted(times)[2], "load_ms_min": min(times), "file_bytes": None}
    elif lib == "faiss-flat":
        import faiss
        faiss.omp_set_num_threads(a.threads)
        idx = faiss.IndexFlatIP(d); idx.add(X)
        idx.search(Q[:10], a.k)
        s = float("inf")
        for _ in range(3):  # best of three, as Kura's --exact
            t0 = time.perf_counter(); _, I = idx.search(Q, a.k); s = min(s, time.perf_counter() - t0)
        return {"lib": lib, "exact_qps": len(Q) / s, "recall": recall(I, T, a.k)}
    else:
        raise SystemExit(f"unknown library {lib}")
    mem = rss_bytes() - rss0
    search(a.efs[0])  # warm up
    for ef in a.efs:
        t0 = time.perf_counter(); I = search(ef); s = time.perf_counter() - t0
        out.append({"ef": ef, "recall": recall(I, T, a.k), "qps": len(Q) / s})
    return {"lib": lib, "build_s": build, "mem_bytes": mem, "points": out}


def qps_at(points, target):
    """QPS at a recall target, interpolated (log QPS, linear recall) between neighbouring points."""
    pts = sorted((p["recall"], p["qps"]) for p in points)
    for (r0, q0), (r1, q1) in zip(pts, pts[1:]):
        if r0 <= target <= r1:
            if r1 == r0:
                return max(q0, q1)
            f = (target - r0) / (r1 - r0)
            return math.exp(math.log(q0) + f * (math.log(q1) - math.log(q0)))
    if pts and pts[0][0] >= target:
        return pts[0][1]
    return None


def read_kura(path):
    build, points, exact = {}, [], None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            o = json.loads(line)
            if "build_s" in o:
                build = o
            elif "exact_qps" in o:
                exact = o["exact_qps"]
            elif "ef" in o:
                points.append(o)
    return {"lib": "kura", "build_s": build.get("build_s"), "mem_bytes": build.get("index_bytes"), "points": points, "exact_qps": exact}


def fmt(x, spec):
    return "—" if x is None else format(x, spec)


def table(results, flat, kura):
    rows = ["| library | QPS @ recall 0.95 | QPS @ recall 0.99 | build s | memory MB | Kura ÷ it @0.95 | Kura ÷ it @0.99 | its build s ÷ Kura's |",
            "|---|---|---|---|---|---|---|---|"]
    k95, k99 = qps_at(kura["points"], 0.95), qps_at(kura["points"], 0.99)
    for r in [kura] + results:
        q95, q99 = qps_at(r["points"], 0.95), qps_at(r["points"], 0.99)
        ratio = lambda a, b: f"{a / b:.2f}×" if a and b else "—"
        rows.append(f"| {r['lib']} | {fmt(q95, '.0f')} | {fmt(q99, '.0f')} | {fmt(r['build_s'], '.1f')} | "
                    f"{fmt((r['mem_bytes'] or 0) / 1e6, '.0f')} | {ratio(k95, q95)} | {ratio(k99, q99)} | "
                    f"{ratio(r['build_s'], kura['build_s'])} |")
    if flat:
        ke = kura.get("exact_qps")
        rows.append("")
        rows.append("| exact search (batched, all queries) | QPS | Kura ÷ it |")
        rows.append("|---|---|---|")
        rows.append(f"| kura (OpenBLAS sgemm) | {fmt(ke, '.0f')} | 1.00× |")
        fe = flat["exact_qps"]
        rows.append(f"| faiss IndexFlatIP | {fmt(fe, '.0f')} | {f'{ke / fe:.2f}×' if ke else '—'} |")
    return "\n".join(rows)


def svg(series, path, title="docs384"):
    """Recall (x) against QPS (y, log scale), one polyline per library."""
    W, H, L, R, T, B = 720, 480, 70, 170, 40, 50
    pts = [p for s in series for p in s["points"] if p["qps"] > 0]
    x0 = math.floor(min(min(p["recall"] for p in pts), 0.9) * 50) / 50
    y0 = 10 ** math.floor(math.log10(min(p["qps"] for p in pts)))
    y1 = 10 ** math.ceil(math.log10(max(p["qps"] for p in pts)))
    px = lambda r: L + (r - x0) / (1 - x0) * (W - L - R)
    py = lambda q: H - B - (math.log10(q) - math.log10(y0)) / (math.log10(y1) - math.log10(y0)) * (H - T - B)
    colors = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]
    o = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
         '<rect width="100%" height="100%" fill="white"/>',
         f'<text x="{W / 2 - 120}" y="22" font-size="15">{title}: recall@10 vs QPS (1 thread)</text>']
    r = x0
    while r <= 1.0001:
        o.append(f'<line x1="{px(r):.1f}" y1="{T}" x2="{px(r):.1f}" y2="{H - B}" stroke="#eee"/><text x="{px(r) - 12:.1f}" y="{H - B + 16}">{r:.2f}</text>')
        r += 0.02
    q = y0
    while q <= y1 * 1.0001:
        o.append(f'<line x1="{L}" y1="{py(q):.1f}" x2="{W - R}" y2="{py(q):.1f}" stroke="#eee"/><text x="{L - 55}" y="{py(q) + 4:.1f}">{int(q)}</text>')
        q *= 10
    o.append(f'<text x="{W / 2 - 40}" y="{H - 12}">recall@10</text>')
    o.append(f'<text x="14" y="{H / 2}" transform="rotate(-90 14 {H / 2})">queries/s (log)</text>')
    for i, s in enumerate(series):
        c = colors[i % len(colors)]
        ps = sorted((p for p in s["points"] if p["recall"] >= x0), key=lambda p: p["recall"])
        o.append(f'<polyline fill="none" stroke="{c}" stroke-width="2" points="' + " ".join(f"{px(p['recall']):.1f},{py(p['qps']):.1f}" for p in ps) + '"/>')
        o += [f'<circle cx="{px(p["recall"]):.1f}" cy="{py(p["qps"]):.1f}" r="3" fill="{c}"/>' for p in ps]
        ly = T + 20 + 20 * i
        o.append(f'<line x1="{W - R + 15}" y1="{ly}" x2="{W - R + 35}" y2="{ly}" stroke="{c}" stroke-width="2"/><text x="{W - R + 40}" y="{ly + 4}">{s["lib"]}</text>')
    o.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(o) + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--base", required=True); p.add_argument("--queries", required=True); p.add_argument("--truth", required=True)
    p.add_argument("--m", type=int, default=16); p.add_argument("--ef-construction", type=int, default=200)
    p.add_argument("--ef", default="10,16,24,32,48,64,96,128,192,256"); p.add_argument("--k", type=int, default=10)
    p.add_argument("--threads", type=int, default=1, help="query threads")
    p.add_argument("--build-threads", type=int, help="build threads (default: --threads)")
    p.add_argument("--name", default="ann-docs384", help="file name of the table and plot in --out")
    p.add_argument("--libs", default="hnswlib,faiss,usearch,faiss-flat")
    p.add_argument("--kura-json", help="Kura's `bench ann --json` output, to put in the same table")
    p.add_argument("--kura-json-2t", help="Kura's output for a 2-thread build, for the build speed-up line")
    p.add_argument("--out", help="folder for the markdown table and the SVG plot")
    p.add_argument("--one", help=argparse.SUPPRESS)
    a = p.parse_args()
    a.efs = [int(x) for x in a.ef.split(",")]
    a.build_threads = a.build_threads or a.threads
    if a.one:
        print(json.dumps(run_one(a.one, a)))
        return
    results, flat = [], None
    for lib in a.libs.split(","):
        args = [sys.executable, __file__, "--one", lib] + [x for kv in vars(a).items() if kv[0] in ("base", "queries", "truth")
                                                          for x in (f"--{kv[0]}", kv[1])]
        args += ["--m", str(a.m), "--ef-construction", str(a.ef_construction), "--ef", a.ef, "--k", str(a.k), "--threads", str(a.threads),
                 "--build-threads", str(a.build_threads)]
        r = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
        print(f"# {lib}: {json.dumps(r)}", file=sys.stderr)
        if lib == "faiss-flat":
            flat = r
        else:
            results.append(r)
    kura = read_kura(a.kura_json) if a.kura_json else {"lib": "kura", "build_s": None, "mem_bytes": None, "points": [], "exact_qps": None}
    text = table(results, flat, kura)
    if a.kura_json_2t and kura["build_s"]:
        b2 = read_kura(a.kura_json_2t)["build_s"]
        text += f"\n\nKura build: {kura['build_s']:.1f} s on 1 thread, {b2:.1f} s on 2 threads: {kura['build_s'] / b2:.2f}× faster."
    print(text)
    if a.out:
        os.makedirs(a.out, exist_ok=True)
        head = (f"# ANN benchmark: {os.path.basename(os.path.dirname(os.path.abspath(a.base)))}\n\n"
                f"M={a.m}, ef_construction={a.ef_construction}, k={a.k}, query threads={a.threads}, build threads={a.build_threads}, "
                f"ef={a.ef}. "
                f"Kura and its peers ran back to back on this machine ({cpu_name()}); only the ratios matter.\n\n")
        curves = "\n\n## Curves\n\n| library | ef | recall | QPS |\n|---|---|---|---|\n" + "\n".join(
            f"| {r['lib']} | {p['ef']} | {p['recall']:.4f} | {p['qps']:.0f} |" for r in [kura] + results for p in r["points"])
        with open(os.path.join(a.out, a.name + ".md"), "w") as f:
            f.write(head + text + curves + f"\n\n![recall against QPS]({a.name}.svg)\n")
        title = os.path.basename(os.path.dirname(os.path.abspath(a.base)))
        svg([kura] + results if kura["points"] else results, os.path.join(a.out, a.name + ".svg"), title)


if __name__ == "__main__":
    main()
