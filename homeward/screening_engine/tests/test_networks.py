"""Networks: posts sharing an identifier are linked, transitively, whatever the order."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from homeward.screening_engine import link_networks


def _reference(posts: list[tuple[str, list[tuple[str, str]]]]) -> dict[str, frozenset[str]]:
    """Connected components by breadth-first search over a post-identifier graph."""
    holders: dict[tuple[str, str], list[str]] = defaultdict(list)
    for post_id, identifiers in posts:
        for kind, value in identifiers:
            if kind != "place":
                holders[(kind, value)].append(post_id)
    component: dict[str, frozenset[str]] = {}
    for post_id, _ in posts:
        if post_id in component:
            continue
        seen = {post_id}
        frontier = [post_id]
        while frontier:
            current = frontier.pop()
            for pid, identifiers in posts:
                if pid != current:
                    continue
                for kind, value in identifiers:
                    if kind == "place":
                        continue
                    for other in holders[(kind, value)]:
                        if other not in seen:
                            seen.add(other)
                            frontier.append(other)
        members = frozenset(seen)
        for member in members:
            component[member] = members
    return component


def test_one_seller_on_several_platforms_is_one_network() -> None:
    posts = [
        ("douyin-1", [("phone", "13812345678")]),
        ("tieba-7", [("wechat", "seller_01")]),
        ("qq-3", [("phone", "13812345678"), ("wechat", "seller_01")]),
        ("58-9", [("qq", "12345678"), ("wechat", "seller_01")]),
        ("other", [("phone", "13900000000")]),
    ]
    networks = link_networks(posts)
    assert {networks[p] for p in ("douyin-1", "tieba-7", "qq-3", "58-9")} == {"douyin-1"}
    assert networks["other"] == "other"


def test_places_do_not_link_posts() -> None:
    networks = link_networks(
        [("a", [("place", "重庆市渝北区")]), ("b", [("place", "重庆市渝北区")])]
    )
    assert networks["a"] != networks["b"]


_IDENTIFIER = st.tuples(
    st.sampled_from(["phone", "wechat", "qq", "place"]), st.sampled_from(list("abcdef"))
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_IDENTIFIER, max_size=3), min_size=1, max_size=12))
def test_union_find_equals_breadth_first_components(
    identifier_lists: list[list[tuple[str, str]]],
) -> None:
    posts = [(f"p{i}", identifiers) for i, identifiers in enumerate(identifier_lists)]
    networks = link_networks(posts)
    reference = _reference(posts)
    for post_id, _ in posts:
        same = frozenset(p for p, _ in posts if networks[p] == networks[post_id])
        assert same == reference[post_id]
        # the network id is its earliest post
        assert networks[post_id] == min(same, key=lambda p: int(p[1:]))
