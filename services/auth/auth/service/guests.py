"""Guest access, from rooms' stay events: a check-in opens it, a checkout ends it at once."""

from __future__ import annotations

from auth import events
from auth.rules import guests as rules
from auth.rules.sign_in import TokenLifetimes
from auth.store import AuthStores
from hotel_shared.principal import Context
from hotel_shared.store import unit_of_work
from hotel_shared.timeutil import utc_now


@unit_of_work
def update_guest_access(
    stores: AuthStores, ctx: Context, stay: rules.Stay, lifetimes: TokenLifetimes
) -> None:
    """Open or close a stay's guest access; a checkout ends the guest's sessions and revokes
    their access tokens everywhere."""
    incoming = rules.stay_document(stay)
    with stores.transaction() as tx:
        if not rules.is_newer_stay_event(tx.get_stay(stay.customer_id), incoming):
            return  # an older event arriving late must not reopen (or re-close) a stay
        now = utc_now()
        tx.save_stay({**incoming, "updatedAt": now})
        if stay.status == rules.STAY_CHECKED_OUT:
            tx.revoke_guest_tokens(stay.customer_id, now)
            expires_at = lifetimes.revocation_expires_at(now)
            event = events.guest_access_revoked(incoming, now, expires_at, ctx)
            tx.record(event)
            tx.record_revocation(event["data"])
