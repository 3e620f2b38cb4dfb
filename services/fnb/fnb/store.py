"""FnbStores: the only code that reads or writes the fnb service's collections."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, MongoClient, ReturnDocument
from pymongo.database import Database

from fnb.rules.menu import ComboNotFound, FoodNotFound
from fnb.rules.orders import IDEMPOTENCY_TTL_S, OrderNotFound
from hotel_shared.expiry import ensure_expiring_index
from hotel_shared.mongo import WriteContention
from hotel_shared.readmodel import ReadModel, Snapshot, note_deleted, note_written, read_model
from hotel_shared.store import MongoStores

Document = dict[str, Any]

CHECKED_IN, CHECKED_OUT = "checked in", "checked out"
NEWEST_FIRST = [("checkedOutAt", DESCENDING), ("_id", DESCENDING)]
ORDER_FILTERS = ("roomNumber", "status", "customerId")
MENU_ORDER = [("category", ASCENDING), ("name", ASCENDING)]
MENU_FILTERS = ("category", "available")
COMBO_ORDER = [("createdAt", ASCENDING), ("_id", ASCENDING)]
COMBO_FILTERS = ("active",)
BILL_FILTERS = ("roomNumber", "customerId")


class FnbStores(MongoStores):
    """Menu, carts, orders, cancelled orders, bills, and the projection of rooms' stays."""

    def __init__(self, client: MongoClient, db: Database, **kwargs: Any) -> None:
        super().__init__(client, db, **kwargs)
        self.foods = db["foods"]
        self.combos = db["carousel_combos"]
        self.carts = db["carts"]
        self.orders = db["orders"]
        self.cancelled_orders = db["cancelled_orders"]
        self.billings = db["billings"]
        self.stays = db["stays"]
        self.idempotency_keys = db["idempotency_keys"]
        self.item_pairs = db["item_pairs"]
        self.item_hours = db["item_hours"]

    def ensure_collection_indexes(self) -> None:
        self.foods.create_index([("category", ASCENDING), ("name", ASCENDING)], name="by_category")
        self.combos.create_index([("active", ASCENDING)], name="by_active")
        self.orders.create_index([("roomNumber", ASCENDING), *NEWEST_FIRST], name="by_room")
        self.orders.create_index([("status", ASCENDING), *NEWEST_FIRST], name="by_status")
        self.orders.create_index("checkedOutAt", name="by_checkout")
        self.cancelled_orders.create_index("originalOrderId", unique=True, name="original_unique")
        self.cancelled_orders.create_index("checkedOutAt", name="by_checkout")
        # One bill per order, whatever races to deliver it.
        self.billings.create_index("orderId", unique=True, name="order_unique")
        self.billings.create_index([("roomNumber", ASCENDING), ("deliveredAt", DESCENDING)])
        self.billings.create_index("checkedOutAt", name="by_checkout")
        self.stays.create_index([("roomNumber", ASCENDING), ("status", ASCENDING)], name="by_room")
        ensure_expiring_index(
            self.idempotency_keys, "createdAt", seconds=IDEMPOTENCY_TTL_S, name="idempotency_ttl"
        )
        self.item_pairs.create_index([("a", ASCENDING), ("day", ASCENDING)], name="by_item_day")
        self.item_hours.create_index([("hour", ASCENDING), ("day", ASCENDING)], name="by_hour_day")

    # --- menu ----------------------------------------------------------------------------------

    def food_list(self) -> ReadModel:
        """This process's menu, in memory and kept live, for the menu every guest phone reads."""
        return read_model(self.foods)

    def combo_list(self) -> ReadModel:
        return read_model(self.combos)

    def find_foods(self, filters: Mapping[str, Any]) -> list[Document]:
        query = {name: filters[name] for name in MENU_FILTERS if name in filters}
        return list(self.foods.find(query, session=self.session).sort(MENU_ORDER))

    def get_food(self, food_id: str) -> Document:
        food = self.foods.find_one({"_id": food_id}, session=self.session)
        if food is None:
            raise FoodNotFound(food_id)
        return food

    def foods_by_id(self, ids: Iterable[str]) -> dict[str, Document]:
        cursor = self.foods.find({"_id": {"$in": list(set(ids))}}, session=self.session)
        return {food["_id"]: food for food in cursor}

    def insert_food(self, food: Document) -> None:
        self.foods.insert_one(food, session=self.session)
        self._note_written(self.foods, food)

    def save_food(self, food: Document, changes: Document) -> Document:
        return self._note_written(self.foods, self._compare_and_set(self.foods, food, changes))

    def delete_food(self, food: Document) -> None:
        self._delete(self.foods, food)
        self._note_deleted(self.foods, food)

    def find_combos(self, filters: Mapping[str, Any]) -> list[Document]:
        query = {name: filters[name] for name in COMBO_FILTERS if name in filters}
        return list(self.combos.find(query, session=self.session).sort(COMBO_ORDER))

    def get_combo(self, combo_id: str) -> Document:
        combo = self.combos.find_one({"_id": combo_id}, session=self.session)
        if combo is None:
            raise ComboNotFound(combo_id)
        return combo

    def combos_by_id(self, ids: Iterable[str]) -> dict[str, Document]:
        cursor = self.combos.find({"_id": {"$in": list(set(ids))}}, session=self.session)
        return {combo["_id"]: combo for combo in cursor}

    def insert_combo(self, combo: Document) -> None:
        self.combos.insert_one(combo, session=self.session)
        self._note_written(self.combos, combo)

    def save_combo(self, combo: Document, changes: Document) -> Document:
        return self._note_written(self.combos, self._compare_and_set(self.combos, combo, changes))

    def delete_combo(self, combo: Document) -> None:
        self._delete(self.combos, combo)
        self._note_deleted(self.combos, combo)

    def _note_written(self, collection: Any, document: Document) -> Document:
        # This process's menu shows the change at once; the others hear it on their stream.
        self.after_commit(lambda: note_written(collection, document))
        return document

    def _note_deleted(self, collection: Any, document: Document) -> None:
        self.after_commit(lambda: note_deleted(collection, document["_id"]))

    def insert_food_if_missing(self, food: Document, key: str) -> bool:
        result = self.foods.update_one(
            {key: food[key]}, {"$setOnInsert": food}, upsert=True, session=self.session
        )
        return result.upserted_id is not None

    def insert_combo_if_missing(self, combo: Document) -> bool:
        result = self.combos.update_one(
            {"title": combo["title"]}, {"$setOnInsert": combo}, upsert=True, session=self.session
        )
        return result.upserted_id is not None

    # --- stays (projection of rooms' check-in and check-out events) ---------------------------

    def checked_in_stay(self, room_number: str) -> Document | None:
        query = {"roomNumber": room_number, "status": CHECKED_IN}
        return self.stays.find_one(query, sort=[("checkedInAt", DESCENDING)], session=self.session)

    def open_stay(self, stay: Document) -> None:
        """Note a check-in, unless its check-out arrived first (then the stay stays closed)."""
        self.stays.update_one(
            {"_id": stay["customerId"]},
            {"$setOnInsert": {**stay, "status": CHECKED_IN}},
            upsert=True,
            session=self.session,
        )

    def close_stay(self, stay: Document) -> None:
        self.stays.update_one(
            {"_id": stay["customerId"]},
            {"$set": {**stay, "status": CHECKED_OUT}},
            upsert=True,
            session=self.session,
        )

    # --- carts ---------------------------------------------------------------------------------

    def get_cart(self, room_number: str) -> Document | None:
        return self.carts.find_one({"_id": room_number}, session=self.session)

    def save_cart(self, cart: Document, expected_version: int | None) -> Document:
        """Write the whole cart if nobody else did since it was read (version None: it was new)."""
        body = {key: value for key, value in cart.items() if key not in ("_id", "version")}
        query: Document = {"_id": cart["_id"], "version": expected_version}
        if expected_version is None:
            query = {"_id": cart["_id"], "version": {"$exists": False}}
        saved = self.carts.find_one_and_update(
            query,
            {"$set": body, "$inc": {"version": 1}},
            upsert=expected_version is None,
            session=self.session,
            return_document=ReturnDocument.AFTER,
        )
        if saved is None:
            raise WriteContention(f"the cart of room {cart['_id']} changed meanwhile; try again")
        return saved

    def delete_cart(self, room_number: str) -> None:
        self.carts.delete_one({"_id": room_number}, session=self.session)

    # --- orders, idempotency, cancellations, bills ----------------------------------------------

    def insert_order(self, order: Document) -> None:
        self.orders.insert_one(order, session=self.session)

    def get_order(self, order_id: str) -> Document:
        order = self.orders.find_one({"_id": order_id}, session=self.session)
        if order is None:
            raise OrderNotFound(order_id)
        return order

    def find_order(self, order_id: str) -> Document | None:
        return self.orders.find_one({"_id": order_id}, session=self.session)

    def find_orders(
        self, filters: Mapping[str, Any], limit: int, offset: int
    ) -> tuple[list[Document], int]:
        query = {name: filters[name] for name in ORDER_FILTERS if name in filters}
        return self.find_page(self.orders, query, NEWEST_FIRST, limit, offset)

    def save_order(self, order: Document, changes: Document) -> Document:
        return self._compare_and_set(self.orders, order, changes)

    def delete_order(self, order: Document) -> None:
        self._delete(self.orders, order)

    def idempotent_order_id(self, room_number: str, key: str) -> str | None:
        entry = self.idempotency_keys.find_one(
            {"_id": f"{room_number}:{key}"}, session=self.session
        )
        return entry["orderId"] if entry else None

    def remember_idempotency_key(
        self, room_number: str, key: str, order_id: str, now: datetime
    ) -> None:
        self.idempotency_keys.insert_one(
            {"_id": f"{room_number}:{key}", "orderId": order_id, "createdAt": now},
            session=self.session,
        )

    def insert_cancelled_order(self, cancelled: Document) -> None:
        self.cancelled_orders.insert_one(cancelled, session=self.session)

    def find_cancelled_order(self, original_id: str) -> Document | None:
        return self.cancelled_orders.find_one(
            {"originalOrderId": original_id}, session=self.session
        )

    def insert_billing(self, billing: Document) -> None:
        self.billings.insert_one(billing, session=self.session)

    def find_bills(
        self, filters: Mapping[str, Any], limit: int, offset: int
    ) -> tuple[list[Document], int]:
        query = {name: filters[name] for name in BILL_FILTERS if name in filters}
        order = [("deliveredAt", DESCENDING), ("_id", DESCENDING)]
        return self.find_page(self.billings, query, order, limit, offset)

    def count_bills(self, order_id: str) -> int:
        return self.billings.count_documents({"orderId": order_id}, session=self.session)

    # --- analytics and recommendations ------------------------------------------------------

    def checked_out_between(self, start: datetime, end: datetime) -> dict[str, list[Document]]:
        """Orders, cancellations and bills whose checkout fell in [start, end)."""
        period = {"checkedOutAt": {"$gte": start, "$lt": end}}
        return {
            "orders": list(self.orders.find(period, session=self.session)),
            "cancelled": list(self.cancelled_orders.find(period, session=self.session)),
            "bills": list(self.billings.find(period, session=self.session)),
        }

    def bump_sales(
        self, day: str, hour: int, pairs: list[tuple[str, str]], items: Mapping[str, int]
    ) -> None:
        """Count one delivered order: its item pairs and its items at this hour, on its day."""
        for a, b in pairs:
            self.item_pairs.update_one(
                {"_id": f"{day}|{a}|{b}"},
                {"$inc": {"count": 1}, "$setOnInsert": {"day": day, "a": a, "b": b}},
                upsert=True,
                session=self.session,
            )
        for item, quantity in items.items():
            self.item_hours.update_one(
                {"_id": f"{day}|{hour:02d}|{item}"},
                {
                    "$inc": {"count": quantity},
                    "$setOnInsert": {"day": day, "hour": hour, "item": item},
                },
                upsert=True,
                session=self.session,
            )

    def pairs_with(self, keys: list[str], since_day: str) -> list[Document]:
        """{a, b, count}: how often b was ordered with each of `keys` since `since_day`."""
        pipeline = [
            {"$match": {"a": {"$in": keys}, "day": {"$gte": since_day}}},
            {"$group": {"_id": {"a": "$a", "b": "$b"}, "count": {"$sum": "$count"}}},
        ]
        rows = self.item_pairs.aggregate(pipeline, session=self.session)
        return [{**row["_id"], "count": row["count"]} for row in rows]

    def sales_at_hour(self, hour: int, since_day: str) -> list[Document]:
        pipeline = [
            {"$match": {"hour": hour, "day": {"$gte": since_day}}},
            {"$group": {"_id": "$item", "count": {"$sum": "$count"}}},
        ]
        rows = self.item_hours.aggregate(pipeline, session=self.session)
        return [{"item": row["_id"], "count": row["count"]} for row in rows]

    # --- compare-and-set -----------------------------------------------------------------------

    def _compare_and_set(self, collection: Any, document: Document, changes: Document) -> Document:
        saved = collection.find_one_and_update(
            {"_id": document["_id"], "version": document["version"]},
            {"$set": changes, "$inc": {"version": 1}},
            session=self.session,
            return_document=ReturnDocument.AFTER,
        )
        if saved is None:
            raise WriteContention(f"{collection.name} {document['_id']} changed meanwhile")
        return saved

    def _delete(self, collection: Any, document: Document) -> None:
        query = {"_id": document["_id"], "version": document["version"]}
        if collection.delete_one(query, session=self.session).deleted_count != 1:
            raise WriteContention(f"{collection.name} {document['_id']} changed meanwhile")


class MenuInMemory:
    """The menu's finders answered from snapshots of the foods and combos read models."""

    def __init__(self, foods: Snapshot, combos: Snapshot | None = None) -> None:
        self.foods, self.combos = foods, combos

    def find_foods(self, filters: Mapping[str, Any]) -> list[Document]:
        query = {name: filters[name] for name in MENU_FILTERS if name in filters}
        return self.foods.find(query, MENU_ORDER)

    def foods_by_id(self, ids: Iterable[str]) -> dict[str, Document]:
        documents = self.foods.documents
        return {food_id: documents[food_id] for food_id in set(ids) if food_id in documents}

    def find_combos(self, filters: Mapping[str, Any]) -> list[Document]:
        if self.combos is None:
            raise RuntimeError("a menu without combos cannot list them")
        query = {name: filters[name] for name in COMBO_FILTERS if name in filters}
        return self.combos.find(query, COMBO_ORDER)
