"""``python -m shelfcheck.service``: run the review service (what ``shelfcheck serve`` runs)."""

from __future__ import annotations

import argparse

from shelfcheck.service.app import serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m shelfcheck.service")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--database-url",
        default=None,
        help="sqlite:///file.db (default) or postgresql+psycopg://user@host/db",
    )
    parser.add_argument("--workers", type=int, default=None, help="background review threads")
    parser.add_argument("--policy-dir", default=None)
    parser.add_argument("--processes", type=int, default=None, help="server processes")
    args = parser.parse_args(argv)
    serve(
        host=args.host,
        port=args.port,
        database_url=args.database_url,
        workers=args.workers,
        policy_dir=args.policy_dir,
        processes=args.processes,
    )


if __name__ == "__main__":
    main()
