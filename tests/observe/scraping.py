"""Read /metrics as Prometheus does, and see what moved between two reads."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

Sample = tuple[str, tuple[tuple[str, str], ...]]  # a sample's name and its sorted labels


def sample(name: str, **labels: str) -> Sample:
    return name, tuple(sorted(labels.items()))


def parse(text: str) -> dict[Sample, float]:
    """Every sample's value; `_created` timestamps are left out (they are not counts)."""
    return {
        sample(found.name, **found.labels): found.value
        for family in text_string_to_metric_families(text)
        for found in family.samples
        if not found.name.endswith("_created")
    }


async def scrape(http: httpx.AsyncClient, token: str | None = None) -> dict[Sample, float]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await http.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return parse(response.text)


def moved(
    before: dict[Sample, float], after: dict[Sample, float], *prefixes: str
) -> dict[Sample, float]:
    """The samples named with one of `prefixes` that changed, and by how much."""
    return {
        key: value - before.get(key, 0.0)
        for key, value in after.items()
        if key[0].startswith(prefixes) and value != before.get(key, 0.0)
    }


def label_values(samples: dict[Sample, float], name: str, label: str) -> set[str]:
    return {dict(labels)[label] for found, labels in samples if found == name}
