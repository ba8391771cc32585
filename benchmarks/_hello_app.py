"""The baseline app of benchmarks/api.py: one Litestar endpoint, no auth, no database (the framework alone)."""
from litestar import Litestar, get


@get("/hello", sync_to_thread=False)
def hello() -> dict[str, str]:
    return {"hello": "world"}


app = Litestar([hello])
