"""Networks: posts that share an identifier (phone, WeChat, QQ, account) are one network.

Union-find with path halving and union by size over post ids; identifiers of kinds that do
not identify a person (places) are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable

LINKING_KINDS = frozenset({"phone", "wechat", "qq", "bank_account", "alipay", "email"})


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.size: dict[str, int] = {}
        self.order: dict[str, int] = {}

    def add(self, item: str) -> None:
        if item not in self.parent:
            self.parent[item] = item
            self.size[item] = 1
            self.order[item] = len(self.order)

    def find(self, item: str) -> str:
        parent = self.parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, a: str, b: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return
        if self.size[root_a] < self.size[root_b]:
            root_a, root_b = root_b, root_a
        self.parent[root_b] = root_a
        self.size[root_a] += self.size[root_b]


def link_networks(posts: Iterable[tuple[str, Iterable[tuple[str, str]]]]) -> dict[str, str]:
    """post id -> network id (the network's first post id, in input order).

    ``posts`` yields ``(post_id, [(kind, value), ...])``; two posts sharing a
    ``(kind, value)`` of a linking kind are in one network, transitively.

    >>> link_networks([("a", [("phone", "13800000000")]), ("b", [("wechat", "x1")]),
    ...                ("c", [("phone", "13800000000"), ("wechat", "x1")]), ("d", [])])
    {'a': 'a', 'b': 'a', 'c': 'a', 'd': 'd'}
    """
    forest = _UnionFind()
    first_holder: dict[tuple[str, str], str] = {}
    post_ids: list[str] = []
    for post_id, identifiers in posts:
        forest.add(post_id)
        post_ids.append(post_id)
        for kind, value in identifiers:
            if kind not in LINKING_KINDS or not value:
                continue
            key = (kind, value)
            holder = first_holder.setdefault(key, post_id)
            if holder != post_id:
                forest.union(holder, post_id)
    earliest: dict[str, str] = {}
    for post_id in post_ids:
        earliest.setdefault(forest.find(post_id), post_id)
    return {post_id: earliest[forest.find(post_id)] for post_id in post_ids}
