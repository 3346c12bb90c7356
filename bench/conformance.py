"""Conformance at scale (issue 6): cpms-kg end to end against converting to RDF and running SHACL engines.

    python bench/conformance.py [--sizes 10000,100000,1000000] [--engine fast] [--workdir DIR] [--repeat 3]

For each size it generates a firm's bearing table for the demo standard zj-rolling-bearings: every row
complete and valid, except that each fault kind below is injected into its own 5% of the rows, so each
faulty row yields exactly one finding and the expected count is known. Then, each in its own process,
measured as a whole (wall time and peak RSS from /usr/bin/time):

* floor: just reading the table with polars;
* cpms-kg: `cpms-kg validate` end to end (table in, full W3C report and JSON summary out);
  these two are the median of `--repeat` runs (3), after one untimed warm-up run of each;
* convert: the table to N-Triples and the compiled shapes to Turtle (the peers' input);
* shacl (Rust, PyPI `shacl`), pyshacl-turbo, pyshacl (10k and 100k only), each on the converted files;
  a peer's time is convert + validate, its memory the larger of the two.

It checks every engine's finding count against the expected count and prints the ratios against the
targets: at 100k and 1M rows at least 3x faster than the fastest peer, within 5x of the floor, peak
memory under 2 GB at 1M rows.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent
STANDARD = "zj-rolling-bearings"
CATEGORY = "单列深沟球轴承"  # RB010101: deep groove ball bearings, single row
SHARE = 0.05

# Every attribute a single-row deep groove ball bearing is required or recommended to have, and a
# brand, so a valid row yields no finding at all (about 21 triples a product).
COLUMNS = [
    "产品编码", "类目", "designation", "bore_diameter", "outside_diameter", "width", "precision_class",
    "dynamic_load_rating", "seal_type", "static_load_rating", "limiting_speed", "mass", "material",
    "cage_material", "row_count", "dimension_standard", "hs_code", "radial_clearance", "chamfer_min", "brand",
]  # fmt: skip

# (name, column, bad value or None for a missing value, findings it yields). A value that is not a
# decimal breaks the datatype and both bounds of the range (SHACL compares it and fails), hence 3.
FAULTS = [
    ("missing required value", "precision_class", None, 1),
    ("not a decimal", "dynamic_load_rating", "fourteen", 3),
    ("above the range", "bore_diameter", "9999", 1),
    ("below the range", "mass", "0", 1),
    ("not in the code list", "seal_type", "XX", 1),
    ("pattern (a warning: recommended)", "hs_code", "84821A", 1),
    ("designation pattern", "designation", "62x5", 1),
    ("too long", "brand", "B" * 61, 1),
]
_SIZES = [(10, 30, 9), (17, 40, 12), (25, 52, 15), (30, 62, 16), (35, 72, 17), (40, 80, 18), (50, 90, 20)]


def valid_row(n: int, rng: random.Random) -> dict[str, str]:
    bore, outside, width = rng.choice(_SIZES)
    return {
        "产品编码": f"P{n:08d}",
        "类目": CATEGORY,
        "designation": f"62{rng.randint(0, 99):02d}",
        "bore_diameter": str(bore),
        "outside_diameter": str(outside),
        "width": str(width),
        "precision_class": rng.choice(["P0", "P6", "P5"]),
        "dynamic_load_rating": f"{rng.uniform(2, 60):.1f}",
        "seal_type": rng.choice(["open", "Z", "2Z", "RS", "2RS"]),
        "static_load_rating": f"{rng.uniform(1, 40):.1f}",
        "limiting_speed": str(rng.randrange(5000, 30000, 500)),
        "mass": f"{rng.uniform(0.01, 2):.3f}",
        "material": "chrome-steel",
        "cage_material": rng.choice(["pressed-steel", "polyamide"]),
        "row_count": "1",
        "dimension_standard": "DIN625-1",
        "hs_code": "848210",
        "radial_clearance": rng.choice(["CN", "C3"]),
        "chamfer_min": rng.choice(["0.6", "1", "1.1"]),
        "brand": rng.choice(["ZWZ", "HRB", "LYC", "C&U"]),
    }


def generate(rows: int, path: Path, seed: int = 7) -> int:
    """Writes the table; returns the expected number of findings."""
    rng = random.Random(seed)
    per_fault = int(rows * SHARE)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        for n in range(rows):
            row = valid_row(n, rng)
            kind = n // per_fault if per_fault else len(FAULTS)
            if kind < len(FAULTS):
                _name, column, bad, _count = FAULTS[kind]
                row[column] = "" if bad is None else bad
            writer.writerow(row)
    return per_fault * sum(count for *_rest, count in FAULTS)


@dataclass
class Run:
    seconds: float
    peak_mb: float
    findings: int | None
    out: str
    failed: str = ""
    """Why a peer did not finish (out of memory or time); empty when it did."""


PEER_MEMORY_GB = 20
"""Peers are stopped beyond this address space (the machine has 24 GB; pyshacl needs ~3 GB per 100k rows)."""
PEER_SECONDS = 1800
"""And beyond this wall time (pyshacl-turbo needs about 220 s per 100k rows)."""


def measure(cmd: list[str], *, ok: tuple[int, ...] = (0,), capped: bool = False) -> Run:
    """Runs a command as a process of its own; `ok`: the exit codes that mean it worked. A `capped` run
    (a peer) that runs out of memory or time is reported as such rather than failing the benchmark."""

    def limit() -> None:
        limit_bytes = PEER_MEMORY_GB * 1024**3
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))

    timeout = ["timeout", str(PEER_SECONDS)] if capped else []
    # Files written just before (the generated table, earlier reports) are flushed first, so that no
    # run pays for another's disk writes.
    os.sync()
    # Standard output goes to a file, read afterwards: a pipe would have this process decode megabytes
    # (cpms-kg's JSON summary) on the cores the measured command is using.
    with tempfile.NamedTemporaryFile("r", suffix=".time") as timing, tempfile.TemporaryFile("w+") as stdout:
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%e %M", "-o", timing.name, *timeout, *cmd],
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=limit if capped else None,
        )
        seconds, kb = timing.read().split()[-2:]
        stdout.seek(0)
        out = stdout.read()
    count = None
    for line in out.splitlines():
        if line.startswith("FINDINGS "):
            count = int(line.split()[1])
    if done.returncode not in ok:
        if capped and done.returncode == 124:
            return Run(float(seconds), int(kb) / 1024, None, "", f"stopped after {PEER_SECONDS} s")
        if capped and ("MemoryError" in done.stderr or "memory allocation" in done.stderr or done.returncode < 0):
            return Run(float(seconds), int(kb) / 1024, None, "", f"out of memory at {PEER_MEMORY_GB} GB")
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return Run(float(seconds), int(kb) / 1024, count, out)


# -- the steps each run in a process of their own --------------------------------------------------
def step_floor(table: str) -> None:
    import polars as pl

    frame = pl.read_csv(table, infer_schema=False)
    print(f"ROWS {frame.height}")


def step_convert(table: str, data_out: str, shapes_out: str, store: str) -> None:
    """The table to N-Triples through cpms-kg's own mapping and normalisation (peers get the same RDF), a
    chunk of rows at a time so that a million rows convert in bounded memory."""
    import pyoxigraph as ox

    from cpms_kg.conformance.inputs import iter_tables
    from cpms_kg.conformance.mapping import auto_map
    from cpms_kg.conformance.pipeline import _records
    from cpms_kg.conformance.products import product_graph
    from cpms_kg.settings import DEFAULT_BASE_IRI
    from cpms_kg.standards.service import load
    from cpms_kg.standards.shapes import compile_shapes
    from cpms_kg.store.embedded import EmbeddedStore

    opened = EmbeddedStore(Path(store), base_iri=DEFAULT_BASE_IRI, query_workers=1)
    try:
        standard = load(opened, STANDARD)
        base = opened.base_iri
    finally:
        opened.close()
    shapes = compile_shapes(standard, base)
    # SHACL class targets follow rdfs:subClassOf in the data graph: the category hierarchy goes with the data.
    hierarchy = [t for t in shapes if t.predicate.value == "http://www.w3.org/2000/01/rdf-schema#subClassOf"]
    count, mapping = 0, None
    with Path(data_out).open("wb") as out:
        out.write(ox.serialize(hierarchy, format=ox.RdfFormat.N_TRIPLES) or b"")
        for chunk in iter_tables(Path(table), chunk_rows=50_000):
            mapping = mapping or auto_map(list(chunk.columns), standard, rows=chunk.rows).mapping
            records, _changes = _records(chunk, standard, mapping)
            graph = product_graph(records, standard, base, "bench")
            out.write(ox.serialize(graph.triples, format=ox.RdfFormat.N_TRIPLES) or b"")
            count += len(graph.triples)
    Path(shapes_out).write_bytes(ox.serialize(shapes, format=ox.RdfFormat.TURTLE) or b"")
    print(f"TRIPLES {count}")


def step_shacl(data: str, shapes: str) -> None:
    import shacl

    report = shacl.Shapes.from_file(shapes).validate_file(data)
    print(f"FINDINGS {len(report.results)}")


def step_turbo(data: str, shapes: str) -> None:
    import pyshacl_turbo

    _conforms, graph, _text = pyshacl_turbo.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    print(f"FINDINGS {_results(graph)}")


def step_pyshacl(data: str, shapes: str) -> None:
    import pyshacl
    import rdflib

    shapes_graph = rdflib.Graph().parse(shapes, format="turtle")
    _conforms, graph, _text = pyshacl.validate(
        rdflib.Graph().parse(data, format="nt"),
        shacl_graph=shapes_graph,
        ont_graph=shapes_graph,
        inference="none",
        allow_warnings=True,
    )
    print(f"FINDINGS {_results(graph)}")


def _results(graph: object) -> int:
    import rdflib

    assert isinstance(graph, rdflib.Graph)
    result = rdflib.URIRef("http://www.w3.org/ns/shacl#ValidationResult")
    return len(set(graph.subjects(rdflib.RDF.type, result)))


def cpms_kg(table: Path, store: Path, engine: str, report: Path) -> Run:
    report.unlink(missing_ok=True)  # a run into the same folder would pay for truncating the last report
    run = measure(
        [
            str(BIN / "cpms-kg"), "validate", str(table), "--standard", STANDARD, "--firm", "bench",
            "--engine", engine, "--format", "json", "--report", str(report), "--store", str(store),
        ],
        ok=(0, 1),  # 1: the table has findings, as it should
    )  # fmt: skip
    run.findings = sum(json.loads(run.out)["counts"]["by_severity"].values())
    return run


def _median(runs: list[Run]) -> Run:
    """The run of median time, with the highest peak memory of all."""
    middle = sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]
    return Run(middle.seconds, max(r.peak_mb for r in runs), middle.findings, middle.out, middle.failed)


def _self(*args: str) -> list[str]:
    return [sys.executable, __file__, *args]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000", help="row counts, comma-separated (1000000 for 1M)")
    parser.add_argument("--engine", default="fast", help="cpms-kg's engine (fast, pyshacl)")
    parser.add_argument("--peers", default="shacl,turbo,pyshacl", help="peers to run")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the floor and of cpms-kg (the median counts)")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="cpms-bench-conformance-"))
    work.mkdir(parents=True, exist_ok=True)
    store = work / "store"
    if not store.exists():
        subprocess.run([str(BIN / "cpms-kg"), "init", "--store", str(store)], check=True, capture_output=True)
    # One untimed run of each measured command first: bytecode compiled on first import and a store just
    # written by `init` are one-off costs, not part of checking a table.
    warm = work / "warm-up.csv"
    generate(1_000, warm)
    measure(_self("floor", str(warm)))
    cpms_kg(warm, store, args.engine, work / "warm-up.ttl")
    peers = [p for p in args.peers.split(",") if p]
    print(f"{'rows':>9} {'engine':<10} {'seconds':>9} {'peak MB':>9} {'findings':>9} {'expected':>9}  ok")
    for size in (int(s) for s in args.sizes.split(",")):
        table = work / f"bearings-{size}.csv"
        expected = generate(size, table)
        # The floor and cpms-kg take seconds: each is the median of --repeat runs (peers run once).
        results: dict[str, Run] = {
            "floor": _median([measure(_self("floor", str(table))) for _ in range(args.repeat)]),
            "cpms-kg": _median(
                [cpms_kg(table, store, args.engine, work / f"report-{size}.ttl") for _ in range(args.repeat)]
            ),
        }
        data, shapes = work / f"data-{size}.nt", work / f"shapes-{size}.ttl"
        if peers:
            convert = results["convert"] = measure(_self("convert", str(table), str(data), str(shapes), str(store)))
        alone: dict[str, float] = {}
        for peer in peers:
            if peer == "pyshacl" and size > 100_000:
                continue
            ran = measure(_self(peer, str(data), str(shapes)), capped=True)
            peak = max(convert.peak_mb, ran.peak_mb)
            results[peer] = Run(convert.seconds + ran.seconds, peak, ran.findings, "", ran.failed)
            if not ran.failed:
                alone[peer] = ran.seconds
        for name, run in results.items():
            ok = "" if run.findings is None else ("yes" if run.findings == expected else "NO")
            findings = "" if run.findings is None else str(run.findings)
            line = f"{size:>9} {name:<10} {run.seconds:>9.2f} {run.peak_mb:>9.0f} {findings:>9} {expected:>9}  {ok}"
            print(line + (f"  ({run.failed})" if run.failed else ""))
        ours = results["cpms-kg"]
        finished = [results[p] for p in peers if p in results and not results[p].failed]
        fastest = min(finished, key=lambda r: r.seconds, default=None)
        speedup = fastest.seconds / ours.seconds if fastest else float("nan")
        # The conservative view: the fastest peer's validation alone, as if the RDF had cost nothing to make.
        bare = min(alone.values(), default=float("nan")) / ours.seconds
        floor_ratio = ours.seconds / results["floor"].seconds
        print(
            f"{size:>9} ratios: fastest peer / cpms-kg = {speedup:.2f} (target >= 3; validation alone: {bare:.2f}), "
            f"cpms-kg / floor = {floor_ratio:.2f} (target <= 5), cpms-kg peak {ours.peak_mb:.0f} MB"
            + (" (target < 2048 at 1M)" if size >= 1_000_000 else "")
        )


STEPS: dict[str, Callable[..., None]] = {
    "floor": step_floor,
    "convert": step_convert,
    "shacl": step_shacl,
    "turbo": step_turbo,
    "pyshacl": step_pyshacl,
}

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in STEPS:
        STEPS[sys.argv[1]](*sys.argv[2:])
    else:
        main()
