from signal import signal, SIGINT, SIGTERM
import time

running = True


def handle(signum, frame):
    global running
    running = False


for sig in (SIGINT, SIGTERM):
    signal(sig, handle)

while running:
    time.sleep(1)
