"""Views to model calls as a stream: N calls in flight at all times, each result handed on as it comes.

A server backend (`reason_one`, openai) gets one view per call from N + PREPARED_AHEAD threads: the
next views are read and encoded while N wait on the server (the backend itself keeps N at the server),
and a slow view holds up no other. A local model
(`token_budget`, transformers) gets batches of views of one input size, as many as fit its memory
budget, called in the run's thread. Everything else (replay) gets fixed batches of `--batch-size`.
Raster reads and everything done with a result stay in the caller's thread; the order of results is
the order of completion, which resume and merging do not depend on.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence

from inference_core.models.backends.base import ReasonReply, ReasonRequest

Item = tuple[Any, ReasonRequest]  # (the caller's view, e.g. a TileSpec; its request)
Call = Callable[[Sequence[ReasonRequest]], list[ReasonReply]]
# How often a wait on the server looks at the cancel flag: Cancel stops a run within this.
CANCEL_POLL_S = 0.1
# Views a server backend reads and encodes ahead, ready to go the moment one of its N places frees up.
PREPARED_AHEAD = 2


class SingleViews:
    """One view per call (a server batches concurrent requests itself)."""

    def add(self, item: Item) -> list[list[Item]]:
        return [[item]]

    def flush(self) -> list[list[Item]]:
        return []

    def shrink(self, views: int) -> None:
        pass


@dataclass
class FixedBatches:
    """Views in arrival order, `size` per call."""

    size: int
    _pending: list[Item] = field(default_factory=list)

    def add(self, item: Item) -> list[list[Item]]:
        self._pending.append(item)
        if len(self._pending) >= self.size:
            return self.flush()
        return []

    def flush(self) -> list[list[Item]]:
        out, self._pending = ([self._pending] if self._pending else []), []
        return out

    def shrink(self, views: int) -> None:
        self.size = max(1, min(self.size, views))


@dataclass
class SizeBatches:
    """Views of one input size together (no padding, so each answers as it would alone), a batch holding as
    many as `budget` tokens allow, at most `max_views`; views of other sizes wait in their own batch."""

    size_of: Callable[[ReasonRequest], tuple[int, int]]
    tokens_of: Callable[[ReasonRequest], int]
    budget: int
    max_views: int
    _buckets: dict[tuple[int, int], list[Item]] = field(default_factory=dict)
    _capacity: dict[tuple[int, int], int] = field(default_factory=dict)

    def capacity(self, request: ReasonRequest) -> int:
        """Views per call for this request's input size under the current budget."""
        key = self.size_of(request)
        if key not in self._capacity:
            self._capacity[key] = max(1, min(self.max_views, self.budget // max(1, self.tokens_of(request))))
        return self._capacity[key]

    def add(self, item: Item) -> list[list[Item]]:
        key = self.size_of(item[1])
        cap = self.capacity(item[1])
        bucket = self._buckets.setdefault(key, [])
        bucket.append(item)
        return [self._buckets.pop(key)] if len(bucket) >= cap else []

    def flush(self) -> list[list[Item]]:
        out = [b for b in self._buckets.values() if b]
        self._buckets = {}
        return out

    def shrink(self, views: int) -> None:
        """An out-of-memory said `views` per call is the most to try: the budget follows for every size."""
        self.max_views = max(1, min(self.max_views, views))
        self._capacity = {k: min(v, self.max_views) for k, v in self._capacity.items()}


@dataclass
class StreamPlan:
    """How one backend is driven: the call for a group of views, how views are grouped, calls in flight
    (0: in the caller's thread), and the event that stops retries and unsent views once the run ends."""

    call: Call
    batcher: Any  # SingleViews | FixedBatches | SizeBatches
    in_flight: int
    stop: threading.Event


def plan_for(backend: Any, batch_size: int, max_auto_batch: int) -> StreamPlan:
    """The stream plan that suits `backend` (see the module docstring); `batch_size` 0 = auto."""
    stop = threading.Event()
    if hasattr(backend, "reason_one"):
        return StreamPlan(lambda reqs: [backend.reason_one(r, stop) for r in reqs], SingleViews(),
                          max(1, int(backend.in_flight)) + PREPARED_AHEAD, stop)
    if hasattr(backend, "token_budget"):
        batcher = SizeBatches(backend.input_size_of, backend.view_tokens, backend.token_budget(),
                              batch_size or max_auto_batch)
        return StreamPlan(backend.reason, batcher, 0, stop)
    return StreamPlan(backend.reason, FixedBatches(batch_size or 1), 0, stop)


class ViewStream:
    """Drives `call` over views: `replies(...)` yields (view, reply) pairs as answers arrive."""

    def __init__(self, call: Call, batcher: Any, in_flight: int, stop: Optional[threading.Event] = None):
        self.call = call
        self.batcher = batcher
        self.in_flight = int(in_flight)
        self.stop = stop or threading.Event()

    def replies(self, views: Iterable[Any], read: Callable[[Any], ReasonRequest],
                cancelled: Callable[[], bool] = lambda: False,
                answered: Callable[[ReasonRequest], Optional[ReasonReply]] = lambda r: None,
                ) -> Iterator[tuple[Any, ReasonReply]]:
        """(view, reply) for every view, in completion order. `read(view)` makes its request (in this thread),
        or None when there is nothing to ask (then the reply is None); `answered(request)` may answer it
        without a call (reused answers). A failed call raises here, after
        the results that had already come in were handed on; calls not yet answered are abandoned."""
        if self.in_flight <= 0:
            yield from self._inline(views, read, cancelled, answered)
        else:
            yield from self._threaded(views, read, cancelled, answered)

    # ------------------------------------------------------------------ in the caller's thread
    def _inline(self, views, read, cancelled, answered):
        for view in views:
            if cancelled():
                return
            request = read(view)
            if request is None:  # nothing to ask (a view without data)
                yield view, None
                continue
            reply = answered(request)
            if reply is not None:
                yield view, reply
                continue
            for group in self.batcher.add((view, request)):
                yield from self._answer(group)
        for group in self.batcher.flush():
            if cancelled():
                return
            yield from self._answer(group)

    def _answer(self, group: list[Item]):
        replies = self.call([r for _, r in group])
        for (view, request), reply in zip(group, replies):
            yield view, _keyed(reply, request)

    # ------------------------------------------------------------------ N calls in flight
    def _threaded(self, views, read, cancelled, answered):
        pool = ThreadPoolExecutor(max_workers=self.in_flight, thread_name_prefix="view-stream")
        pending: dict[Future, tuple[int, list[Item]]] = {}
        ready: deque = deque()
        source = iter(views)
        exhausted = False
        order = 0
        try:
            while True:
                # Refill first: the calls stay at `in_flight` while finished results are being handled.
                while not exhausted and len(pending) < self.in_flight and not cancelled():
                    view = next(source, _END)
                    if view is _END:
                        exhausted, groups = True, self.batcher.flush()
                    else:
                        request = read(view)
                        reply = answered(request) if request is not None else None
                        if request is None or reply is not None:  # nothing to ask, or answered already
                            ready.append((view, reply))
                            continue
                        groups = self.batcher.add((view, request))
                    for group in groups:
                        pending[pool.submit(self.call, [r for _, r in group])] = (order, group)
                        order += 1
                while ready:
                    yield ready.popleft()
                if cancelled() or (exhausted and not pending):
                    return
                if not pending:
                    continue
                done, _ = wait(list(pending), timeout=CANCEL_POLL_S, return_when=FIRST_COMPLETED)
                failed = None
                for future in sorted(done, key=lambda f: pending[f][0]):
                    _, group = pending.pop(future)
                    if future.exception() is not None:
                        failed = failed or future.exception()
                        continue
                    for (view, request), reply in zip(group, future.result()):
                        ready.append((view, _keyed(reply, request)))
                while ready:  # what came in is handed on before a failure ends the run
                    yield ready.popleft()
                if failed is not None:
                    raise failed
        finally:
            self.stop.set()  # retries waiting in other threads give up, unsent views are not sent
            pool.shutdown(wait=False, cancel_futures=True)


_END = object()


def _keyed(reply: ReasonReply, request: ReasonRequest) -> ReasonReply:
    """The reply carries its request's content hash (run.reuse), which the pipeline stores with it."""
    key = getattr(request, "view_hash", None)  # SAM 3's find-all requests carry none
    if key and reply.view_hash != key:
        return dataclasses.replace(reply, view_hash=key)
    return reply
