"""Foundation benchmark: cpms-kg vs `oxigraph serve` vs pyoxigraph in-process, on one synthetic graph.

Run from the repository root:

    .venv/bin/python bench/foundation.py [--scale 1.0] [--out bench/out]

It builds a synthetic product knowledge graph (about 2M triples at scale 1.0) as N-Triples, then
measures, in one run:

* load throughput of `cpms-kg load` (a subprocess, wall clock) vs pyoxigraph `Store.bulk_load`;
* p50 / p95 latency (sequential keep-alive client) and requests per second per server CPU core
  (concurrent clients; server CPU read from /proc for the server process and all its descendants)
  of a query mix, through `cpms-kg serve`, through `oxigraph serve`, and in-process (the floor).

It prints one table per query type with the ratios and the issue's targets, and writes JSON to --out.
Everything listens on 127.0.0.1 only. See bench/README.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pyoxigraph as ox

BIN = Path(sys.executable).parent
BASE = "https://w3id.org/cpms-kg/id/"
SCHEME = BASE + "classification/bench"
CONCEPT = SCHEME + "/"
PRODUCT = BASE + "product/"
ATTR = BASE + "attribute/"
CODELIST = BASE + "codelist/"
CPMS = "https://w3id.org/cpms-kg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCT_ID = "http://purl.org/dc/terms/identifier"

SELECT_ACCEPT = "application/sparql-results+json"
GRAPH_ACCEPT = "text/turtle"
CLK_TCK = os.sysconf("SC_CLK_TCK")

# Full-scale sizes (the numbers) and the share of concepts on levels 1-5 (level 6 takes the rest).
CONCEPTS = 50_000
PRODUCTS = 100_000
LEVEL_SHARE = (0.00016, 0.00128, 0.01024, 0.04096, 0.16384)

DECIMALS = ("lengthMm", "widthMm", "heightMm", "netWeightKg", "ratedPowerW")
INTEGERS = ("packQuantity", "warrantyMonths", "ratedVoltageV")
STRINGS = ("brand", "modelNumber", "material", "remark")
CODES = {"colour": 12, "originRegion": 34, "energyClass": 5}
MATERIALS = ("钢 steel", "铝 aluminium", "塑料 plastic", "木 wood", "玻璃 glass", "陶瓷 ceramic")


# ---------------------------------------------------------------------------------------------
# The synthetic graph
# ---------------------------------------------------------------------------------------------
@dataclass
class Dataset:
    files: list[Path]
    triples: int
    levels: list[list[str]]
    """Concept codes per level (index 0 is level 1)."""
    products: int

    @property
    def leaves(self) -> list[str]:
        return self.levels[-1]

    @property
    def codes(self) -> list[str]:
        return [c for level in self.levels for c in level]


def level_sizes(concepts: int) -> list[int]:
    sizes: list[int] = []
    for share in LEVEL_SHARE:
        sizes.append(max(sizes[-1] if sizes else 1, round(concepts * share)))
    sizes.append(max(sizes[-1], concepts - sum(sizes)))
    return sizes


def _lit(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build_dataset(folder: Path, scale: float, seed: int) -> Dataset:
    """Writes concepts.nt (a 6-level SKOS tree) and products.nt; returns what the queries need."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    sizes = level_sizes(max(60, round(CONCEPTS * scale)))
    n_products = max(100, round(PRODUCTS * scale))
    levels: list[list[str]] = []
    triples = 0
    concepts_nt = folder / "concepts.nt"
    with concepts_nt.open("w", encoding="utf-8") as out:
        scheme = f"<{SCHEME}>"
        lines = [f"{scheme} <{RDF_TYPE}> <{SKOS}ConceptScheme> .",
                 f'{scheme} <{SKOS}prefLabel> "基准分类"@zh .',
                 f'{scheme} <{SKOS}prefLabel> "benchmark classification"@en .']
        for depth, size in enumerate(sizes, start=1):
            parents = levels[-1] if levels else []
            codes: list[str] = []
            for i in range(size):
                if parents:
                    parent = parents[i % len(parents)]
                    index = i // len(parents) + 1
                    assert index < 100, "too many children for two-digit codes"
                    code = f"{parent}{index:02d}"
                else:
                    parent, code = "", f"{i + 1:02d}"
                codes.append(code)
                c = f"<{CONCEPT}{code}>"
                lines += [
                    f"{c} <{RDF_TYPE}> <{SKOS}Concept> .",
                    f"{c} <{RDF_TYPE}> <{CPMS}ProductCategory> .",
                    f"{c} <{SKOS}inScheme> {scheme} .",
                    f"{c} <{SKOS}notation> {_lit(code)} .",
                    f"{c} <{SKOS}prefLabel> {_lit(f'类目 {code}')}@zh .",
                    f"{c} <{SKOS}prefLabel> {_lit(f'Category {code} (level {depth})')}@en .",
                ]
                if parent:
                    p = f"<{CONCEPT}{parent}>"
                    lines += [f"{c} <{SKOS}broader> {p} .", f"{p} <{SKOS}narrower> {c} ."]
                else:
                    lines += [f"{c} <{SKOS}topConceptOf> {scheme} .", f"{scheme} <{SKOS}hasTopConcept> {c} ."]
            levels.append(codes)
            triples += len(lines)
            out.write("\n".join(lines) + "\n")
            lines = []
        for name, count in CODES.items():
            for k in range(1, count + 1):
                item = f"<{CODELIST}{name}/{k:02d}>"
                lines += [f"{item} <{RDF_TYPE}> <{SKOS}Concept> .",
                          f"{item} <{SKOS}notation> {_lit(f'{k:02d}')} .",
                          f"{item} <{SKOS}prefLabel> {_lit(f'{name} 代码 {k:02d}')}@zh ."]
        triples += len(lines)
        out.write("\n".join(lines) + "\n")

    products_nt = folder / "products.nt"
    leaves = levels[-1]
    dec, integer = f"^^<{XSD}decimal>", f"^^<{XSD}integer>"
    with products_nt.open("w", encoding="utf-8") as out:
        batch: list[str] = []
        for n in range(n_products):
            p = f"<{PRODUCT}P{n:07d}>"
            u = rng.random
            batch += [
                f"{p} <{RDF_TYPE}> <{CONCEPT}{leaves[rng.randrange(len(leaves))]}> .",
                f"{p} <{DCT_ID}> {_lit(f'P{n:07d}')} .",
                f'{p} <{ATTR}lengthMm> "{10 + 1990 * u():.2f}"{dec} .',
                f'{p} <{ATTR}widthMm> "{10 + 990 * u():.2f}"{dec} .',
                f'{p} <{ATTR}heightMm> "{5 + 495 * u():.2f}"{dec} .',
                f'{p} <{ATTR}netWeightKg> "{0.05 + 80 * u():.3f}"{dec} .',
                f'{p} <{ATTR}ratedPowerW> "{3000 * u():.1f}"{dec} .',
                f'{p} <{ATTR}packQuantity> "{rng.randint(1, 100)}"{integer} .',
                f'{p} <{ATTR}warrantyMonths> "{rng.choice((6, 12, 24, 36))}"{integer} .',
                f'{p} <{ATTR}ratedVoltageV> "{rng.choice((12, 24, 220, 380))}"{integer} .',
                f"{p} <{ATTR}brand> {_lit(f'品牌{rng.randrange(500):03d} Brand')} .",
                f"{p} <{ATTR}modelNumber> {_lit(f'M-{rng.randrange(1_000_000):06d}')} .",
                f"{p} <{ATTR}material> {_lit(rng.choice(MATERIALS))}@zh .",
                f"{p} <{ATTR}remark> {_lit(f'合成数据 synthetic record {n}')} .",
            ]
            batch += [f"{p} <{ATTR}{name}> <{CODELIST}{name}/{rng.randint(1, count):02d}> ."
                      for name, count in CODES.items()]
            if len(batch) >= 50_000:
                triples += len(batch)
                out.write("\n".join(batch) + "\n")
                batch = []
        triples += len(batch)
        out.write("\n".join(batch) + "\n")
    return Dataset([concepts_nt, products_nt], triples, levels, n_products)


