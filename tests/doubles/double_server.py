"""How every double starts: --host and --port (0: a free port), a threading HTTP server, and its URL as the first line
of standard output, which the test run waits for."""
import argparse
from http.server import ThreadingHTTPServer


def arguments(description, *extra):
    """The command line: --host, --port and each (flag, help) of extra."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    for flag, text in extra:
        parser.add_argument(flag, help=text)
    return parser.parse_args()


def serve(handler, args):
    """Serves until stopped; the first line printed is the URL."""
    server = ThreadingHTTPServer((args.host, args.port), handler)
    server.daemon_threads = True
    print(f"http://{args.host}:{server.server_address[1]}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
