import signal

signal.signal(signal.SIGINT, lambda *a: None)
signal.signal(signal.SIGTERM, signal.SIG_DFL)
