"""Public letter verification reads the uploaded PDF in a child process with a CPU-time and memory limit.

Anyone may upload to ``/letters/verify/`` without an account, so the parsing (pyHanko's signature check and the
metadata read) must not let one request take a web process's CPU for long: a child forked from a small fork
server runs it under ``RLIMIT_CPU`` and ``RLIMIT_AS``, and is killed at a wall-clock deadline. The parent does the
register look-ups with the child's answer.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import threading

from letters import signing

MEMORY_LIMIT_BYTES = 1536 * 1024 * 1024


class CheckTookTooLong(Exception):
    """The file could not be read within the limits."""


_context_lock = threading.Lock()
_context = None


def _get_context():
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            # The fork server imports Django and the PDF libraries once; each check forks from it.
            context.set_forkserver_preload(["letters.verify_guard_child"])
            _context = context
    return _context


def _child(connection, data: bytes, roots_der: list[bytes], cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    with contextlib.suppress(ValueError, OSError):  # a lower hard limit is already in force
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    # deferred: the child sets up Django and the PDF stack itself, after the limits above are in force.
    from letters.verify_guard_child import check

    try:
        connection.send(check(data, roots_der))
    finally:
        connection.close()


def check_file(data: bytes, trust_roots, *, cpu_seconds: int):
    """(signature result, claimed verification code) of ``data``, or CheckTookTooLong."""
    roots_der = [signing._as_asn1_certificate(root).dump() for root in trust_roots]
    context = _get_context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, data, roots_der, cpu_seconds), daemon=True)
    process.start()
    sender.close()
    try:
        # Wall clock: the CPU limit plus time for the fork and for a machine busy with other work.
        if receiver.poll(cpu_seconds * 3 + 5):
            try:
                return receiver.recv()
            except (EOFError, OSError):  # the child died (CPU limit, memory) before it answered
                raise CheckTookTooLong from None
        raise CheckTookTooLong
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(timeout=5)
        if process.is_alive():  # pragma: no cover - the kernel did not reap it in time
            os.kill(process.pid, 9)