# ---------------------------------------------------------------------------------------------
# The query mix: each type draws its parameters from its own seeded generator
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class QueryType:
    name: str
    group: str
    """"light": compared with `oxigraph serve`; "heavy": compared with in-process; "info": no target."""
    graph: bool
    """True for CONSTRUCT / DESCRIBE (Turtle answers), False for SELECT / ASK (SPARQL JSON)."""
    param: Callable[[random.Random, Dataset], str]
    sparql: Callable[[str], str]
    deref: Callable[[str], str] | None = None
    """cpms-kg path to GET instead of /sparql (linked-data dereferencing)."""


def _pick_level(depth: int) -> Callable[[random.Random, Dataset], str]:
    def pick(rng: random.Random, data: Dataset) -> str:
        level = data.levels[min(depth, len(data.levels)) - 1]
        return level[rng.randrange(len(level))]
    return pick


def _any_code(rng: random.Random, data: Dataset) -> str:
    level = data.levels[rng.randrange(len(data.levels))]
    return level[rng.randrange(len(level))]


def _range_param(rng: random.Random, data: Dataset) -> str:
    return f"{_pick_level(3)(rng, data)} {rng.randrange(10, 1700)}"


def _range_query(param: str) -> str:
    code, low = param.split()
    return f"""SELECT ?p ?id ?len ?kg WHERE {{
  ?leaf <{SKOS}broader>/<{SKOS}broader>/<{SKOS}broader> <{CONCEPT}{code}> .
  ?p a ?leaf ; <{DCT_ID}> ?id ; <{ATTR}lengthMm> ?len ; <{ATTR}netWeightKg> ?kg .
  FILTER(?len >= {low}.0 && ?len < {int(low) + 300}.0)
}} ORDER BY ?len"""


