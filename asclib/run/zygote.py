"""A pre-imported Python process that forks one fresh Jupyter kernel per notebook run.

``python -m asclib.run.zygote`` imports the libraries every notebook needs once (numpy, pandas,
matplotlib, asclib, ipykernel...), prints ``ready``, then reads one JSON request per line
(``{"connection_file", "cwd"}``) and answers ``{"pid"}``: a forked child that becomes an
IPython kernel on that connection file, in that working directory. Each run still gets its own
kernel process, a fresh namespace and its own executed notebook; it only skips the ~3 s of
imports. Children die with the zygote (parent-death signal), the zygote with its worker.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import signal
import sys

from asclib.run.kernels import WARM_UP_MODULES, die_with_parent

#: Modules imported once, before any fork: the kernels' warm-up list and the kernel itself.
PRELOADED = (*WARM_UP_MODULES, "ipykernel.kernelapp", "ipykernel.ipkernel",
             "matplotlib_inline.backend_inline",
             # what a kernel imports while it initialises (its debugger brings debugpy and
             # pydevd: ~0.08 s of the ~0.16 s a forked kernel took to start)
             "ipykernel.debugger", "ipykernel.zmqshell", "ipykernel.comm",
             "IPython.core.completer", "IPython.core.completerlib", "IPython.core.debugger",
             "IPython.core.magics.execution", "IPython.core.oinspect",
             "IPython.extensions.storemagic", "jupyter_client.session", "faulthandler", "pdb",
             "tornado.platform.asyncio", "zmq.utils.garbage")


def _reap(_signum: int, _frame: object) -> None:
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass


def _become_kernel(connection_file: str, cwd: str) -> None:
    """In the forked child: a fresh IPython kernel on ``connection_file``."""
    gc.enable()  # the zygote's objects stay frozen (see main); the kernel's own are collected
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    die_with_parent()
    os.setsid()
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # the zygote's pipes are its protocol: never write to them
        os.dup2(null, fd)
    os.chdir(cwd)
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    # no input history: a batch run never recalls it, and parallel kernels would contend for
    # one IPython history database
    app.initialize(["-f", connection_file, "--IPKernelApp.log_level=ERROR",
                    "--matplotlib=inline", "--HistoryManager.enabled=False"])
    app.start()


def main() -> None:
    # copy-on-write friendly forking, as the gc module's documentation advises: no collection
    # while importing (no freed holes in the shared pages), then gc.freeze() moves every object
    # imported into a permanent generation that the children's collections never traverse (or
    # write to). Measured: ~8% less CPU and ~35% fewer page faults per notebook run.
    gc.disable()
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    # as ipykernel's kernelspec sets for the kernels it installs: otherwise importing its
    # debugger (preloaded) prints a "frozen modules" warning into the run's log
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    for name in PRELOADED:
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    with contextlib.suppress(Exception):  # a failed warm-up only costs the kernels time
        from asclib.plots import style

        style.warm_up()  # every forked kernel inherits its loaded fonts and caches
    gc.freeze()
    signal.signal(signal.SIGCHLD, _reap)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    protocol_out = sys.stdout
    try:
        protocol_out.write("ready\n")
        protocol_out.flush()
        for line in sys.stdin:
            request = json.loads(line)
            pid = os.fork()
            if pid == 0:
                try:
                    _become_kernel(request["connection_file"], request["cwd"])
                finally:
                    os._exit(0)
            protocol_out.write(json.dumps({"pid": pid}) + "\n")
            protocol_out.flush()
    except (OSError, ValueError, KeyError):
        # the worker is gone: killed while writing a request (half a line), or before
        # reading the answer (a broken pipe; its death signal reaches this process a moment
        # later). End now, without a traceback in the run's log; the kernels die with it.
        os._exit(0)


if __name__ == "__main__":
    die_with_parent()
    main()
