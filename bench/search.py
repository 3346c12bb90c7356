"""Search benchmark: /api/search against a SPARQL regex over labels, on the ~1M-triple benchmark graph.

Run from the repository root:

    .venv/bin/python bench/search.py [--scale 0.48] [--rounds 12] [--out bench/out]

It builds the foundation benchmark's synthetic graph (bench/foundation.py's generator; scale 0.48 gives
about 1M triples), loads it with `cpms-kg load` and `cpms-kg init` (ontology, shipped schemes, demo
standards), then measures in one run, for zh words, en words and code prefixes:

* the index build time (in-process, and the first search of a fresh `cpms-kg serve`);
* p50 / p95 of the search service called in-process (`SearchService.search`);
* p50 / p95 of `GET /api/search` on a real `cpms-kg serve` on a free loopback port;
* p50 / p95 of the baseline through the same server's `GET /sparql`: `FILTER(REGEX(STR(?label), q, "i"))`
  over skos:prefLabel (for a code, `REGEX(STR(?code), "^q", "i")` over skos:notation), `LIMIT 20`.

The baseline is the cheapest form of a regex search, unranked and without a total, so the ratio is
conservative. Queries run round-robin, one request at a time on a keep-alive connection. The target is
p95 < 20 ms for zh and en queries through HTTP. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx
import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))

import foundation  # bench/foundation.py: the graph generator and the process helpers

from cpms_kg.search import SearchQuery, SearchService
from cpms_kg.store.embedded import EmbeddedStore

SKOS = "http://www.w3.org/2004/02/skos/core#"
TARGET_MS = 20.0

QUERIES: dict[str, tuple[str, ...]] = {
    # Words of the shipped schemes (units have zh labels), the demo standards and the generated tree.
    "zh": ("轴承", "球轴承", "深沟轴承", "牛顿", "螺栓", "类目", "千克", "公称直径", "类目 0103", "滚子"),
    "en": (
        "bearings",
        "roller bearings",
        "bear",
        "kilogram",
        "category",
        "steel",
        "hexagon socket",
        "level 4",
        "category 0103",
        "newton",
    ),
    # Codes of CPC, HS, units, the demo standards and the generated tree ("0": every generated concept).
    "code": ("4331", "8482", "0103", "01020304", "KiloGM", "RB01", "84", "0"),
}


@dataclass
class Timing:
    samples_ms: list[float] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return foundation.percentile(sorted(self.samples_ms), 0.50)

    @property
    def p95(self) -> float:
        return foundation.percentile(sorted(self.samples_ms), 0.95)


@dataclass
class PerQuery:
    group: str
    q: str
    total: int = 0
    """Hits the search counts."""
    regex_rows: int = 0
    """Rows of the regex baseline (at most 20)."""
    service: Timing = field(default_factory=Timing)
    http: Timing = field(default_factory=Timing)
    regex: Timing = field(default_factory=Timing)


def _regex_literal(text: str, *, anchored: bool) -> str:
    """An XPath regex matching `text` literally, as a SPARQL string literal."""
    escaped = "".join("\\" + ch if ch in r"\.^$|?*+()[]{}-" else ch for ch in text)
    pattern = ("^" if anchored else "") + escaped
    return '"' + pattern.replace("\\", "\\\\").replace('"', '\\"') + '"'


def baseline_query(group: str, q: str) -> str:
    if group == "code":
        return (
            f"SELECT ?c ?code WHERE {{ ?c <{SKOS}notation> ?code "
            f'FILTER(REGEX(STR(?code), {_regex_literal(q, anchored=True)}, "i")) }} LIMIT 20'
        )
    return (
        f"SELECT ?c ?label WHERE {{ ?c <{SKOS}prefLabel> ?label "
        f'FILTER(REGEX(STR(?label), {_regex_literal(q, anchored=False)}, "i")) }} LIMIT 20'
    )


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def measure_in_process(store_dir: Path, runs: list[PerQuery], rounds: int) -> tuple[float, int]:
    """Builds the index and times the service call for every query; returns the build time (s) and the
    number of entries indexed."""
    store = EmbeddedStore(store_dir, base_iri=foundation.BASE, query_workers=1)
    try:
        service = SearchService()
        built = service.current(store)
        for _ in range(rounds):
            for run in runs:
                query = SearchQuery.parse(run.q)
                start = time.perf_counter()
                page = service.search(store, query)
                run.service.samples_ms.append(_ms(start))
                run.total = page.total
        return built.seconds, len(built.index)
    finally:
        store.close()


def measure_http(url: str, runs: list[PerQuery], rounds: int) -> float:
    """Times /api/search and the regex baseline; returns the first search's time (the server builds its index)."""
    accept = {"Accept": "application/sparql-results+json"}
    with httpx.Client(base_url=url, timeout=120.0) as client:
        start = time.perf_counter()
        client.get("/api/search", params={"q": "warm-up"}).raise_for_status()
        first_s = time.perf_counter() - start
        for run in runs:  # one untimed call each: connection and worker warm-up
            client.get("/sparql", params={"query": baseline_query(run.group, run.q)}, headers=accept)
        for _ in range(rounds):
            for run in runs:
                start = time.perf_counter()
                response = client.get("/api/search", params={"q": run.q})
                run.http.samples_ms.append(_ms(start))
                response.raise_for_status()
                if response.json()["total"] != run.total:
                    raise RuntimeError(f"/api/search {run.q!r} counts differently from the in-process service")
                start = time.perf_counter()
                response = client.get("/sparql", params={"query": baseline_query(run.group, run.q)}, headers=accept)
                run.regex.samples_ms.append(_ms(start))
                response.raise_for_status()
                run.regex_rows = len(response.json()["results"]["bindings"])
    return first_s