QUERIES: list[QueryType] = [
    QueryType("ask (protocol floor)", "info", False, lambda rng, data: "", lambda _: "ASK {}"),
    QueryType(
        "code lookup", "light", False, _any_code,
        lambda code: f"SELECT ?c ?label WHERE {{ ?c <{SKOS}notation> {_lit(code)} ; "
                     f"<{SKOS}prefLabel> ?label }}",
    ),
    QueryType(
        "dereference", "light", True, _any_code,
        lambda code: f"DESCRIBE <{CONCEPT}{code}>",
        deref=lambda code: "/id/classification/bench/" + quote(code),
    ),
    QueryType(
        "subtree", "heavy", False, _pick_level(3),
        lambda code: f"SELECT ?c ?code WHERE {{ ?c <{SKOS}broader>* <{CONCEPT}{code}> ; "
                     f"<{SKOS}notation> ?code }} LIMIT 500",
    ),
    QueryType(
        "rollup", "heavy", False, _pick_level(1),
        lambda code: f"""SELECT ?l2 (COUNT(?p) AS ?products) WHERE {{
  ?l2 <{SKOS}broader> <{CONCEPT}{code}> .
  ?leaf <{SKOS}broader>+ ?l2 .
  ?p a ?leaf .
}} GROUP BY ?l2 ORDER BY ?l2""",
    ),
    QueryType("range join", "heavy", False, _range_param, _range_query),
    QueryType(
        "construct", "heavy", True,
        lambda rng, data: f"P{rng.randrange(data.products):07d}",
        lambda pid: f"""CONSTRUCT {{ <{PRODUCT}{pid}> ?p ?o . ?o <{SKOS}prefLabel> ?label }}
WHERE {{ <{PRODUCT}{pid}> ?p ?o . OPTIONAL {{ ?o <{SKOS}prefLabel> ?label }} }}""",
    ),
]


# ---------------------------------------------------------------------------------------------
# Processes: servers on free loopback ports, CPU time of a process tree
# ---------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # fields from 3 (state) on; comm may hold spaces


def tree_cpu_seconds(root: int) -> float:
    """utime+stime of `root` and every live descendant, plus reaped children (cutime+cstime)."""
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(int(entry))) is not None:
            stats[int(entry)] = fields
            children.setdefault(int(fields[1]), []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        if (fields := stats.get(pid)) is not None:
            total += sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
        todo += children.get(pid, [])
    return total / CLK_TCK


def git_state() -> dict[str, Any]:
    """The commit measured and any uncommitted changes to it (the service may be edited meanwhile)."""
    root = Path(__file__).resolve().parents[1]

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True).stdout
        except OSError:
            return ""

    changed = [line[3:] for line in git("status", "--porcelain").splitlines()]
    return {"commit": git("rev-parse", "--short", "HEAD").strip(), "uncommitted": changed}


