"""TaskStores: the only code that reads or writes the tasks service's collections."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from pymongo import ASCENDING, DESCENDING, MongoClient, ReturnDocument
from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from hotel_shared.config import ServiceSettings
from hotel_shared.inbox import ensure_inbox_indexes
from hotel_shared.mongo import find_page, get_client, run_in_transaction
from hotel_shared.outbox import ensure_outbox_indexes, record_event
from tasks.rules import (
    ACTIVE_STATUSES,
    CLEANING,
    EmployeeExists,
    EmployeeNotFound,
    TaskNotFound,
    VersionConflict,
)
from tasks.stats import COUNTERS, row_id

T = TypeVar("T")
Document = dict[str, Any]
Session = ClientSession | None

TASK_ORDER = [("createdAt", DESCENDING), ("taskId", DESCENDING)]
REQUEST_ORDER = [("date", DESCENDING), ("taskId", DESCENDING)]
EMPLOYEE_ORDER = [("department", ASCENDING), ("employeeCode", ASCENDING)]
TASK_FILTERS = {"employeeId": "employeeId", "status": "status", "department": "department"}
# Parallel requests to one department all bump its guard; spread their retries out.
TRANSACTION_ATTEMPTS = 60


class TaskStores:
    def __init__(self, client: MongoClient, db: Database, processed_events_ttl_days: int = 7):
        self.client = client
        self.db = db
        self.departments = db["departments"]
        self.employees = db["employees"]
        self.requests = db["requests"]
        self.tasks = db["tasks"]
        self.daily_stats = db["task_daily_stats"]
        self.processed_events_ttl_days = processed_events_ttl_days

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> TaskStores:
        client = get_client(settings.mongo_url, settings.mongo_timeout_ms)
        return cls(client, client[settings.mongo_db], settings.processed_events_ttl_days)

    def ensure_indexes(self) -> None:
        self.departments.create_index("code", unique=True, name="code_unique")
        self.employees.create_index("employeeCode", unique=True, name="employee_code_unique")
        self.employees.create_index(
            [("department", ASCENDING), ("onDuty", ASCENDING)], name="department_on_duty"
        )
        self.requests.create_index("taskId", unique=True, name="task_id_unique")
        self.requests.create_index(REQUEST_ORDER, name="by_date")
        self.requests.create_index([("roomNumber", ASCENDING), *REQUEST_ORDER], name="by_room")
        self.tasks.create_index("taskId", unique=True, name="task_id_unique")
        # One departure clean per checkout, however often the checkout event arrives.
        self.tasks.create_index(
            "dedupeKey",
            unique=True,
            name="dedupe_key_unique",
            partialFilterExpression={"dedupeKey": {"$type": "string"}},
        )
        self.tasks.create_index(TASK_ORDER, name="newest_first")
        self.tasks.create_index(
            [("employeeId", ASCENDING), ("status", ASCENDING)], name="by_employee_status"
        )
        self.tasks.create_index(
            [("room", ASCENDING), ("type", ASCENDING), ("status", ASCENDING)], name="by_room_type"
        )
        self.tasks.create_index("nextEscalationAt", name="escalation_due")
        self.daily_stats.create_index([("day", ASCENDING)], name="by_day")
        ensure_outbox_indexes(self.db)
        ensure_inbox_indexes(self.db, self.processed_events_ttl_days)

    def run(self, work: Callable[[ClientSession], T]) -> T:
        """One transaction; many attempts, since parallel requests contend for one guard."""
        return run_in_transaction(self.client, work, attempts=TRANSACTION_ATTEMPTS)

    def record(self, event: Document, session: ClientSession) -> None:
        record_event(self.db, session, event)

    # --- departments ---------------------------------------------------------------------------

    def list_departments(self, session: Session = None) -> list[Document]:
        return list(self.departments.find({}, session=session).sort("code", ASCENDING))

    def get_department(self, code: str, session: Session = None) -> Document | None:
        return self.departments.find_one({"code": code}, session=session)

    def department_for_job_type(self, job_type: str, session: Session = None) -> Document | None:
        return self.departments.find_one({"jobTypes": job_type}, session=session)

    def insert_department_if_missing(self, department: Document) -> bool:
        result = self.departments.update_one(
            {"code": department["code"]}, {"$setOnInsert": department}, upsert=True
        )
        return result.upserted_id is not None

    def insert_department(self, department: Document, session: ClientSession) -> None:
        self.departments.insert_one(department, session=session)

    def save_department(
        self, code: str, changes: Document, expected_version: int | None, session: ClientSession
    ) -> Document:
        query: Document = {"code": code}
        if expected_version is not None:
            query["version"] = expected_version
        saved = self.departments.find_one_and_update(
            query,
            {"$set": changes, "$inc": {"version": 1}},
            session=session,
            return_document=ReturnDocument.AFTER,
        )
        if saved is None:
            raise VersionConflict(f"department {code} changed meanwhile")
        return saved

    def lock_department(self, code: str, session: ClientSession) -> None:
        """Serialize assignments in one department: concurrent writers of this field conflict."""
        self.departments.update_one({"code": code}, {"$inc": {"assignments": 1}}, session=session)

    # --- employees -----------------------------------------------------------------------------

    def find_employees(
        self, filters: Mapping[str, Any], limit: int, offset: int
    ) -> tuple[list[Document], int]:
        query = {
            name: filters[name] for name in ("department", "onDuty", "role") if name in filters
        }
        return find_page(self.employees, query, EMPLOYEE_ORDER, limit, offset)

    def get_employee(self, code: str, session: Session = None) -> Document | None:
        return self.employees.find_one({"employeeCode": code}, session=session)

    def require_employee(self, code: str, session: Session = None) -> Document:
        employee = self.get_employee(code, session)
        if employee is None:
            raise EmployeeNotFound(code)
        return employee

    def insert_employee(self, employee: Document, session: Session = None) -> Document:
        try:
            self.employees.insert_one(employee, session=session)
        except DuplicateKeyError:
            raise EmployeeExists(employee["employeeCode"]) from None
        return employee

    def insert_employee_if_missing(self, employee: Document) -> bool:
        result = self.employees.update_one(
            {"employeeCode": employee["employeeCode"]}, {"$setOnInsert": employee}, upsert=True
        )
        return result.upserted_id is not None

    def save_employee(
        self, code: str, changes: Document, expected_version: int | None, session: ClientSession
    ) -> Document:
        query: Document = {"employeeCode": code}
        if expected_version is not None:
            query["version"] = expected_version
        saved = self.employees.find_one_and_update(
            query,
            {"$set": changes, "$inc": {"version": 1}},
            session=session,
            return_document=ReturnDocument.AFTER,
        )
        if saved is None:
            self.require_employee(code, session)
            raise VersionConflict(f"employee {code} changed meanwhile")
        return saved

    def department_staff(self, department: str, session: ClientSession) -> list[Document]:
        return list(
            self.employees.find({"department": department, "onDuty": True}, session=session)
        )

    def add_load(
        self, code: str, delta: int, session: ClientSession, assigned_at: datetime | None = None
    ) -> None:
        update: Document = {"$inc": {"openTasks": delta}}
        if assigned_at is not None:
            update["$set"] = {"lastAssignedAt": assigned_at}
        self.employees.update_one({"employeeCode": code}, update, session=session)

    # --- requests and tasks --------------------------------------------------------------------

    def insert_request(self, request: Document, session: ClientSession) -> None:
        self.requests.insert_one(request, session=session)

    def insert_task(self, task: Document, session: ClientSession) -> None:
        self.tasks.insert_one(task, session=session)

    def find_requests(
        self, filters: Mapping[str, Any], limit: int, offset: int
    ) -> tuple[list[Document], int]:
        query = {
            name: filters[name]
            for name in ("roomNumber", "jobType", "department")
            if name in filters
        }
        return find_page(self.requests, query, REQUEST_ORDER, limit, offset)

    def find_tasks(
        self, filters: Mapping[str, Any], limit: int, offset: int
    ) -> tuple[list[Document], int]:
        query = {field: filters[name] for name, field in TASK_FILTERS.items() if name in filters}
        if "room" in filters:
            query["room"] = filters["room"]
        return find_page(self.tasks, query, TASK_ORDER, limit, offset)

    def get_task(self, task_id: str, session: Session = None) -> Document:
        task = self.tasks.find_one({"taskId": task_id}, session=session)
        if task is None:
            raise TaskNotFound(task_id)
        return task

    def save_task(
        self, task: Document, changes: Document, session: ClientSession, *, expected_version=None
    ) -> Document:
        """Apply `changes` if the task still has the version read (compare-and-set)."""
        version = task["version"] if expected_version is None else expected_version
        saved = self.tasks.find_one_and_update(
            {"taskId": task["taskId"], "version": version},
            {"$set": changes, "$inc": {"version": 1}},
            session=session,
            return_document=ReturnDocument.AFTER,
        )
        if saved is None:
            raise VersionConflict(f"task {task['taskId']} changed meanwhile")
        return saved

    def push_note(self, task: Document, note: Document, session: ClientSession) -> Document:
        return self.tasks.find_one_and_update(
            {"taskId": task["taskId"]},
            {"$push": {"notes": note}, "$set": {"updatedAt": note["at"]}, "$inc": {"version": 1}},
            session=session,
            return_document=ReturnDocument.AFTER,
        )

    def task_by_dedupe_key(self, key: str, session: ClientSession) -> Document | None:
        return self.tasks.find_one({"dedupeKey": key}, session=session)

    def open_cleaning_task(self, room: str, session: ClientSession) -> Document | None:
        return self.tasks.find_one(
            {"room": room, "type": CLEANING, "status": {"$in": list(ACTIVE_STATUSES)}},
            session=session,
        )

    def tasks_of(
        self, employee_code: str, statuses: Iterable[str], session: ClientSession
    ) -> list[Document]:
        query = {"employeeId": employee_code, "status": {"$in": list(statuses)}}
        return list(self.tasks.find(query, session=session).sort("createdAt", ASCENDING))

    def pending_tasks(self, department: str, session: ClientSession) -> list[Document]:
        query = {"department": department, "status": "pending"}
        return list(self.tasks.find(query, session=session).sort("createdAt", ASCENDING))

    def due_for_escalation(self, now: datetime, limit: int = 200) -> list[Document]:
        cursor = self.tasks.find({"nextEscalationAt": {"$lte": now}}).sort(
            "nextEscalationAt", ASCENDING
        )
        return list(cursor.limit(limit))

    # --- performance rollups -------------------------------------------------------------------

    def bump_stats(
        self,
        day: str,
        department: str,
        employee_id: str | None,
        increments: Mapping[str, float],
        session: ClientSession,
    ) -> None:
        key = row_id(day, department, employee_id)
        self.daily_stats.update_one(
            {"_id": key},
            {
                "$inc": dict(increments),
                "$setOnInsert": {"day": day, "department": department, "employeeId": employee_id},
            },
            upsert=True,
            session=session,
        )

    def replace_stats(self, rows: list[Document]) -> None:
        self.daily_stats.delete_many({})
        if rows:
            self.daily_stats.insert_many(rows, ordered=False)

    def stats_by(self, group: Document, match: Document) -> list[Document]:
        """Rollup rows in `match`, summed per `group` key (a few hundred rows, never tasks)."""
        sums = {name: {"$sum": f"${name}"} for name in COUNTERS}
        pipeline = [{"$match": match}, {"$group": {"_id": group, **sums}}, {"$sort": {"_id": 1}}]
        return list(self.daily_stats.aggregate(pipeline))

    def all_tasks(self) -> Iterable[Document]:
        return self.tasks.find({})
