"""The fake server in a background thread (own event loop), for sync tests and for a bot that
runs in a subprocess. Every attribute of :class:`FakeBotApi` is reachable; calls run in the
server's loop, coroutines (``wait_for``, ``wait_for_calls``) are awaited there."""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import threading
from typing import Any

from tests.fake_bot_api.server import DEFAULT_TOKEN, FakeBotApi


class FakeBotApiThread:
    """``with FakeBotApiThread(token=...) as api: api.push_text(…); api.wait_for_calls(…)``."""

    def __init__(self, token: str = DEFAULT_TOKEN, **kwargs: Any) -> None:
        self.api = FakeBotApi(token, **kwargs)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="FakeBotApiThread", daemon=True)

    def __enter__(self) -> FakeBotApiThread:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.api.start(), self._loop).result(10)
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            asyncio.run_coroutine_threadsafe(self.api.stop(), self._loop).result(10)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def _in_loop(self, function: Any, *args: Any, **kwargs: Any) -> Any:
        if threading.current_thread() is self._thread:  # e.g. inside a wait_for predicate
            return function(*args, **kwargs)

        async def run() -> Any:
            result = function(*args, **kwargs)
            return await result if inspect.isawaitable(result) else result

        timeout = kwargs.get("timeout", args[3] if function.__name__ == "wait_for_calls" and len(args) > 3 else 10.0)
        future = asyncio.run_coroutine_threadsafe(run(), self._loop)
        try:
            return future.result(float(timeout) + 30)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TimeoutError(f"{function.__name__} gave no result") from None

    def __getattr__(self, name: str) -> Any:
        value = getattr(type(self.api), name, None)
        if isinstance(value, property) or value is None:
            return self._in_loop(lambda: getattr(self.api, name))
        method = getattr(self.api, name)
        return lambda *args, **kwargs: self._in_loop(method, *args, **kwargs)
