"""Reading catalogs (JSON Lines, CSV, Parquet) and writing decisions.

Every record of the input comes out as either a :class:`Listing` or a
:class:`BadRecord` with its line (or row) number and a clear message, so a
broken line is reported and the rest goes on: no record is ever lost and none
is approved by accident.

Photo paths that are relative are resolved against the catalog file's folder
(FORMATS §1); URLs and ``data:`` URIs are left as they are.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from shelfcheck.model import LabelledListing, Listing

#: Columns of a CSV catalog that hold JSON (lists and objects).
_JSON_COLUMNS = ("photos", "variants", "size_chart", "video", "expected")
_MAX_LINE = 64 * 1024 * 1024


class CatalogError(ValueError):
    """The catalog as a whole cannot be read (missing file, unknown format)."""


@dataclass(frozen=True, slots=True)
class BadRecord:
    """A record that is not a valid listing: where it is and what is wrong."""

    line: int
    id: str | None
    error: str

    def to_json_dict(self) -> dict[str, Any]:
        return {"id": self.id, "line": self.line, "error": self.error}


Record = tuple[int, Listing | BadRecord]


def describe_validation_error(exc: ValidationError) -> str:
    """One line naming each bad field: ``title: Field required; price: Input should be a number``."""
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "listing"
        parts.append(f"{where}: {err['msg']}")
    more = len(exc.errors()) - 5
    if more > 0:
        parts.append(f"... and {more} more")
    return "; ".join(parts)


def _is_local_path(ref: str) -> bool:
    return not (ref.startswith(("http://", "https://", "data:")) or Path(ref).is_absolute())


def resolve_photos(data: dict[str, Any], base: Path | None) -> dict[str, Any]:
    """Make relative photo paths absolute against ``base`` (the catalog's folder)."""
    if base is None:
        return data
    photos = data.get("photos")
    if isinstance(photos, list):
        data["photos"] = [
            str(base / p) if isinstance(p, str) and _is_local_path(p) else p for p in photos
        ]
    variants = data.get("variants")
    if isinstance(variants, list):
        for variant in variants:
            if isinstance(variant, dict):
                photo = variant.get("photo")
                if isinstance(photo, str) and _is_local_path(photo):
                    variant["photo"] = str(base / photo)
    return data


def parse_record(
    data: Any, line: int, *, base: Path | None, labelled: bool = False
) -> Listing | BadRecord:
    """Validate one decoded record into a listing (or a labelled listing)."""
    if not isinstance(data, dict):
        return BadRecord(line, None, f"expected a JSON object, got {type(data).__name__}")
    raw_id = data.get("id")
    record_id = raw_id if isinstance(raw_id, str) else None
    model = LabelledListing if labelled else Listing
    try:
        return model.model_validate(resolve_photos(data, base))
    except ValidationError as exc:
        return BadRecord(line, record_id, describe_validation_error(exc))


def _read_jsonl(stream: IO[str], base: Path | None, labelled: bool) -> Iterator[Record]:
    for number, text in enumerate(stream, start=1):
        if not text.strip():
            continue
        if len(text) > _MAX_LINE:
            yield number, BadRecord(number, None, f"line is {len(text)} characters, over the limit")
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            yield number, BadRecord(number, None, f"malformed JSON: {exc.msg} at column {exc.colno}")
            continue
        yield number, parse_record(data, number, base=base, labelled=labelled)


def _csv_value(column: str, value: str) -> Any:
    value = value.strip()
    if value == "":
        return None
    if column in _JSON_COLUMNS:
        if value[:1] in "[{":
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                return value
        if column == "photos":
            return [p.strip() for p in value.split("|") if p.strip()]
    if column == "price":
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _read_csv(stream: IO[str], base: Path | None, labelled: bool) -> Iterator[Record]:
    csv.field_size_limit(_MAX_LINE)
    reader = csv.DictReader(stream)
    for number, row in enumerate(reader, start=2):
        data = {
            k: _csv_value(k, v)
            for k, v in row.items()
            if k is not None and isinstance(v, str) and v.strip() != ""
        }
        yield number, parse_record(data, number, base=base, labelled=labelled)


def _read_parquet(path: Path, base: Path | None, labelled: bool) -> Iterator[Record]:
    import pyarrow.parquet as pq

    number = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=1024):
        for row in batch.to_pylist():
            number += 1
            data = {k: v for k, v in row.items() if v is not None}
            for column in _JSON_COLUMNS:
                if isinstance(data.get(column), str):
                    data[column] = _csv_value(column, data[column])
            yield number, parse_record(data, number, base=base, labelled=labelled)


def catalog_format(path: str) -> str:
    suffix = Path(path).suffix.lower()
    if path == "-" or suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    raise CatalogError(f"unknown catalog format {suffix!r}: use .jsonl, .csv or .parquet")


def read_catalog(path: str, *, labelled: bool = False) -> Iterator[Record]:
    """Every record of the catalog at ``path`` (``-`` for standard input), in order."""
    fmt = catalog_format(path)
    if path == "-":
        stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
        yield from _read_jsonl(stream, Path.cwd(), labelled)
        return
    file = Path(path)
    if not file.is_file():
        raise CatalogError(f"catalog not found: {path}")
    base = file.resolve().parent
    if fmt == "parquet":
        yield from _read_parquet(file, base, labelled)
        return
    with file.open(encoding="utf-8", errors="replace", newline="") as stream:
        if fmt == "csv":
            yield from _read_csv(stream, base, labelled)
        else:
            yield from _read_jsonl(stream, base, labelled)


def count_records(path: str) -> int | None:
    """A cheap count of records for the progress bar (None when unknown, e.g. stdin)."""
    if path == "-":
        return None
    try:
        fmt = catalog_format(path)
        if fmt == "parquet":
            import pyarrow.parquet as pq

            return int(pq.ParquetFile(path).metadata.num_rows)
        with open(path, "rb") as fh:
            lines = sum(1 for line in fh if line.strip())
        return max(0, lines - 1) if fmt == "csv" else lines
    except (OSError, CatalogError):
        return None
