"""A scheduler's address where nothing answers is one message at once, not a silent wait
of Dask's connect timeout; what answers but is no scheduler, or a scheduler too slow for
the timeout, is one message too (the latter says how to wait longer)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from pathlib import Path

import distributed
import pytest
from test_cli_data import run

MUSIC = Path(__file__).parent.parent / "grammars" / "music.grm"


def _sample_on(capsys, address: str) -> tuple[int, str, str]:
    return run(capsys, "sample", MUSIC, "-n", "10", "--dask", address)


def _closed_port() -> int:
    """A port of this machine where nothing listens (bound, then let go)."""
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        return free.getsockname()[1]


def test_nothing_listening_is_one_message_at_once(capsys):
    address = f"tcp://127.0.0.1:{_closed_port()}"
    start = time.monotonic()
    status, out, err = _sample_on(capsys, address)
    assert time.monotonic() - start < 10  # Dask's own retries would take 30 s
    assert (status, out) == (2, "")
    assert err.startswith(f"grammar-fst: error: --dask {address}: nothing answers at 127.0.0.1:")
    assert "start a scheduler there" in err and "local:N" in err
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:port", "tcp://127.0.0.1"])
def test_an_address_with_no_port_is_one_message(capsys, address):
    assert _sample_on(capsys, address) == (2, "", f"grammar-fst: error: --dask {address}: "
                                           "not a scheduler's address such as "
                                           "tcp://host:8786, nor local:N\n")


def _hang_up_on_each(listener: socket.socket, done: threading.Event) -> None:
    listener.settimeout(0.1)
    while not done.is_set():
        with contextlib.suppress(TimeoutError):
            listener.accept()[0].close()


def test_a_listener_that_is_no_scheduler_is_one_message(capsys):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        address = f"tcp://127.0.0.1:{other.getsockname()[1]}"
        done = threading.Event()
        hang_up = threading.Thread(target=_hang_up_on_each, args=(other, done))
        hang_up.start()
        try:
            status, out, err = _sample_on(capsys, address)
        finally:
            done.set()
            hang_up.join()
    assert (status, out) == (2, "")
    assert err.startswith(f"grammar-fst: error: --dask {address}: no Dask scheduler answers")
    assert err.count("\n") == 1


def test_a_scheduler_slower_than_the_timeout_says_how_to_wait_longer(capsys, monkeypatch):
    with socket.socket() as slow:  # answers TCP; Dask's own handshake then times out
        slow.bind(("127.0.0.1", 0))
        slow.listen()
        address = f"tcp://127.0.0.1:{slow.getsockname()[1]}"

        def times_out(*args, **kwargs):
            raise TimeoutError(f"Timed out trying to connect to {address} after 30 s")

        monkeypatch.setattr(distributed, "Client", times_out)
        status, out, err = _sample_on(capsys, address)
    assert (status, out) == (2, "")
    assert err.startswith(f"grammar-fst: error: --dask {address}: the scheduler did not "
                          "answer in time: Timed out")
    assert "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT=120s" in err
