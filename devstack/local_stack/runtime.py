"""Invoking functions like the Lambda service: warm worker processes per function, timeouts, errors.

Each function gets its own pool of worker processes (one invocation at a time per process, as in
Lambda), with only the environment template.yaml gives it plus the local AWS endpoint. A worker that
times out is killed, like a Lambda sandbox, and replaced on the next call.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from local_stack.template import FunctionSpec


class InvocationError(Exception):
    def __init__(self, function: str, error_type: str, message: str):
        super().__init__(f"{function}: {error_type}: {message}")
        self.function = function
        self.error_type = error_type
        self.message = message


@dataclass
class InvocationRecord:
    function: str
    request_id: str
    ok: bool
    duration_ms: float
    error_type: str | None = None


class _Worker:
    def __init__(self, spec: FunctionSpec, env: dict[str, str], log: IO[str]):
        self.spec = spec
        pythonpath = os.pathsep.join(str(p) for p in [spec.code_dir, *spec.layer_dirs])
        self.process = subprocess.Popen(
            [sys.executable, "-m", "local_stack.worker", str(spec.code_dir), spec.handler],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**env, "PYTHONPATH": pythonpath},
            cwd=spec.code_dir,
        )
        self._replies: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=self._read_replies, daemon=True).start()
        threading.Thread(target=self._copy_logs, args=(log,), daemon=True).start()
        self._log = log
        self.cold = True

    def _read_replies(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._replies.put(json.loads(line))
        self._replies.put(None)

    def _copy_logs(self, log: IO[str]) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            log.write(line)
            log.flush()

    def wait_ready(self, timeout: float) -> None:
        """Wait for the handler's imports (Lambda's init phase) outside any invocation."""
        ready = self._next_reply(time.time() + timeout)
        if not ready.get("ready"):
            raise InvocationError(self.spec.logical_id, "Runtime.InitError", "handler failed to load")
        self.cold = False

    def invoke(self, event: Any, timeout: float) -> dict[str, Any]:
        deadline = time.time() + timeout
        if self.cold:
            # Init (imports, module-level clients) counts against the first invocation's time, as in Lambda.
            ready = self._next_reply(deadline)
            if not ready.get("ready"):
                raise InvocationError(self.spec.logical_id, "Runtime.InitError", "handler failed to load")
            self.cold = False
        request_id = str(uuid.uuid4())
        assert self.process.stdin is not None
        self.process.stdin.write(
            json.dumps({"event": event, "request_id": request_id, "deadline_ms": int(deadline * 1000)}) + "\n"
        )
        self.process.stdin.flush()
        return self._next_reply(deadline)

    def _next_reply(self, deadline: float) -> dict[str, Any]:
        try:
            reply = self._replies.get(timeout=max(0.0, deadline - time.time()))
        except queue.Empty:
            self.kill()
            # Lambda writes this line to the function's log group; a 502 from the gateway is otherwise silent.
            stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
            self._log.write(f"{stamp}Z Task timed out after {self.spec.timeout:.2f} seconds\n")
            self._log.flush()
            raise InvocationError(
                self.spec.logical_id, "Sandbox.Timedout", f"Task timed out after {self.spec.timeout} seconds"
            ) from None
        if reply is None:
            raise InvocationError(self.spec.logical_id, "Runtime.ExitError", "the runtime process exited")
        return reply

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait(timeout=5)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream:
                stream.close()


@dataclass
class FunctionPool:
    spec: FunctionSpec
    env: dict[str, str]
    log: IO[str]
    max_concurrency: int
    idle: list[_Worker] = field(default_factory=list)
    busy: int = 0
    lock: threading.Condition = field(default_factory=threading.Condition)
    workers: list[_Worker] = field(default_factory=list)

    def acquire(self) -> _Worker:
        with self.lock:
            while True:
                while self.idle:
                    worker = self.idle.pop()
                    if worker.alive():
                        self.busy += 1
                        return worker
                if self.busy < self.max_concurrency:
                    self.busy += 1
                    break
                self.lock.wait()
        worker = _Worker(self.spec, self.env, self.log)
        with self.lock:
            self.workers.append(worker)
        return worker

    def release(self, worker: _Worker) -> None:
        with self.lock:
            self.busy -= 1
            if worker.alive():
                self.idle.append(worker)
            self.lock.notify()

    def shutdown(self) -> None:
        with self.lock:
            workers, self.workers, self.idle = self.workers, [], []
        for worker in workers:
            worker.kill()

    def prewarm(self, count: int, timeout: float) -> int:
        """Have at least `count` workers initialised and idle; returns how many were started."""
        with self.lock:
            missing = max(0, count - self.busy - len([w for w in self.idle if w.alive()]))
            self.busy += missing  # reserved, so concurrent invocations do not start more meanwhile
        started = 0
        try:
            for _ in range(missing):
                worker = _Worker(self.spec, self.env, self.log)
                with self.lock:
                    self.workers.append(worker)
                worker.wait_ready(timeout)
                with self.lock:
                    self.idle.append(worker)
                    self.busy -= 1
                    started += 1
                    self.lock.notify()
        finally:
            with self.lock:
                self.busy -= missing - started
                self.lock.notify_all()
        return started

    def kill_busy(self) -> int:
        """Kill the workers in the middle of an invocation, as when a Lambda sandbox dies (for crash tests)."""
        with self.lock:
            busy = [w for w in self.workers if w.alive() and w not in self.idle]
        for worker in busy:
            # Only the process: its reply reader sees the end of output and fails the invocation it serves.
            worker.process.kill()
        return len(busy)


class LambdaRuntime:
    def __init__(
        self,
        functions: dict[str, FunctionSpec],
        base_env: dict[str, str],
        log_dir: Path,
        max_concurrency: int = 4,
    ):
        log_dir.mkdir(parents=True, exist_ok=True)
        self._logs: list[IO[str]] = []
        self._pools: dict[str, FunctionPool] = {}
        self.history: list[InvocationRecord] = []
        self._history_lock = threading.Lock()
        for logical_id, spec in functions.items():
            log = (log_dir / f"{logical_id}.log").open("a", encoding="utf-8")
            self._logs.append(log)
            env = {
                **base_env,
                **spec.environment,
                "AWS_LAMBDA_FUNCTION_NAME": logical_id,
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory),
                "AWS_LAMBDA_FUNCTION_TIMEOUT": str(spec.timeout),
            }
            self._pools[logical_id] = FunctionPool(spec, env, log, max_concurrency)

    @property
    def functions(self) -> list[str]:
        return sorted(self._pools)

    def prewarm(self, function: str, count: int = 1, timeout: float = 120.0) -> int:
        """Initialise `count` workers of `function` ahead of traffic, like Lambda's provisioned concurrency: their
        imports then do not count against a first invocation's timeout (which a busy machine can exceed)."""
        return self._pools[function].prewarm(count, timeout)

    def kill_busy_workers(self, function: str) -> int:
        """Kill `function`'s workers that are invoking right now; their batches return after the visibility timeout."""
        return self._pools[function].kill_busy()

    def invoke(self, function: str, event: Any) -> Any:
        """Invoke synchronously; raise InvocationError when the function fails or times out."""
        pool = self._pools[function]
        worker = pool.acquire()
        started = time.perf_counter()
        record = InvocationRecord(function=function, request_id="", ok=False, duration_ms=0)
        try:
            reply = worker.invoke(event, pool.spec.timeout)
            if not reply["ok"]:
                record.error_type = reply["errorType"]
                raise InvocationError(function, reply["errorType"], reply["errorMessage"])
            record.ok = True
            return reply["result"]
        except InvocationError as exc:
            record.error_type = exc.error_type
            raise
        finally:
            pool.release(worker)
            record.duration_ms = (time.perf_counter() - started) * 1000
            with self._history_lock:
                self.history.append(record)

    def pids(self) -> list[int]:
        return [w.process.pid for pool in self._pools.values() for w in pool.workers]

    def shutdown(self) -> None:
        for pool in self._pools.values():
            pool.shutdown()
        for log in self._logs:
            log.close()
