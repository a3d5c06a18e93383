"""The ``shelfcheck`` command line: a thin layer over ``review()``.

    shelfcheck review CATALOG [-o decisions.jsonl]   review a catalog (JSONL, CSV, Parquet)
    shelfcheck eval LABELLED.jsonl [--json]            agreement with a labelled set
    shelfcheck rules [ID] [--json|--markdown]          the rule registry and each rule's docs
    shelfcheck photo FILE [--json]                     one photo's facts (why a photo rule fired)
    shelfcheck bank add IMAGE --brand NAME             add official brand imagery (BRAND-2)
    shelfcheck serve [--database-url URL]              the review service and moderator console

``--policy DIR`` on every command reviews against another policy version.
Exit codes: 0 done (even when listings are rejected); 1 done, but some records
were not valid listings (each reported with its line number); 2 unusable input
(no such file, unknown format, empty catalog, invalid policy).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from pathlib import Path
from typing import IO, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from shelfcheck.catalog import BadRecord, CatalogError, count_records, read_catalog
from shelfcheck.model import Decision, LabelledListing, Listing
from shelfcheck.policy import Policy, PolicyError, load_policy
from shelfcheck.review import review
from shelfcheck.tools import default_tools

EXIT_OK, EXIT_BAD_RECORDS, EXIT_UNUSABLE = 0, 1, 2

err = Console(stderr=True, highlight=False)


# --- reviewing many listings (in this process or in worker processes) ----------------------

_worker_policy: Policy | None = None
_worker_photos = True


def _init_worker(policy_dir: str | None, photos: bool) -> None:
    global _worker_policy, _worker_photos
    _worker_policy = load_policy(policy_dir)
    _worker_photos = photos
    default_tools()


def _review_in_worker(listing: Listing) -> Decision:
    assert _worker_policy is not None
    return review(listing, policy=_worker_policy, tools=default_tools(), photos=_worker_photos)


def review_stream(
    records: Iterable[tuple[int, Listing | BadRecord]],
    *,
    policy: Policy,
    policy_dir: str | None,
    workers: int,
    photos: bool = True,
) -> Iterator[tuple[int, Listing | BadRecord, Decision | None]]:
    """Decisions in input order; bad records pass through with no decision."""
    if workers <= 1:
        tools = default_tools()
        for line, item in records:
            if isinstance(item, BadRecord):
                yield line, item, None
            else:
                yield line, item, review(item, policy=policy, tools=tools, photos=photos)
        return
    with ProcessPoolExecutor(
        workers, initializer=_init_worker, initargs=(policy_dir, photos)
    ) as pool:
        batch: list[tuple[int, Listing | BadRecord]] = []

        def flush() -> Iterator[tuple[int, Listing | BadRecord, Decision | None]]:
            good = [item for _, item in batch if isinstance(item, Listing)]
            decisions = iter(pool.map(_review_in_worker, good, chunksize=16))
            for line, item in batch:
                yield line, item, None if isinstance(item, BadRecord) else next(decisions)
            batch.clear()

        for record in records:
            batch.append(record)
            if len(batch) >= 64 * workers:
                yield from flush()
        yield from flush()


def _progress(total: int | None, what: str) -> Progress | nullcontext[None]:
    if not err.is_terminal:
        return nullcontext()
    return Progress(
        TextColumn(f"[bold]{what}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("listings · {task.fields[photos]} photos"), TimeRemainingColumn(),
        console=err, transient=True,
    )


def _open_out(path: str) -> IO[str]:
    if path == "-":
        return sys.stdout
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return open(path, "w", encoding="utf-8")


def _summary_table(decisions: Counter[str], reasons: Counter[str], rules: Counter[str],
                   bad: int, seconds: float) -> None:
    total = sum(decisions.values())
    table = Table(title=f"{total} listings reviewed in {seconds:.1f} s", show_header=True)
    table.add_column("decision")
    table.add_column("listings", justify="right")
    table.add_column("share", justify="right")
    for kind in ("approve", "reject", "human_review"):
        n = decisions.get(kind, 0)
        table.add_row(kind, str(n), f"{n / total:.0%}" if total else "-")
    if bad:
        table.add_row("[red]invalid records", str(bad), "")
    err.print(table)
    for title, counter in (("top reasons", reasons), ("top rules", rules)):
        if counter:
            t = Table(title=title)
            t.add_column(title.split()[1][:-1])
            t.add_column("listings", justify="right")
            for key, n in counter.most_common(8):
                t.add_row(key, str(n))
            err.print(t)


def cmd_review(args: argparse.Namespace, policy: Policy) -> int:
    total = count_records(args.catalog)
    records = read_catalog(args.catalog)
    decisions: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    bad = 0
    started = time.perf_counter()
    out = _open_out(args.output)
    try:
        with _progress(total, "reviewing") as progress:
            task = progress.add_task("review", total=total, photos=0) if progress else None
            photos = 0
            for line, item, decision in review_stream(
                records, policy=policy, policy_dir=args.policy, workers=args.workers,
                photos=not args.no_photos,
            ):
                if decision is None:
                    assert isinstance(item, BadRecord)
                    bad += 1
                    err.print(f"[red]line {line}[/red]: {item.error}", markup=True)
                    out.write(json.dumps(item.to_json_dict(), ensure_ascii=False) + "\n")
                else:
                    decisions[decision.decision] += 1
                    reasons.update(r.code.value for r in decision.reasons)
                    rules.update({f.rule for f in decision.findings if f.outcome != "warn"})
                    out.write(json.dumps(decision.to_json_dict(), ensure_ascii=False) + "\n")
                if progress is not None and task is not None:
                    if isinstance(item, Listing) and not args.no_photos:
                        photos += len(item.photos)
                    progress.update(task, advance=1, photos=photos)
    finally:
        if out is not sys.stdout:
            out.close()
    if not decisions and not bad:
        err.print("[red]the catalog is empty: no listing to review[/red]")
        return EXIT_UNUSABLE
    if not args.quiet:
        _summary_table(decisions, reasons, rules, bad, time.perf_counter() - started)
    return EXIT_BAD_RECORDS if bad else EXIT_OK


# --- evaluation ------------------------------------------------------------------------------


def cmd_eval(args: argparse.Namespace, policy: Policy) -> int:
    from shelfcheck.evaluate import Pair, disagreement_json, metrics, worst

    items: list[tuple[int, LabelledListing | BadRecord]] = []
    for line, item in read_catalog(args.labelled, labelled=True):
        items.append((line, item))  # type: ignore[arg-type]
    bad = [item for _, item in items if isinstance(item, BadRecord)]
    for item in bad:
        err.print(f"[red]line {item.line}[/red]: {item.error}")
    labelled = [item for _, item in items if isinstance(item, LabelledListing)]
    if not labelled:
        err.print("[red]no labelled listing to evaluate[/red]")
        return EXIT_UNUSABLE
    pairs = []
    stream = review_stream(
        ((i, x) for i, x in enumerate(labelled)), policy=policy, policy_dir=args.policy,
        workers=args.workers, photos=not args.no_photos,
    )
    with _progress(len(labelled), "evaluating") as progress:
        task = progress.add_task("eval", total=len(labelled), photos=0) if progress else None
        photos = 0
        for _, item, decision in stream:
            assert isinstance(item, LabelledListing) and decision is not None
            pairs.append(Pair(item.id, item.title, item.expected, decision))
            if progress is not None and task is not None:
                photos += 0 if args.no_photos else len(item.photos)
                progress.update(task, advance=1, photos=photos)
    result = metrics(pairs)
    result["worst"] = [disagreement_json(p) for p in worst(pairs, args.worst)]
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        _print_eval(result)
    return EXIT_BAD_RECORDS if bad else EXIT_OK


def _print_eval(result: dict[str, Any]) -> None:
    out = Console(highlight=False)
    head = Table(title=f"agreement on {result['listings']} labelled listings")
    head.add_column("metric")
    head.add_column("value", justify="right")
    for key in ("exact_agreement", "decision_accuracy", "missed_platform_side",
                "false_rejections_of_clean", "false_rejection_rate", "human_review_rate"):
        head.add_row(key.replace("_", " "), str(result[key]))
    out.print(head)
    conf = Table(title="confusion (rows: expected, columns: machine)")
    conf.add_column("")
    for got in ("approve", "reject", "human_review"):
        conf.add_column(got, justify="right")
    for exp, row in result["confusion"].items():
        if any(row.values()):
            conf.add_row(exp, *(str(v) for v in row.values()))
    out.print(conf)
    per = Table(title="per reason (over rejections)")
    for col in ("reason", "support", "tp", "fp", "fn", "precision", "recall", "f1"):
        per.add_column(col, justify="left" if col == "reason" else "right")
    for reason, m in result["per_reason"].items():
        per.add_row(reason, *(str(m[k]) for k in ("support", "tp", "fp", "fn", "precision",
                                                   "recall", "f1")))
    out.print(per)
    if result["worst"]:
        bad = Table(title="worst disagreements")
        for col in ("id", "title", "expected", "machine"):
            bad.add_column(col, overflow="fold")
        for d in result["worst"]:
            exp = f"{d['expected']['decision']} {','.join(d['expected']['reasons'])} {' '.join(d['expected']['rules'])}"
            got = f"{d['got']['decision']} {','.join(d['got']['reasons'])} {' '.join(d['got']['rules'])}"
            bad.add_row(d["id"], d["title"][:60], exp, got)
        out.print(bad)


# --- the rule registry ----------------------------------------------------------------------


def rule_json(rule_id: str | None = None) -> list[dict[str, Any]]:
    from shelfcheck.rules import RULES

    return [
        {"id": r.id, "name": r.name, "reason": r.reason.value, "doubt": r.doubt.value,
         "kind": r.kind, "comment": r.comment, "needs_photos": r.needs_photos,
         "summary": r.summary, "doc": r.doc}
        for r in RULES
        if rule_id is None or r.id == rule_id
    ]


def cmd_rules(args: argparse.Namespace, policy: Policy) -> int:
    rule_id = args.id.upper() if args.id else None
    rows = rule_json(rule_id)
    if rule_id and not rows:
        why = policy.meta.not_machine_checked.get(rule_id)
        if why:
            print(f"{rule_id} is not machine-checked: {why}")
            return EXIT_OK
        err.print(f"[red]no rule {rule_id}[/red] (see `shelfcheck rules` for the list)")
        return EXIT_UNUSABLE
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    elif args.markdown or rule_id:
        for row in rows:
            print(f"## {row['id']} — {row['summary']}\n")
            print(f"`{row['name']}` · reason `{row['reason']}`"
                  + (f" (comment `{row['comment']}`)" if row["comment"] else "")
                  + f" · doubt on the {row['doubt']}'s side · {row['kind']}\n")
            print("\n".join(row["doc"].splitlines()[1:]).strip() + "\n")
        if not rule_id and args.markdown:
            print("## Not machine-checked\n")
            for key, why in policy.meta.not_machine_checked.items():
                print(f"- **{key}**: {why}")
    else:
        table = Table(title=f"{len(rows)} rules, policy version {policy.version}")
        for col in ("id", "reason", "doubt", "kind", "summary"):
            table.add_column(col, overflow="fold")
        for row in rows:
            table.add_row(row["id"], row["reason"], row["doubt"], row["kind"], row["summary"])
        Console().print(table)
    return EXIT_OK


# --- photos and the brand bank ---------------------------------------------------------------


def cmd_photo(args: argparse.Namespace, policy: Policy) -> int:
    from shelfcheck.photos import describe

    facts = describe(args.file, policy=policy, tools=default_tools())
    if args.json:
        print(json.dumps(facts, indent=2, ensure_ascii=False, default=str))
        return EXIT_OK if not facts.get("error") else EXIT_UNUSABLE
    table = Table(title=f"photo facts: {args.file}", show_header=False)
    table.add_column("fact")
    table.add_column("value", overflow="fold")
    for key, value in facts.items():
        if key == "text" and isinstance(value, (list, tuple)):
            value = "\n".join(
                f"{b.get('text')!r} (score {b.get('score')}) at {b.get('box')}" for b in value
            ) or "-"
        table.add_row(key, str(value))
    Console().print(table)
    return EXIT_OK if not facts.get("error") else EXIT_UNUSABLE


def cmd_bank_add(args: argparse.Namespace, policy: Policy) -> int:
    from shelfcheck.photos import bank

    try:
        entry = bank.add(args.image, args.brand, policy_dir=args.policy)
    except ValueError as exc:
        err.print(f"[red]error:[/red] {exc}")
        return EXIT_UNUSABLE
    print(json.dumps(entry, ensure_ascii=False))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, policy: Policy) -> int:
    from shelfcheck.service.app import serve

    serve(host=args.host, port=args.port, database_url=args.database_url,
          workers=args.workers, policy_dir=args.policy, processes=args.processes)
    return EXIT_OK


# --- wiring -----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shelfcheck", description="Machine review of marketplace listings (policy v73)."
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--policy", metavar="DIR", help="policy folder (default: bundled v73)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("review", parents=[common], help="review a catalog")
    p.add_argument("catalog", help="JSON Lines, CSV or Parquet catalog; - for stdin (JSONL)")
    p.add_argument("-o", "--output", default="-", help="decisions JSONL (default: stdout)")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary table")
    p.add_argument("--no-photos", action="store_true", help="judge the text alone, skip photos")
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("eval", parents=[common], help="agreement with a labelled set")
    p.add_argument("labelled", help="labelled JSON Lines (FORMATS §3)")
    p.add_argument("--json", action="store_true", help="metrics as JSON")
    p.add_argument("--worst", type=int, default=25, help="how many disagreements to list")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--no-photos", action="store_true", help="judge the text alone, skip photos")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("rules", parents=[common], help="list rules or show one rule's docs")
    p.add_argument("id", nargs="?", help="a rule ID, e.g. TITLE-7")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--markdown", action="store_true")
    p.set_defaults(func=cmd_rules)

    p = sub.add_parser("photo", parents=[common], help="one photo's facts")
    p.add_argument("file", help="a path, http(s) URL or data: URI")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_photo)

    p = sub.add_parser("bank", help="the BRAND-2 bank of official brand imagery")
    bank_sub = p.add_subparsers(dest="bank_command", required=True)
    p = bank_sub.add_parser("add", parents=[common], help="add an official brand image")
    p.add_argument("image", help="a path, http(s) URL or data: URI")
    p.add_argument("--brand", required=True, help="the brand it belongs to")
    p.set_defaults(func=cmd_bank_add)

    p = sub.add_parser("serve", parents=[common], help="the review service and console")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--database-url", default=None,
                   help="SQLAlchemy URL (default: a SQLite file shelfcheck.db); "
                        "postgresql+psycopg://user@host/db for PostgreSQL")
    p.add_argument("--workers", type=int, default=None,
                   help="background review threads per process")
    p.add_argument("--processes", type=int, default=None,
                   help="server processes on the one port (one core each)")
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        policy = load_policy(args.policy)
        return int(args.func(args, policy))
    except (PolicyError, CatalogError) as exc:
        err.print(f"[red]error:[/red] {exc}")
        return EXIT_UNUSABLE
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        err.print("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
