import signal
import sys
from http.server import HTTPServer, SimpleHTTPRequestHandler


def stop(signum, frame):
    sys.exit(0)


signal.signal(signal.SIGTERM, stop)
HTTPServer(("", 8000), SimpleHTTPRequestHandler).serve_forever()
