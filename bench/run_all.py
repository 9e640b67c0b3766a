"""Run every benchmark in turn; each writes its section of BENCHMARKS.md."""

from __future__ import annotations

import importlib
import sys

BENCHES = ["bench.bench_retrieval", "bench.bench_search", "bench.bench_bot_latency", "bench.bench_broadcast"]


def main() -> int:
    failed = []
    for name in BENCHES:
        print(f"== {name}", flush=True)
        try:
            importlib.import_module(name).main([])
        except ModuleNotFoundError as exc:
            print(f"   skipped ({exc})")
        except Exception as exc:  # noqa: BLE001 - keep going, report at the end
            print(f"   FAILED: {exc!r}")
            failed.append(name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
