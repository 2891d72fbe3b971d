"""Writes scale-10m.md and scale-10m.svg from bench-scale's 10M JSON lines.

    report_10m.py RESULTS_DIR

Reads store-10m.jsonl (`kura bench store`: ingest, open, search, compaction) and scale-10m-limits.jsonl
(`kura bench ann --load SEGMENT --memory-limit L`, a "limit" field added to each line).
"""
import json, os, platform, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peers"))
from peers import svg  # noqa: E402


def lines(path):
    return [json.loads(l) for l in open(path) if l.strip().startswith("{")]


def main():
    out = sys.argv[1]
    store = lines(os.path.join(out, "store-10m.jsonl"))
    limits = lines(os.path.join(out, "scale-10m-limits.jsonl"))
    by = lambda phase: [r for r in store if r.get("phase") == phase]
    ingest, opened, compact = by("ingest")[0], by("open")[0], by("compact")[0]
    searches = {r["index"]: r for r in by("search")}
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    o = ["# 10M vectors on one node (`make bench-scale` with `SCALE=10m`)", "",
         f"10,000,000 × 384 from `make.py 10000000 --block 250000`, docs384's 1,000 dev queries, M 16, ef_construction 200, k 10. "
         f"CPU: {cpu}, 2 cores. Upserts of 1,000 pre-embedded vectors at a time into a fresh collection, sealed every 50k rows; "
         "a seal that leaves more than 8 segments merges them into the largest one's graph.", "",
         "## Building", "",
         "| phase | seconds | rate | anonymous memory peak |", "|---|---|---|---|",
         f"| ingest, merges included | {ingest['seconds']:.0f} | {ingest['vectors_per_s']:.0f} vectors/s | {by('ingest-round')[0]['anon_peak'] / 1e9:.2f} GB |",
         f"| compaction (after ingest) | {compact['seconds']:.0f} | — | {compact['anon_peak'] / 1e9:.2f} GB (before: {compact['anon_before'] / 1e9:.2f}) |",
         f"| **build plus compaction** | **{ingest['seconds'] + compact['seconds']:.0f}** ({(ingest['seconds'] + compact['seconds']) / 3600:.2f} h) | | |", "",
         f"Open: {opened['ms_median']:.1f} ms median of 5 ({opened['segments']} segments, {opened['vectors']:,} vectors).", "",
         "| searched | segments | ef | recall@10 | QPS | p50 µs | p99 µs |", "|---|---|---|---|---|---|---|"]
    for name in ("sealed", "compacted"):
        if name in searches:
            r = searches[name]
            o.append(f"| {name} (no memory limit) | {r['segments']} | {r['ef']} | {r['recall']:.4f} | {r['qps']:.0f} | {r['p50_us']:.0f} | {r['p99_us']:.0f} |")
    o += ["", "## The compacted segment inside a memory cgroup (`kura bench ann --load SEGMENT --truth-offset 1 --memory-limit L "
          "--rescore R`, 1 thread)", "",
          "R is the number of f32 rows re-scored per result after the int8 walk (k 10: 10 R rows per query).", "",
          "| limit | R | ef | recall@10 | QPS | p50 µs | p99 µs |", "|---|---|---|---|---|---|---|"]
    series = {}
    for r in limits:
        if "ef" in r:
            o.append(f"| {r['limit']} | {r.get('rescore', 2)} | {r['ef']} | {r['recall']:.4f} | {r['qps']:.0f} | {r['p50_us']:.0f} | {r['p99_us']:.0f} |")
            series.setdefault(f"{r['limit']}, R {r.get('rescore', 2)}", []).append({"recall": r["recall"], "qps": r["qps"]})
    o += ["", "| limit | R | segment file GB | load s | cgroup peak GB | anonymous GB | file GB |", "|---|---|---|---|---|---|---|"]
    load = None
    for r in limits:  # each run writes its load line first and its memory line last
        if "index_bytes" in r:
            load = r
        elif "cgroup_peak" in r and load:
            o.append(f"| {r['limit']} | {r.get('rescore', 2)} | {load['index_bytes'] / 1e9:.1f} | {load['build_s']:.3f} | "
                     f"{r['cgroup_peak'] / 1e9:.2f} | {r['cgroup_anon'] / 1e9:.2f} | {r['cgroup_file'] / 1e9:.2f} |")
    for r in limits:  # a run stopped by hand: what it had read when it was stopped
        if "stopped_after_s" in r:
            read = f", having read {r['read_bytes'] / 1e9:.0f} GB from disk ({r['read_bytes'] / r['stopped_after_s'] / 1e6:.0f} MB/s)" if "read_bytes" in r else ""
            o += ["", f"Under {r['limit']} (R {r.get('rescore', 2)}) the run was stopped after {r['stopped_after_s'] / 60:.1f} min{read}: {r.get('note', '')}."]
    o += ["", "![recall against QPS under memory limits](scale-10m.svg)", ""]
    with open(os.path.join(out, "scale-10m.md"), "w") as f:
        f.write("\n".join(o))
    if series:
        svg([{"lib": f"Kura 10M, {k}", "points": v} for k, v in series.items()], os.path.join(out, "scale-10m.svg"), "10M")


if __name__ == "__main__":
    main()
