"""Which engine checks RDF product data fastest with pySHACL's findings: measured in one run (issue 6).

Generates a firm's products for a demo standard as N-Triples (about 21 triples a product; each fault
kind injected into 5% of products), compiles the standard's shapes, then runs each candidate in a
fresh process (whole-process wall time and peak RSS) on the same files:

- `pyshacl`: the reference (PyshaclEngine: rdflib graphs, shapes also as ontology graph);
- `fast-rdf`: cpms-kg's own SHACL Core to SPARQL compilation on an in-memory pyoxigraph Store;
- `shacl`: the Rust package `shacl` (data plus the category hierarchy as text);
- `pyshacl-turbo`: pyshacl-turbo on the files (never on a pyoxigraph Store: wrong on string enumerations);
- `sparql-oxigraph`: candidate (c), our compilation of the shapes to SPARQL (one query per property
  shape, for the components compiled shapes use) on an in-memory pyoxigraph Store. Its findings are
  not pySHACL's: the Store canonicalises typed literals ("25.50"^^xsd:decimal comes back as "25.5"),
  so values (and pattern or length checks on numbers) differ.

Each run reports its findings; every engine's findings (focus, path, component, severity, value) are
compared with the reference's where the reference ran, else with fast-rdf's. Default: 10k products;
`--large` adds 100k (pySHACL at 100k only with `--pyshacl-large`, it takes minutes).

    .venv/bin/python bench/rdf_engines.py [--large] [--standard bearings|fasteners] [--engines a,b]

Measured on the 2-core python machine kind, bearings, `--large` (same = findings equal the reference's):

     products engine           wall s  peak MB  findings  same
        10000 pyshacl            72.7      561      5080   yes
        10000 fast-rdf            0.7      261      5080   yes
        10000 shacl               0.6      220      5080   yes
        10000 pyshacl-turbo      22.5      910      5080   yes
        10000 sparql-oxigraph     2.1      189      5080    NO
       100000 fast-rdf            7.8     2068     51205   yes
       100000 shacl               5.7     1734     51205   yes
       100000 pyshacl-turbo     288.3     8491     51205   yes
       100000 sparql-oxigraph    25.2      796     51205    NO
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

from cpms_kg.conformance.products import Cell, ProductRecord, product_graph
from cpms_kg.standards import demo
from cpms_kg.standards.model import Attribute, Datatype, Obligation, Standard
from cpms_kg.standards.shapes import compile_shapes

BASE = "https://data.example.org/cpms/"
FIRM = "bench-firm"
ENGINES = ("pyshacl", "fast-rdf", "shacl", "pyshacl-turbo", "sparql-oxigraph")
FAULTS = ("missing", "datatype", "range", "code", "pattern", "length", "duplicate")
FAULT_RATE = 0.05

_TEXT = {"designation": "6205-2RS", "hs_code": "848210", "gtin": "6901234567892", "thread_tolerance": "6g"}


def _valid(attribute: Attribute, standard: Standard, rng: random.Random) -> str:
    if attribute.datatype is Datatype.CODE and attribute.code_list:
        codes = standard.code_list(attribute.code_list)
        assert codes is not None
        return rng.choice(codes.codes).code
    if attribute.datatype in (Datatype.DECIMAL, Datatype.INTEGER):
        lo, hi = attribute.min_inclusive or Decimal(0), attribute.max_inclusive or Decimal(1000)
        value = lo + (hi - lo) * Decimal(rng.randint(0, 1000)) / 1000
        if attribute.datatype is Datatype.INTEGER:
            return str(max(int(lo), min(int(hi), int(value))))
        # Non-canonical lexical forms ("25.50", "30.0") on purpose: findings must keep them.
        return f"{value.quantize(Decimal('0.01')):f}" if rng.random() < 0.5 else f"{value.normalize():f}"
    return _TEXT.get(attribute.code, f"{attribute.code[:8]}-{rng.randint(1, 999)}")


def _fault(kind: str, attribute: Attribute, standard: Standard, rng: random.Random) -> list[str] | None:
    """Values of `attribute` carrying the fault, or None when the fault does not apply to it."""
    dt = attribute.datatype
    if kind == "datatype" and dt in (Datatype.DECIMAL, Datatype.INTEGER):
        return ["twenty"]
    if kind == "range" and attribute.max_inclusive is not None:
        return [f"{attribute.max_inclusive * 10 + 1:f}"]
    if kind == "code" and dt is Datatype.CODE:
        return ["X-NOT-A-CODE"]
    if kind == "pattern" and attribute.pattern is not None:
        return ["?x?"]
    if kind == "length" and attribute.max_length is not None and attribute.pattern is None:
        return ["x" * (attribute.max_length + 1)]
    if kind == "duplicate" and attribute.max_count == 1:
        return [_valid(attribute, standard, rng), _valid(attribute, standard, rng) + "0"]
    return None


def _requirements(standard: Standard) -> dict[str, list[tuple[Attribute, Obligation]]]:
    parents = {c.code: c.parent for c in standard.categories}
    direct: dict[str, list[tuple[Attribute, Obligation]]] = {}
    for r in standard.requirements:
        attribute = standard.attribute(r.attribute)
        if attribute is not None:
            direct.setdefault(r.category, []).append((attribute, r.obligation))
    out: dict[str, list[tuple[Attribute, Obligation]]] = {}
    for code in parents:
        chain: list[tuple[Attribute, Obligation]] = []
        node: str | None = code
        while node is not None:
            chain += direct.get(node, [])
            node = parents[node]
        out[code] = chain
    return out


def records(standard: Standard, n: int, seed: int = 6) -> Iterator[ProductRecord]:
    """n products; each fault kind hits about FAULT_RATE of them, on one attribute it applies to."""
    rng = random.Random(seed)
    applicable = _requirements(standard)
    leaves = sorted(c for c in applicable if not any(o.parent == c for o in standard.categories))
    for i in range(n):
        category = rng.choice(leaves)
        values: dict[str, list[str]] = {}
        for attribute, obligation in applicable[category]:
            if obligation is not Obligation.OPTIONAL or rng.random() < 0.2:
                values[attribute.code] = [_valid(attribute, standard, rng)]
        for kind in FAULTS:
            if rng.random() >= FAULT_RATE:
                continue
            if kind == "missing":
                required = [a.code for a, o in applicable[category] if o is Obligation.REQUIRED]
                values.pop(rng.choice(required), None)
                continue
            options = [(a, f) for a, _ in applicable[category] if (f := _fault(kind, a, standard, rng)) is not None]
            if options:
                attribute, faulty = rng.choice(options)
                values[attribute.code] = faulty
        cells = tuple(Cell(code, v, code) for code, vs in sorted(values.items()) for v in vs)
        yield ProductRecord(i + 2, f"P{i:07d}", category, cells)


def write_inputs(standard: Standard, n: int, folder: Path) -> tuple[Path, Path, int]:
    """The products as N-Triples and the shapes as Turtle; returns their paths and the triple count."""
    data, shapes = folder / f"{standard.info.id}-{n}.nt", folder / f"{standard.info.id}-shapes.ttl"
    triples = 0
    with data.open("wb") as out:
        batch: list[ProductRecord] = []
        for record in records(standard, n):
            batch.append(record)
            if len(batch) == 5000:
                graph = product_graph(batch, standard, BASE, FIRM).triples
                triples += len(graph)
                out.write(ox.serialize(graph, format=ox.RdfFormat.N_TRIPLES) or b"")
                batch = []
        if batch:
            graph = product_graph(batch, standard, BASE, FIRM).triples
            triples += len(graph)
            out.write(ox.serialize(graph, format=ox.RdfFormat.N_TRIPLES) or b"")
    shape_triples = compile_shapes(standard, BASE)
    shapes.write_bytes(ox.serialize(shape_triples, format=ox.RdfFormat.TURTLE) or b"")
    return data, shapes, triples


# --- One engine in its own process ---------------------------------------------------------------


def _keys_digest(keys: list[tuple[str, ...]]) -> str:
    return hashlib.sha256("\n".join("\t".join(k) for k in sorted(keys)).encode()).hexdigest()[:16]


def _run_engine(engine: str, data: Path, shapes: Path) -> dict[str, object]:
    keys: list[tuple[str, ...]] = []
    if engine in ("pyshacl", "fast-rdf"):
        shape_triples = [q.triple for q in ox.parse(path=shapes, format=ox.RdfFormat.TURTLE)]
        if engine == "pyshacl":
            from cpms_kg.conformance.engine import PyshaclEngine

            triples = [q.triple for q in ox.parse(path=data, format=ox.RdfFormat.N_TRIPLES)]
            result = PyshaclEngine().validate(triples, shape_triples)
        else:
            from cpms_kg.conformance.rdf_engine import FastRdfEngine

            result = FastRdfEngine().validate_file(data, ox.RdfFormat.N_TRIPLES, shape_triples)
        keys = [(f.focus, f.path or "", f.component, f.severity, f.value or "") for f in result.findings]
    elif engine == "sparql-oxigraph":
        keys = _sparql_oxigraph(data, shapes)
    elif engine == "shacl":
        import shacl

        compiled = shacl.Shapes.from_file(str(shapes))
        # The category hierarchy lives in the shapes graph; class targets need it beside the data.
        hierarchy = (ox.serialize(ox.parse(path=shapes), format=ox.RdfFormat.N_TRIPLES) or b"").decode()
        text = data.read_text() + hierarchy
        report = compiled.validate_text(text, format="ntriples", allow_warnings=True)
        for r in report.results:
            keys.append((_plain(r.focus_node), _plain(r.path or ""), r.component, r.severity, _plain(r.value or "")))
    elif engine == "pyshacl-turbo":
        import pyshacl_turbo

        _, report, _ = pyshacl_turbo.validate(
            str(data), shacl_graph=str(shapes), ont_graph=str(shapes), allow_warnings=True
        )
        sh = "http://www.w3.org/ns/shacl#"
        from rdflib import RDF, URIRef

        for node in report.subjects(RDF.type, URIRef(sh + "ValidationResult")):

            def get(p: str, node: object = node) -> str:
                value = report.value(node, URIRef(sh + p))
                return "" if value is None else str(value)

            keys.append(
                (
                    get("focusNode"),
                    get("resultPath"),
                    get("sourceConstraintComponent").rsplit("#", 1)[-1],
                    get("resultSeverity").rsplit("#", 1)[-1],
                    get("value"),
                )
            )
    return {"findings": len(keys), "digest": _keys_digest(keys)}


def _sparql_oxigraph(data: Path, shapes: Path) -> list[tuple[str, ...]]:
    sh, rdf = "http://www.w3.org/ns/shacl#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    store = ox.Store()
    store.bulk_load(path=data, format=ox.RdfFormat.N_TRIPLES)
    shape_triples = [q.triple for q in ox.parse(path=shapes, format=ox.RdfFormat.TURTLE)]
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in shape_triples)
    index: dict[object, dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]]] = {}
    for t in shape_triples:
        index.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)

    def items(node: object) -> list[object]:
        out: list[object] = []
        while node != ox.NamedNode(rdf + "nil"):
            out.append(index[node][rdf + "first"][0])
            node = index[node][rdf + "rest"][0]
        return out

    keys: list[tuple[str, ...]] = []
    for props in list(index.values()):
        for cls in props.get(sh + "targetClass", []):
            for prop in props.get(sh + "property", []):
                p = index[prop]
                path, severity = p[sh + "path"][0], p[sh + "severity"][0].value.rsplit("#", 1)[-1]
                target = f"?f <{rdf}type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* {cls} ."
                one = {k.rsplit("#", 1)[-1]: v[0] for k, v in p.items() if k.startswith(sh)}
                if "minCount" in one:
                    query, component = (
                        f"SELECT ?f WHERE {{ {target} FILTER NOT EXISTS {{ ?f {path} ?v }} }}",
                        "MinCount",
                    )
                elif "maxCount" in one:
                    query = (
                        f"SELECT ?f WHERE {{ {target} ?f {path} ?v }} GROUP BY ?f "
                        f"HAVING (COUNT(*) > {one['maxCount'].value})"
                    )
                    component = "MaxCount"
                else:
                    checks = {
                        "datatype": lambda o: f"!isLiteral(?v) || datatype(?v) != {o}",
                        "in": lambda o: "!(" + " || ".join(f"sameTerm(?v, {x})" for x in items(o)) + ")",
                        "minInclusive": lambda o: f"!COALESCE(?v >= {o}, false)",
                        "maxInclusive": lambda o: f"!COALESCE(?v <= {o}, false)",
                        "pattern": lambda o: f"!COALESCE(!isBlank(?v) && REGEX(STR(?v), {o}), false)",
                        "minLength": lambda o: f"!COALESCE(!isBlank(?v) && STRLEN(STR(?v)) >= {o.value}, false)",
                        "maxLength": lambda o: f"!COALESCE(!isBlank(?v) && STRLEN(STR(?v)) <= {o.value}, false)",
                    }
                    component = next(k for k in checks if k in one)
                    query = (
                        f"SELECT ?f ?v WHERE {{ {target} ?f {path} ?v FILTER({checks[component](one[component])}) }}"
                    )
                    component = component[0].upper() + component[1:]
                for row in store.query(query):  # type: ignore[union-attr]
                    value = row["v"].value if "v" in query.split("WHERE")[0] else ""
                    keys.append((row["f"].value, path.value, component + "ConstraintComponent", severity, value))
    return keys


def _plain(term: str) -> str:
    """An N-Triples term as the plain string Finding uses (IRI, or a literal's lexical form)."""
    if term.startswith("<") and term.endswith(">"):
        return term[1:-1]
    if term.startswith('"'):
        return str(ox.parse(f"<x:s> <x:p> {term} .", format=ox.RdfFormat.N_TRIPLES).__next__().object.value)
    return term


def _child(engine: str, data: Path, shapes: Path) -> None:
    start = time.perf_counter()
    out = _run_engine(engine, data, shapes)
    out["seconds"] = time.perf_counter() - start
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def measure(engine: str, data: Path, shapes: Path, timeout: float) -> dict[str, object]:
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, __file__, "--child", engine, str(data), str(shapes)],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:.0f} s"}
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"}
    out: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    out["wall"] = wall
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--large", action="store_true", help="also 100k products")
    parser.add_argument("--pyshacl-large", action="store_true", help="run pySHACL at 100k too (minutes)")
    parser.add_argument("--standard", choices=("bearings", "fasteners"), default="bearings")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--sizes", default="", help="comma-separated product counts (overrides --large)")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--child", nargs=3, metavar=("ENGINE", "DATA", "SHAPES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    standard = demo.bearings() if args.standard == "bearings" else demo.fasteners()
    sizes = [int(s) for s in args.sizes.split(",") if s] or ([10_000, 100_000] if args.large else [10_000])
    engines = [e for e in args.engines.split(",") if e]
    rows: list[tuple[int, str, dict[str, object]]] = []
    with tempfile.TemporaryDirectory(prefix="cpms-rdf-bench-") as tmp:
        for n in sizes:
            data, shapes, triples = write_inputs(standard, n, Path(tmp))
            print(f"{n} products, {triples} triples ({data.stat().st_size / 1e6:.0f} MB N-Triples)", flush=True)
            for engine in engines:
                if engine == "pyshacl" and n > 10_000 and not args.pyshacl_large:
                    continue
                result = measure(engine, data, shapes, args.timeout)
                print(f"  {engine}: {result}", flush=True)
                rows.append((n, engine, result))
    _table(rows)


def _table(rows: list[tuple[int, str, dict[str, object]]]) -> None:
    print()
    print(
        f"{'products':>9} {'engine':<14} {'wall s':>8} {'peak MB':>8} {'findings':>9} {'same':>5} "
        f"{'x fast-rdf':>10} {'x pyshacl':>9}"
    )
    for n in sorted({r[0] for r in rows}):
        group = {engine: result for size, engine, result in rows if size == n}
        reference = group.get("pyshacl") if "error" not in group.get("pyshacl", {"error": 1}) else group.get("fast-rdf")
        for engine, result in group.items():
            if "error" in result:
                print(f"{n:>9} {engine:<14} {result['error']}")
                continue
            wall = float(str(result["wall"]))
            same = (
                "-"
                if reference is None or "digest" not in reference
                else ("yes" if result["digest"] == reference["digest"] else "NO")
            )
            ratios = []
            for other in ("fast-rdf", "pyshacl"):
                base = group.get(other)
                ratios.append(f"{wall / float(str(base['wall'])):.2f}" if base and "wall" in base else "-")
            print(
                f"{n:>9} {engine:<14} {wall:>8.1f} {float(str(result['peak_mb'])):>8.0f} "
                f"{result['findings']:>9} {same:>5} {ratios[0]:>10} {ratios[1]:>9}"
            )


if __name__ == "__main__":
    main()
