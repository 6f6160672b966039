"""Several review nodes on one quarantine database enforce one login limit: a guesser
behind a load balancer gets five password checks in all, not five per node."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from relay.util import free_port

from dlp.config import Settings
from dlp.metrics import Metrics
from dlp.quarantine import open_store
from dlp.review.web.server import ReviewService

from .conftest import PASSWORD, LoopThread
from .test_web_hardening import login_from
from .test_web_http import _close_clients

pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
__all__ = ["_close_clients"]
WRONG = "wrong password!"


@pytest.fixture
def second_node() -> Iterator[Callable[[Settings], str]]:
    """Another review node (its own app, limiter and store handle) on the same database."""
    started: list[tuple[LoopThread, ReviewService]] = []

    def start(settings: Settings) -> str:
        review = settings.review.model_copy(update={"listen": f"127.0.0.1:{free_port()}"})
        other = settings.model_copy(update={"review": review})
        loop = LoopThread()
        service = ReviewService(other, open_store(other), Metrics(), sweep=False)
        loop.call(service.start())
        started.append((loop, service))
        return f"http://127.0.0.1:{service.port}"

    yield start
    for loop, service in started:
        loop.call(service.stop())
        loop.close()


def test_failed_logins_at_two_nodes_count_against_one_limit(web, second_node) -> None:
    node_a, _store = web()
    node_b = second_node(web.settings)
    codes = [login_from(base, "pat", WRONG) for base in [node_a, node_b] * 3]
    assert codes == [401] * 5 + [429]
    assert login_from(node_b, "pat", PASSWORD) == 429  # locked at every node, right or wrong


def test_parallel_guesses_spread_over_two_nodes_get_five_password_checks(web, second_node) -> None:
    node_a, store = web()
    node_b = second_node(web.settings)
    nodes = [node_a, node_b] * 10
    with ThreadPoolExecutor(20) as pool:
        codes = list(pool.map(lambda base: login_from(base, "pat", WRONG), nodes))
    assert codes.count(401) == 5 and codes.count(429) == 15
    assert [e.action for e in store.audit_log()].count("login-failed") == 5


def test_a_good_login_gives_back_its_count_at_every_node(web, second_node) -> None:
    node_a, _store = web()
    node_b = second_node(web.settings)
    assert [login_from(node_a, "pat", WRONG) for _ in range(4)] == [401] * 4
    assert login_from(node_b, "pat", PASSWORD) == 303  # success clears this client's tries
    assert [login_from(node_a, "pat", WRONG) for _ in range(5)] == [401] * 5
