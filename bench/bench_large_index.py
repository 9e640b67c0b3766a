"""Large bases: the approximate vector index (FAISS IVF) at 100 000 and 1 000 000 synthetic passages.

Synthetic vectors of the e5 dimension (384), clustered like real passage embeddings (noisy points
around topic centres, L2-normalised); queries are fresh points from the same distribution.
Measured per size: build time (k-means training + adding), memory of the index, save and load
time, single-query search latency p50/p95 (one question at a time, as the bot asks) for the
approximate and the exact index, and recall@10 of the approximate index against exact search.

    python -m bench.bench_large_index                     # 100 000 and 1 000 000
    python -m bench.bench_large_index --sizes 100000      # quicker
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np

from bench.report import percentile, publish
from embeddings.vector_index import ApproximateParams, VectorIndex

DIM = 384


def rss_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * 4096


def clustered(n: int, rng: np.random.Generator, centres: np.ndarray, block: int = 200_000) -> np.ndarray:
    out = np.empty((n, centres.shape[1]), dtype=np.float32)
    for start in range(0, n, block):
        m = min(block, n - start)
        picks = rng.integers(0, len(centres), m)
        part = centres[picks] + rng.normal(scale=1.0 / np.sqrt(centres.shape[1]), size=(m, centres.shape[1])
                                           ).astype(np.float32)
        part /= np.linalg.norm(part, axis=1, keepdims=True)
        out[start : start + m] = part
    return out


def latencies_ms(index: VectorIndex, queries: np.ndarray, k: int = 60) -> list[float]:
    times = []
    for q in queries:
        started = time.perf_counter()
        index.search(q, k)
        times.append((time.perf_counter() - started) * 1000)
    return times


def run_size(n: int, params: ApproximateParams, n_queries: int, seed: int = 11) -> dict:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(max(50, n // 100), DIM)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    vectors = clustered(n, rng, centres)
    queries = clustered(n_queries, rng, centres)
    ids = np.arange(n, dtype=np.int64)
    gc.collect()
    before = rss_bytes()
    started = time.perf_counter()
    approx = VectorIndex(model_id="synthetic", dim=DIM, ids=ids, vectors=vectors, approximate=params)
    build_s = time.perf_counter() - started
    index_bytes = rss_bytes() - before  # the FAISS index (the vectors array existed before)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "vectors.npz"
        started = time.perf_counter()
        approx.save(path)
        save_s = time.perf_counter() - started
        file_bytes = path.stat().st_size
        del approx
        gc.collect()
        started = time.perf_counter()
        approx = VectorIndex.load(path, model_id="synthetic", dim=DIM, nprobe=params.nprobe)
        load_s = time.perf_counter() - started
    exact_index = faiss.IndexFlatIP(DIM)
    exact_index.add(vectors)
    _, truth = exact_index.search(queries, 10)
    found = 0
    for q, expected in zip(queries, truth):
        got = {i for i, _ in approx.search(q, 10)}
        found += len(got & {int(i) for i in expected})
    recall = found / (10 * len(queries))
    approx_ms = latencies_ms(approx, queries)
    exact = VectorIndex(model_id="synthetic", dim=DIM, ids=ids, vectors=vectors, prebuilt=exact_index)
    exact_ms = latencies_ms(exact, queries[: min(len(queries), 100)])
    return {
        "n": n, "nlist": params.lists_for(n), "nprobe": params.nprobe, "build_s": build_s, "save_s": save_s,
        "load_s": load_s, "index_mb": index_bytes / 2**20, "file_mb": file_bytes / 2**20, "recall": recall,
        "p50": percentile(approx_ms, 50), "p95": percentile(approx_ms, 95),
        "exact_p50": percentile(exact_ms, 50), "exact_p95": percentile(exact_ms, 95),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--nprobe", type=int, default=ApproximateParams().nprobe)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    params = ApproximateParams(min_vectors=1, nprobe=args.nprobe)
    rows = []
    for n in args.sizes:
        print(f"{n} vectors …", flush=True)
        row = run_size(n, params, args.queries)
        print(row, flush=True)
        rows.append(row)
    lines = [
        "## Large bases: approximate vector index (synthetic, dim 384)",
        "",
        "`python -m bench.bench_large_index`: clustered synthetic passage vectors (the e5 dimension), "
        f"{args.queries} fresh queries, one query at a time (as the bot searches), FAISS with "
        f"{faiss.omp_get_max_threads()} threads. The index becomes IVF-Flat (`nlist` = 4·√n k-means cells, "
        "`IKZ_IVF_NPROBE` cells searched) from `IKZ_APPROXIMATE_INDEX_MIN_VECTORS` (200 000) passages on; "
        "below that it stays exact. Recall@10 is against exact inner-product search.",
        "",
        "| passages | nlist / nprobe | build | index memory | file | save / load | p50 / p95 search (IVF) "
        "| p50 / p95 search (exact) | recall@10 |",
        "|---:|---|---:|---:|---:|---|---|---|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['n']:,} | {r['nlist']} / {r['nprobe']} | {r['build_s']:.1f} s | {r['index_mb']:.0f} MB "
            f"| {r['file_mb']:.0f} MB | {r['save_s']:.1f} s / {r['load_s']:.1f} s "
            f"| {r['p50']:.2f} / {r['p95']:.2f} ms | {r['exact_p50']:.1f} / {r['exact_p95']:.1f} ms | {r['recall']:.3f} |"
        )
    lines += ["", "Memory of a running replica at 1 M passages: the index plus the float32 vectors kept for exact "
              "rescoring of candidates (1.5 GB), the chunk map and BM25."]
    return publish("large-index", lines, write=not args.no_write)


if __name__ == "__main__":
    raise SystemExit(main())