def cpu_pressure() -> float:
    """Share of the last 60 s in which some task waited for a CPU (Linux PSI), or NaN."""
    try:
        line = Path("/proc/pressure/cpu").read_text().splitlines()[0]
        return float(dict(f.split("=") for f in line.split()[1:])["avg60"]) / 100
    except (OSError, KeyError, ValueError, IndexError):
        return math.nan


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path


def start_server(name: str, argv: list[str], probe: str, log: Path, port: int) -> Server:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CPMS_KG_")}
    with log.open("wb") as sink:
        process = subprocess.Popen(argv, stdout=sink, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(url + probe, timeout=2.0).status_code < 500:
                return Server(name, url, process, log)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"{name} did not answer within 300 s; see {log}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# ---------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------
@dataclass
class Figures:
    n: int = 0
    errors: int = 0
    p50_ms: float = math.nan
    p95_ms: float = math.nan
    mean_ms: float = math.nan
    rps: float = math.nan
    """Throughput (requests per wall-clock second) of the concurrent phase."""
    cpu_s: float = math.nan
    """Server (or in-process) CPU seconds consumed by the throughput phase."""
    rps_per_core: float = math.nan
    warm_p50_ms: float = math.nan
    """In-process only: p50 of the back-to-back loop (warm caches); p50_ms is from the interleaved run."""
    throughput_n: int = 0
    result_size: int = 0
    """Rows or triples in the answer to the first parameter (a cross-check between systems)."""
    error_sample: str = ""


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return math.nan
    return sorted_values[max(0, math.ceil(q * len(sorted_values)) - 1)]


def result_size(body: bytes, graph: bool) -> int:
    if graph:
        return sum(1 for _ in ox.parse(body, ox.RdfFormat.TURTLE))
    answer = json.loads(body)
    return len(answer["results"]["bindings"]) if "results" in answer else int(bool(answer.get("boolean")))


Request = tuple[str, dict[str, str] | None, dict[str, str]]
"""(path, query parameters, headers)."""


def cpms_request(q: QueryType, param: str) -> Request:
    accept = GRAPH_ACCEPT if q.graph else SELECT_ACCEPT
    if q.deref is not None:
        return q.deref(param), None, {"Accept": accept}
    return "/sparql", {"query": q.sparql(param)}, {"Accept": accept}


def oxigraph_request(q: QueryType, param: str) -> Request:
    return "/query", {"query": q.sparql(param)}, {"Accept": GRAPH_ACCEPT if q.graph else SELECT_ACCEPT}


@dataclass
class Budget:
    warmup_s: float
    latency_s: float
    latency_max: int
    throughput_s: float
    throughput_max: int
    min_samples: int = 10
    clients: int = 8


class Target:
    """One system under test: answers one request and says whether it succeeded."""

    name = ""

    def call(self, q: QueryType, param: str) -> tuple[bool, bytes]:
        raise NotImplementedError

    def close(self) -> None:
        pass


class HttpTarget(Target):
    def __init__(self, name: str, server: Server, build: Callable[[QueryType, str], Request]) -> None:
        self.name, self.server, self.build = name, server, build
        self.client = httpx.Client(timeout=120.0)  # sequential, keep-alive
        self.error_sample = ""

    def send(self, client: httpx.Client, q: QueryType, param: str) -> tuple[bool, bytes]:
        path, query, headers = self.build(q, param)
        try:
            r = client.get(self.server.url + path, params=query, headers=headers)
        except httpx.HTTPError as exc:
            self.error_sample = self.error_sample or f"{type(exc).__name__}: {exc}"
            return False, b""
        if r.status_code != 200:
            self.error_sample = self.error_sample or f"{r.status_code}: {r.text[:300]}"
            return False, b""
        return True, r.content

    def call(self, q: QueryType, param: str) -> tuple[bool, bytes]:
        return self.send(self.client, q, param)

    def close(self) -> None:
        self.client.close()


class InProcessTarget(Target):
    """The floor: the same query evaluated and serialised to the same format, without HTTP."""

    name = "in-process"

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def call(self, q: QueryType, param: str) -> tuple[bool, bytes]:
        result = self.store.query(q.sparql(param), use_default_graph_as_union=True)
        if isinstance(result, ox.QueryTriples):
            return True, result.serialize(format=ox.RdfFormat.TURTLE) or b""
        return True, result.serialize(format=ox.QueryResultsFormat.JSON) or b""


def measure_query(q: QueryType, params: list[str], targets: list[Target], budget: Budget) -> dict[str, Figures]:
    """Latency: the targets take turns on the same parameters (so background noise hits all alike);
    then throughput: concurrent clients for each server, a warm back-to-back loop in-process."""
    figs = {t.name: Figures() for t in targets}
    for t in targets:
        ok, body = t.call(q, params[0])
        figs[t.name].result_size = result_size(body, q.graph) if ok else -1
        end = time.monotonic() + budget.warmup_s
        for param in _cycle(params, 1):
            if time.monotonic() >= end:
                break
            t.call(q, param)
    latencies: dict[str, list[float]] = {t.name: [] for t in targets}
    end = time.monotonic() + budget.latency_s * len(targets)
    for i, param in enumerate(_cycle(params, 0)):
        if i >= budget.latency_max or (time.monotonic() >= end and i >= budget.min_samples):
            break
        for k in range(len(targets)):
            t = targets[(i + k) % len(targets)]  # rotate who goes first
            start = time.perf_counter()
            ok, _ = t.call(q, param)
            latencies[t.name].append(time.perf_counter() - start)
            figs[t.name].errors += not ok
    for t in targets:
        fig = figs[t.name]
        _latency(fig, latencies[t.name])
        if isinstance(t, HttpTarget):
            _throughput(t, q, params, budget, fig)
            fig.error_sample = t.error_sample
        else:
            _tight_loop(t, q, params, budget, fig)
    return figs


def _tight_loop(target: Target, q: QueryType, params: list[str], budget: Budget, fig: Figures) -> None:
    """In-process rate: back-to-back calls (warm caches), per CPU second of the calling thread."""
    latencies: list[float] = []
    end = time.monotonic() + budget.throughput_s
    cpu0, wall0 = time.thread_time(), time.perf_counter()
    for param in _cycle(params, len(params) // 2):
        if len(latencies) >= budget.throughput_max or (
                time.monotonic() >= end and len(latencies) >= budget.min_samples):
            break
        start = time.perf_counter()
        target.call(q, param)
        latencies.append(time.perf_counter() - start)
    wall, cpu = time.perf_counter() - wall0, time.thread_time() - cpu0
    latencies.sort()
    fig.warm_p50_ms = percentile(latencies, 0.5) * 1000
    fig.throughput_n, fig.cpu_s = len(latencies), cpu
    fig.rps = len(latencies) / wall
    fig.rps_per_core = len(latencies) / cpu if cpu > 0 else math.nan


def _throughput(target: HttpTarget, q: QueryType, params: list[str], budget: Budget, fig: Figures) -> None:
    """`clients` threads, each with its own keep-alive client, share one parameter stream; the
    server's CPU is that of its whole process tree (cpms-kg evaluates queries in child processes)."""
    stream = _cycle(params, len(params) // 2)
    lock = threading.Lock()
    done = [0, 0]  # ok, failed
    end = time.monotonic() + budget.throughput_s

    def worker() -> None:
        with httpx.Client(timeout=120.0) as client:
            while time.monotonic() < end:
                with lock:
                    if done[0] + done[1] >= budget.throughput_max:
                        return
                    param = next(stream)
                ok, _ = target.send(client, q, param)
                with lock:
                    done[0 if ok else 1] += 1

    threads = [threading.Thread(target=worker) for _ in range(budget.clients)]
    pid = target.server.process.pid
    cpu0, wall0 = tree_cpu_seconds(pid), time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall, cpu = time.perf_counter() - wall0, tree_cpu_seconds(pid) - cpu0
    fig.throughput_n, fig.errors = done[0], fig.errors + done[1]
    fig.rps, fig.cpu_s = done[0] / wall, cpu
    fig.rps_per_core = done[0] / cpu if cpu > 0 else math.nan


def _latency(fig: Figures, latencies: list[float]) -> None:
    ordered = sorted(latencies)
    fig.n = len(ordered)
    fig.p50_ms = percentile(ordered, 0.50) * 1000
    fig.p95_ms = percentile(ordered, 0.95) * 1000
    fig.mean_ms = sum(ordered) / len(ordered) * 1000 if ordered else math.nan


def _cycle(values: list[str], start: int) -> Iterator[str]:
    i = start
    while True:
        yield values[i % len(values)]
        i += 1


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------
@dataclass
class LoadFigures:
    triples: int
    cpms_s: float
    bulk_s: float
    init_s: float
    cpms_reported: str = ""

    @property
    def cpms_tps(self) -> float:
        return self.triples / self.cpms_s

    @property
    def bulk_tps(self) -> float:
        return self.triples / self.bulk_s

    @property
    def ratio(self) -> float:
        return self.cpms_tps / self.bulk_tps


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CPMS_KG_")}
    result = subprocess.run([str(BIN / "cpms-kg"), *args], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"cpms-kg {args[0]} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return result


def measure_load(data: Dataset, work: Path) -> LoadFigures:
    cpms_store, bulk_store = work / "cpms-store", work / "bulk-store"
    files = [str(f) for f in data.files]
    start = time.perf_counter()
    done = cli("load", *files, "--store", str(cpms_store))
    cpms_s = time.perf_counter() - start
    reported = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""

    store = ox.Store(str(bulk_store))
    start = time.perf_counter()
    for f in data.files:
        store.bulk_load(path=str(f), format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    bulk_s = time.perf_counter() - start
    del store
    gc.collect()
    shutil.rmtree(bulk_store, ignore_errors=True)

    # Initialise now (ontology, shipped schemes) so that `serve` starts at once; untimed for the ratio.
    start = time.perf_counter()
    cli("init", "--store", str(cpms_store))
    init_s = time.perf_counter() - start
    return LoadFigures(data.triples, cpms_s, bulk_s, init_s, reported)


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
SYSTEMS = ("cpms-kg", "oxigraph", "in-process")


@dataclass
class Verdict:
    target: str
    value: str
    ok: bool


@dataclass
class Report:
    scale: float
    seed: int
    machine: dict[str, Any]
    dataset: dict[str, Any]
    load: dict[str, float | str]
    queries: dict[str, dict[str, Figures]] = field(default_factory=dict)
    targets: list[Verdict] = field(default_factory=list)


def _ratio(a: float, b: float) -> float:
    return a / b if b and not math.isnan(a) and not math.isnan(b) else math.nan


def judge(report: Report, load: LoadFigures) -> None:
    t = report.targets
    t.append(Verdict("load >= 0.80x pyoxigraph bulk load",
                     f"{load.ratio:.2f}x ({load.cpms_tps:,.0f} vs {load.bulk_tps:,.0f} triples/s)",
                     load.ratio >= 0.8))
    for q in QUERIES:
        figs = report.queries.get(q.name)
        if figs is None or q.group == "info":
            continue
        c, o, i = figs["cpms-kg"], figs["oxigraph"], figs["in-process"]
        if q.group == "light":
            t.append(Verdict(f"{q.name}: p50 <= oxigraph serve",
                             f"{c.p50_ms:.2f} vs {o.p50_ms:.2f} ms ({_ratio(c.p50_ms, o.p50_ms):.2f}x)",
                             c.p50_ms <= o.p50_ms))
            t.append(Verdict(f"{q.name}: req/s per core >= oxigraph serve",
                             f"{c.rps_per_core:,.0f} vs {o.rps_per_core:,.0f} "
                             f"({_ratio(c.rps_per_core, o.rps_per_core):.2f}x)",
                             c.rps_per_core >= o.rps_per_core))
        else:
            t.append(Verdict(f"{q.name}: p50 <= 1.2x in-process",
                             f"{c.p50_ms:.2f} vs {i.p50_ms:.2f} ms ({_ratio(c.p50_ms, i.p50_ms):.2f}x)",
                             c.p50_ms <= 1.2 * i.p50_ms))
            t.append(Verdict(f"{q.name}: req/s per core >= in-process / 1.2",
                             f"{c.rps_per_core:,.0f} vs {i.rps_per_core:,.0f} "
                             f"({_ratio(c.rps_per_core, i.rps_per_core):.2f}x)",
                             c.rps_per_core * 1.2 >= i.rps_per_core))
        if c.errors:
            t.append(Verdict(f"{q.name}: cpms-kg answers without errors",
                             f"{c.errors} errors: {c.error_sample}", False))
        if len({c.result_size, o.result_size, i.result_size}) > 1:
            t.append(Verdict(f"{q.name}: same answer size everywhere",
                             f"cpms-kg {c.result_size}, oxigraph {o.result_size}, "
                             f"in-process {i.result_size}", False))


def _plain(value: Any) -> Any:
    """JSON-safe: NaN becomes null."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def print_report(report: Report, load: LoadFigures) -> None:
    print()
    print(f"cpms-kg foundation benchmark · scale {report.scale} · {report.dataset['triples']:,} triples "
          f"({report.dataset['concepts']:,} concepts, {report.dataset['products']:,} products) · "
          f"{report.machine['cpus']} CPUs · seed {report.seed}")
    git = report.machine["git"]
    dirty = f", {len(git['uncommitted'])} uncommitted file(s)" if git["uncommitted"] else ""
    print(f"commit {git['commit'] or '?'}{dirty} · started {report.machine['started']}")
    before, after = report.machine["loadavg_before"][0], report.machine["loadavg_after"][0]
    psi = report.machine["cpu_pressure_before"], report.machine["cpu_pressure_after"]
    busy = max(before, after) > report.machine["cpus"] or max(psi) > 0.2
    print(f"load average before / after the query runs: {before:.2f} / {after:.2f}; "
          f"CPU pressure (tasks waiting, avg60): {psi[0]:.0%} / {psi[1]:.0%}"
          + ("  -- busy machine: figures are noisy" if busy else ""))
    print()
    print("LOAD")
    print(f"  cpms-kg load (subprocess)   {load.cpms_s:8.1f} s  {load.cpms_tps:12,.0f} triples/s")
    print(f"  pyoxigraph bulk_load        {load.bulk_s:8.1f} s  {load.bulk_tps:12,.0f} triples/s")
    print(f"  ratio cpms-kg / bulk load   {load.ratio:8.2f}x  (target >= 0.80x)")
    print(f"  (cpms-kg init afterwards, ontology + shipped schemes: {load.init_s:.1f} s, not in the ratio)")
    print()
    head = (f"  {'system':<12}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'req/s':>9}{'cpu s':>8}"
            f"{'req/s/core':>12}{'size':>7}")
    for q in QUERIES:
        figs = report.queries.get(q.name)
        if figs is None:
            continue
        print(f"QUERY {q.name}  [{q.group}; cpms-kg via {'/id/' if q.deref else '/sparql'}]")
        print(head)
        for system in SYSTEMS:
            f = figs[system]
            err = f"  errors {f.errors}" if f.errors else ""
            if not math.isnan(f.warm_p50_ms):
                err += f"  (warm p50 {f.warm_p50_ms:.2f})"
            print(f"  {system:<12}{f.n:>6}{f.p50_ms:>9.2f}{f.p95_ms:>9.2f}{f.rps:>9,.0f}{f.cpu_s:>8.2f}"
                  f"{f.rps_per_core:>12,.0f}{f.result_size:>7}{err}")
        c, o, i = figs["cpms-kg"], figs["oxigraph"], figs["in-process"]
        for label, other in (("oxigraph:  ", o), ("in-process:", i)):
            print(f"  cpms-kg / {label} p50 {_ratio(c.p50_ms, other.p50_ms):.2f}x"
                  f"  p95 {_ratio(c.p95_ms, other.p95_ms):.2f}x"
                  f"  per-core rate {_ratio(c.rps_per_core, other.rps_per_core):.2f}x")
        print()
    print("TARGETS")
    for v in report.targets:
        print(f"  {'PASS' if v.ok else 'MISS'}  {v.target:<46} {v.value}")
    print()


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="1.0 = 50k concepts, 100k products (~2M triples)")
    parser.add_argument("--out", type=Path, default=Path("bench/out"), help="folder for results and logs")
    parser.add_argument("--work", type=Path, default=None,
                        help="folder for data and stores (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the data and stores after the run")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients in the throughput phase")
    parser.add_argument("--latency-seconds", type=float, default=4.0, help="time budget per latency phase")
    parser.add_argument("--throughput-seconds", type=float, default=5.0,
                        help="time budget per throughput phase")
    args = parser.parse_args(argv)

    budget = Budget(warmup_s=1.0, latency_s=args.latency_seconds, latency_max=500,
                    throughput_s=args.throughput_seconds, throughput_max=3000, clients=args.clients)
    args.out.mkdir(parents=True, exist_ok=True)
    work = args.work or Path(tempfile.mkdtemp(prefix="cpms-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if any((work / name).exists() for name in ("data", "cpms-store", "oxigraph-store", "inprocess-store")):
        parser.error(f"{work} already holds stores from an earlier run; give an empty --work folder")
    try:
        return run(args, budget, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, budget: Budget, work: Path) -> int:
    def say(text: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)

    say(f"building the synthetic graph at scale {args.scale} in {work}")
    started, code, stamp = time.perf_counter(), git_state(), time.strftime("%Y-%m-%dT%H:%M:%S%z")
    data = build_dataset(work / "data", args.scale, args.seed)
    per_level = "/".join(str(len(lv)) for lv in data.levels)
    say(f"{data.triples:,} triples, {len(data.codes):,} concepts ({per_level}), "
        f"{data.products:,} products in {time.perf_counter() - started:.1f} s")

    say("loading: cpms-kg load vs pyoxigraph bulk_load")
    load = measure_load(data, work)
    say(f"load ratio {load.ratio:.2f}x (init {load.init_s:.1f} s); copying the initialised store twice")
    cpms_store, ox_store, floor_store = work / "cpms-store", work / "oxigraph-store", work / "inprocess-store"
    shutil.copytree(cpms_store, ox_store)
    shutil.copytree(cpms_store, floor_store)

    report = Report(
        scale=args.scale, seed=args.seed,
        machine={"cpus": os.cpu_count(), "python": platform.python_version(), "pyoxigraph": ox.__version__,
                 "platform": platform.platform(), "clients": budget.clients,
                 "loadavg_before": os.getloadavg(), "cpu_pressure_before": cpu_pressure(),
                 "git": code, "started": stamp},
        dataset={"triples": data.triples, "concepts": len(data.codes),
                 "levels": [len(lv) for lv in data.levels], "products": data.products},
        load={"cpms_s": load.cpms_s, "bulk_s": load.bulk_s, "init_s": load.init_s, "cpms_tps": load.cpms_tps,
              "bulk_tps": load.bulk_tps, "ratio": load.ratio, "cpms_reported": load.cpms_reported},
    )
    ports = [free_port(), free_port()]
    servers: list[Server] = []
    targets: list[Target] = []
    try:
        say(f"starting oxigraph serve on 127.0.0.1:{ports[0]} and cpms-kg serve on 127.0.0.1:{ports[1]}")
        servers.append(start_server(
            "oxigraph", [str(BIN / "oxigraph"), "serve", "--location", str(ox_store),
                         "--bind", f"127.0.0.1:{ports[0]}", "--union-default-graph"],
            "/query?query=ASK%7B%7D", args.out / "oxigraph-serve.log", ports[0]))
        # The configuration the README recommends: one `cpms-kg serve` process and its query workers.
        servers.append(start_server(
            "cpms-kg", [str(BIN / "cpms-kg"), "serve", "--store", str(cpms_store),
                        "--host", "127.0.0.1", "--port", str(ports[1])],
            "/sparql", args.out / "cpms-kg-serve.log", ports[1]))
        targets = [HttpTarget("cpms-kg", servers[1], cpms_request),
                   HttpTarget("oxigraph", servers[0], oxigraph_request),
                   InProcessTarget(ox.Store.read_only(str(floor_store)))]
        for q in QUERIES:
            params = [q.param(random.Random(f"{args.seed}:{q.name}"), data) for _ in range(4000)]
            report.queries[q.name] = figs = measure_query(q, params, targets, budget)
            say(f"{q.name}: " + "; ".join(
                f"{name} p50 {f.p50_ms:.2f} ms {f.rps_per_core:,.0f}/s/core"
                + (f" {f.errors} errors" if f.errors else "") for name, f in figs.items()))
    finally:
        for t in targets:
            t.close()
        for server in servers:
            stop(server.process)
    report.machine["loadavg_after"] = os.getloadavg()
    report.machine["cpu_pressure_after"] = cpu_pressure()

    judge(report, load)
    print_report(report, load)
    out = args.out / f"foundation-scale{args.scale:g}.json"
    out.write_text(json.dumps(_plain(asdict(report)), indent=2, ensure_ascii=False), encoding="utf-8")
    say(f"results written to {out}; total {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
