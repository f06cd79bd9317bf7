"""``eventcomposer local``: the embedded EventBridge as a server for other tools."""

from __future__ import annotations

import argparse
import threading

from eventcomposer.cli import exit_codes
from eventcomposer.cli.context import error, out, settings_from


def run_local(args: argparse.Namespace) -> int:
    from eventcomposer.local.server import LocalServerUnavailable
    from eventcomposer.local.session import start_local

    try:
        server, settings = start_local(
            settings_from(args), port=args.port, seed_demo=not args.no_demo
        )
    except LocalServerUnavailable as exc:
        error(str(exc))
        return exit_codes.UNREACHABLE
    except OSError as exc:
        error(f"can't listen on 127.0.0.1:{args.port}: {exc.strerror or exc}; try another --port")
        return exit_codes.BAD_INPUT
    out.print(f"Local EventBridge (with SQS and CloudWatch Logs) on {settings.endpoint_url}")
    if not args.no_demo:
        out.print("Seeded with the demo bus 'orders', demo rules and an SQS queue per rule.")
    out.print("Point other tools at it:")
    out.print(f"  export AWS_ENDPOINT_URL={settings.endpoint_url}")
    out.print(f"  export AWS_REGION={settings.region}")
    out.print("  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local")
    out.print("Press Ctrl+C to stop.")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return exit_codes.OK
