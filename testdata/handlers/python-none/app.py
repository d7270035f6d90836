"""Serve files. signal.signal(signal.SIGTERM, ...) is not needed here."""
from http.server import HTTPServer, SimpleHTTPRequestHandler

from helpers import port

# signal.signal(signal.SIGTERM, stop)
HTTPServer(("", port()), SimpleHTTPRequestHandler).serve_forever()
