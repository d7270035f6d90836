import os


def port():
    return int(os.environ.get("PORT", "8000"))
