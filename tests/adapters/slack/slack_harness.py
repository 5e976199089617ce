"""Running the real Slack front end in a test: start it, wait until it serves, stop it."""

from __future__ import annotations

import asyncio

from adapters.slack import SlackFrontEnd

# A user id the tests' settings list in SLACK_ADMIN_USER_IDS.
ADMIN_IN_SETTINGS = "U0LISTED"


async def start_front_end(front: SlackFrontEnd) -> asyncio.Task[None]:
    """Run ``front`` until it is ready; a failure to start is raised here."""
    task = asyncio.create_task(front.run())
    ready = asyncio.create_task(front.ready.wait())
    await asyncio.wait({task, ready}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
    if not ready.done():
        ready.cancel()
        await asyncio.gather(ready, return_exceptions=True)
        if task.done():
            task.result()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        raise AssertionError("the Slack front end did not start")
    return task


async def stop_front_end(task: asyncio.Task[None]) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def wait_idle(front: SlackFrontEnd, timeout: float = 10.0) -> None:
    """Wait until every request the front end has taken on is finished."""
    pending = {task for task in front.listeners.inflight if not task.done()}
    if pending:
        _, still = await asyncio.wait(pending, timeout=timeout)
        assert not still, "the Slack front end is still working on a request"
