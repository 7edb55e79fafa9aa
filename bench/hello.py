"""A bare Flask hello-world: the yardstick bench/load.py compares the portal's
pages with, served by gunicorn with the same settings (gunicorn.conf.py).

    gunicorn -c gunicorn.conf.py --no-control-socket -w 2 -b 127.0.0.1:8001 bench.hello:app
"""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