def _group(runs: list[PerQuery], groups: tuple[str, ...], system: str) -> Timing:
    return Timing([ms for run in runs if run.group in groups for ms in getattr(run, system).samples_ms])


def report(runs: list[PerQuery], info: dict[str, object]) -> list[dict[str, object]]:
    print()
    print(
        f"cpms-kg search benchmark · scale {info['scale']} · {info['triples']:,} triples generated "
        f"({info['concepts']:,} concepts) + shipped schemes and demo standards · {info['entries']:,} entries indexed"
    )
    print(f"commit {info['commit']} · {os.cpu_count()} CPUs · load average before {info['loadavg']}")
    print(
        f"index build: {info['build_s']:.2f} s in-process; first search of a fresh server "
        f"(builds its index) {info['first_http_s']:.2f} s"
    )
    print()
    print(
        f"  {'query':<18}{'group':<6}{'hits':>7}{'regex rows':>11}{'service p50':>12}{'HTTP p50':>10}{'regex p50':>11}"
    )
    for run in runs:
        print(
            f"  {run.q:<18}{run.group:<6}{run.total:>7}{run.regex_rows:>11}{run.service.p50:>12.2f}"
            f"{run.http.p50:>10.2f}{run.regex.p50:>11.2f}"
        )
    print()
    head = f"  {'queries':<12}{'n':>5}{'service p50/p95':>17}{'HTTP p50/p95':>16}{'regex p50/p95':>17}"
    print(head + f"{'regex/HTTP p95':>16}  target")
    rows: list[dict[str, object]] = []
    for name, groups in (("zh", ("zh",)), ("en", ("en",)), ("code", ("code",)), ("all", ("zh", "en", "code"))):
        service, http, regex = (_group(runs, groups, s) for s in ("service", "http", "regex"))
        ratio = regex.p95 / http.p95 if http.p95 else float("nan")
        verdict = ""
        if name in ("zh", "en"):
            verdict = f"{'PASS' if http.p95 < TARGET_MS else 'MISS'} HTTP p95 < {TARGET_MS:.0f} ms"
        print(
            f"  {name:<12}{len(http.samples_ms):>5}{service.p50:>8.2f} /{service.p95:>6.2f}"
            f"{http.p50:>8.2f} /{http.p95:>6.2f}{regex.p50:>8.2f} /{regex.p95:>7.2f}{ratio:>15.1f}x  {verdict}"
        )
        rows.append(
            {
                "queries": name,
                "n": len(http.samples_ms),
                "service_p50_ms": service.p50,
                "service_p95_ms": service.p95,
                "http_p50_ms": http.p50,
                "http_p95_ms": http.p95,
                "regex_p50_ms": regex.p50,
                "regex_p95_ms": regex.p95,
                "regex_over_http_p95": ratio,
            }
        )
    print()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--scale", type=float, default=0.48, help="foundation generator scale; 0.48 is ~1M triples")
    parser.add_argument("--rounds", type=int, default=12, help="times each query is run per system")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--out", type=Path, default=Path("bench/out"), help="folder for results and the server log")
    parser.add_argument("--work", type=Path, default=None, help="folder for data and the store (default: temp)")
    parser.add_argument("--keep", action="store_true", help="keep the data and the store afterwards")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    work = args.work or Path(tempfile.mkdtemp(prefix="cpms-search-bench-"))
    store_dir = work / "store"
    if store_dir.exists():
        parser.error(f"{store_dir} exists; give an empty --work folder")
    runs = [PerQuery(group, q) for group, qs in QUERIES.items() for q in qs]
    server: foundation.Server | None = None
    try:
        print(f"building the graph at scale {args.scale} in {work} ...", flush=True)
        data = foundation.build_dataset(work / "data", args.scale, args.seed)
        print(f"{data.triples:,} triples; loading with cpms-kg load and init ...", flush=True)
        foundation.cli("load", *(str(f) for f in data.files), "--store", str(store_dir))
        foundation.cli("init", "--store", str(store_dir))
        loadavg = os.getloadavg()[0]
        print("measuring the search service in-process ...", flush=True)
        build_s, entries = measure_in_process(store_dir, runs, args.rounds)
        port = foundation.free_port()
        print(f"starting cpms-kg serve on 127.0.0.1:{port} ...", flush=True)
        argv = [str(foundation.BIN / "cpms-kg"), "serve", "--store", str(store_dir), "--port", str(port)]
        server = foundation.start_server(
            "cpms-kg",
            argv,
            "/sparql",
            args.out / "search-serve.log",
            port,
        )
        print("measuring /api/search and the regex baseline over HTTP ...", flush=True)
        first_s = measure_http(server.url, runs, args.rounds)
        info: dict[str, object] = {
            "scale": args.scale,
            "triples": data.triples,
            "concepts": len(data.codes),
            "entries": entries,
            "build_s": build_s,
            "first_http_s": first_s,
            "commit": foundation.git_state()["commit"] or "?",
            "loadavg": f"{loadavg:.2f}",
            "python": platform.python_version(),
            "pyoxigraph": ox.__version__,
        }
        rows = report(runs, info)
        result = {"info": info, "groups": rows, "queries": [asdict(r) for r in runs]}
        (args.out / "search.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    finally:
        if server is not None:
            foundation.stop(server.process)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
