"""Reads our rooms from the rooms service's public API with the caller's own token.

Only for the user-facing drift and reconcile (DESIGN §2 allows a user-facing read of another
service's API): the events projection misses rooms whose created events were published before
this service's queue existed, so a person asking for drift gets today's rooms, read as them.
"""

from __future__ import annotations

from typing import Any

import requests

from pms_adapter.opera_client import PmsUnavailable

PAGE = 500


class RoomsUnavailable(PmsUnavailable):
    """The rooms service did not answer; drift cannot be computed now."""


class RoomsApi:
    def __init__(self, base_url: str, timeout_s: float = 5.0):
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.http = requests.Session()

    def list_rooms(self, bearer_token: str) -> list[dict[str, Any]]:
        rooms: list[dict[str, Any]] = []
        while True:
            try:
                answer = self.http.get(
                    f"{self.base_url}/api/rooms",
                    params={"limit": PAGE, "offset": len(rooms)},
                    headers={"Authorization": f"Bearer {bearer_token}"},
                    timeout=self.timeout_s,
                )
            except requests.RequestException as error:
                raise RoomsUnavailable(f"rooms cannot be read: {error}") from error
            if answer.status_code != 200:
                raise RoomsUnavailable(f"rooms answered {answer.status_code}")
            page = answer.json()
            rooms += page["items"]
            if not page["items"] or len(rooms) >= page["total"]:
                return rooms
