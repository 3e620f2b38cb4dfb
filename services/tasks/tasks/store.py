"""TasksStores: the only code that reads or writes the tasks service's collections."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, ClassVar

from pymongo import ASCENDING, DESCENDING, MongoClient, ReturnDocument
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from hotel_shared.mongo import WriteContention
from hotel_shared.readmodel import ReadModel, note_written, read_model
from hotel_shared.store import MongoStores
from tasks.rules.departments import DepartmentNotFound
from tasks.rules.employees import EmployeeExists, EmployeeNotFound
from tasks.rules.stats import COUNTERS
from tasks.rules.tasks import ACTIVE_STATUSES, CLEANING, COMPLETED, PENDING, TaskNotFound

Document = dict[str, Any]

LAST_DONE = ("completedAt", DESCENDING)
TASK_ORDER = [("createdAt", DESCENDING), ("taskId", DESCENDING)]
REQUEST_ORDER = [("date", DESCENDING), ("taskId", DESCENDING)]
EMPLOYEE_ORDER = [("department", ASCENDING), ("employeeCode", ASCENDING)]
TASK_FILTERS = ("employeeId", "status", "department", "room")
REQUEST_FILTERS = ("roomNumber", "jobType", "department", "stayId")
# What a request's list shows of its task.
TASK_SUMMARY = {"_id": 0, "taskId": 1, "status": 1, "assignedTo": 1, "employeeId": 1, "dueDate": 1}
EMPLOYEE_FILTERS = ("department", "onDuty", "role")


class TasksStores(MongoStores):
    """Departments, employees, requests, tasks and their daily rollups, on one database."""

    # Fifty parallel requests to one department all bump its guard; give each many reruns.
    transaction_attempts: ClassVar[int] = 60

    def __init__(self, client: MongoClient, db: Database, **kwargs: Any) -> None:
        super().__init__(client, db, **kwargs)
        self.departments = db["departments"]
        self.employees = db["employees"]
        self.requests = db["requests"]
        self.tasks = db["tasks"]
        self.daily_stats = db["task_daily_stats"]

    def ensure_collection_indexes(self) -> None:
        self.departments.create_index("code", unique=True, name="code_unique")
        self.employees.create_index("employeeCode", unique=True, name="employee_code_unique")
        self.employees.create_index(
            [("department", ASCENDING), ("onDuty", ASCENDING)], name="department_on_duty"
        )
        self.requests.create_index("taskId", unique=True, name="task_id_unique")
        self.requests.create_index(REQUEST_ORDER, name="by_date")
        self.requests.create_index([("roomNumber", ASCENDING), *REQUEST_ORDER], name="by_room")
        self.requests.create_index(
            [("stayId", ASCENDING), *REQUEST_ORDER],
            name="by_stay",
            partialFilterExpression={"stayId": {"$type": "string"}},
        )
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
        # Who cleaned a room last (its re-clean after a failed inspection goes back to them).
        self.tasks.create_index(
            [("room", ASCENDING), ("type", ASCENDING), ("status", ASCENDING), LAST_DONE],
            name="last_done_of_room",
        )
        self.tasks.create_index("nextEscalationAt", name="escalation_due")
        self.daily_stats.create_index([("day", ASCENDING)], name="by_day")

    # --- departments ---------------------------------------------------------------------------

    def list_departments(self) -> list[Document]:
        return list(self.departments.find({}, session=self.session).sort("code", ASCENDING))

    def get_department(self, code: str) -> Document | None:
        return self.departments.find_one({"code": code}, session=self.session)

    def require_department(self, code: str) -> Document:
        department = self.get_department(code)
        if department is None:
            raise DepartmentNotFound(code)
        return department

    def department_for_job_type(self, job_type: str) -> Document | None:
        return self.departments.find_one({"jobTypes": job_type}, session=self.session)

    def insert_department(self, department: Document) -> None:
        self.departments.insert_one(department, session=self.session)

    def insert_department_if_missing(self, department: Document) -> bool:
        result = self.departments.update_one(
            {"code": department["code"]},
            {"$setOnInsert": department},
            upsert=True,
            session=self.session,
        )
        return result.upserted_id is not None

    def save_department(self, department: Document, changes: Document) -> Document:
        return self._compare_and_set(self.departments, "code", department, changes)

    def guard_department(self, code: str) -> None:
        """Serialize assignments in one department: concurrent writers of this field conflict."""
        self.departments.update_one(
            {"code": code}, {"$inc": {"assignments": 1}}, session=self.session
        )

    # --- employees -----------------------------------------------------------------------------

    def find_employees(
        self, filters: Mapping[str, Any], limit: int, offset: int
    ) -> tuple[list[Document], int]:
        query = {name: filters[name] for name in EMPLOYEE_FILTERS if name in filters}
        return self.find_page(self.employees, query, EMPLOYEE_ORDER, limit, offset)

    def get_employee(self, code: str) -> Document | None:
        return self.employees.find_one({"employeeCode": code}, session=self.session)

    def require_employee(self, code: str) -> Document:
        employee = self.get_employee(code)
        if employee is None:
            raise EmployeeNotFound(code)
        return employee

    def insert_employee(self, employee: Document) -> None:
        # Looked up first: a duplicate-key error inside a transaction would abort the transaction.
        if self.get_employee(employee["employeeCode"]) is not None:
            raise EmployeeExists(employee["employeeCode"])
        try:
            self.employees.insert_one(employee, session=self.session)
        except DuplicateKeyError:
            raise EmployeeExists(employee["employeeCode"]) from None

    def insert_employee_if_missing(self, employee: Document) -> bool:
        result = self.employees.update_one(
            {"employeeCode": employee["employeeCode"]},
            {"$setOnInsert": employee},
            upsert=True,
            session=self.session,
        )
        return result.upserted_id is not None

    def save_employee(self, employee: Document, changes: Document) -> Document:
        return self._compare_and_set(self.employees, "employeeCode", employee, changes)

    def department_staff(self, department: str) -> list[Document]:
        query = {"department": department, "onDuty": True}
        return list(self.employees.find(query, session=self.session))

    def add_load(self, code: str, delta: int, *, assigned_at: datetime | None = None) -> None:
        """Count `delta` more open tasks for an employee (and note when they last got one)."""
        update: Document = {"$inc": {"openTasks": delta}}
        if assigned_at is not None:
            update["$set"] = {"lastAssignedAt": assigned_at}
        self.employees.update_one({"employeeCode": code}, update, session=self.session)

    # --- requests and tasks --------------------------------------------------------------------

    def insert_request(self, request: Document) -> None:
        self.requests.insert_one(request, session=self.session)

    def task_board(self) -> ReadModel:
        """This process's watch on `tasks`: the board's list bodies, kept until a task changes.

        Tasks are never deleted, so the collection is not held (views render from the database
        once per change)."""
        return read_model(self.tasks, keep_documents=False)

    def insert_task(self, task: Document) -> None:
        self.tasks.insert_one(task, session=self.session)
        self._note_task_written(task)

    def find_requests(
        self, filters: Mapping[str, Any], limit: int, offset: int
    ) -> tuple[list[Document], int]:
        """A page of requests, each with its task in brief as `task` (None if missing)."""
        query = {name: filters[name] for name in REQUEST_FILTERS if name in filters}
        page, total = self.find_page(self.requests, query, REQUEST_ORDER, limit, offset)
        ids = [request["taskId"] for request in page]
        found = self.tasks.find({"taskId": {"$in": ids}}, TASK_SUMMARY, session=self.session)
        tasks = {task["taskId"]: task for task in found}
        return [{**request, "task": tasks.get(request["taskId"])} for request in page], total

    def find_tasks(
        self, filters: Mapping[str, Any], limit: int, offset: int
    ) -> tuple[list[Document], int]:
        query = {name: filters[name] for name in TASK_FILTERS if name in filters}
        return self.find_page(self.tasks, query, TASK_ORDER, limit, offset)

    def get_task(self, task_id: str) -> Document:
        task = self.tasks.find_one({"taskId": task_id}, session=self.session)
        if task is None:
            raise TaskNotFound(task_id)
        return task

    def save_task(self, task: Document, changes: Document) -> Document:
        return self._note_task_written(self._compare_and_set(self.tasks, "taskId", task, changes))

    def push_note(self, task_id: str, note: Document) -> Document:
        saved = self.tasks.find_one_and_update(
            {"taskId": task_id},
            {"$push": {"notes": note}, "$set": {"updatedAt": note["at"]}, "$inc": {"version": 1}},
            session=self.session,
            return_document=ReturnDocument.AFTER,
        )
        if saved is None:
            raise TaskNotFound(task_id)
        return self._note_task_written(saved)

    def _note_task_written(self, task: Document) -> Document:
        # This process's board lists the change at once; the others hear it on their stream.
        tasks = self.tasks
        self.after_commit(lambda: note_written(tasks, task))
        return task

    def task_by_dedupe_key(self, key: str) -> Document | None:
        return self.tasks.find_one({"dedupeKey": key}, session=self.session)

    def open_cleaning_task(self, room: str) -> Document | None:
        query = {"room": room, "type": CLEANING, "status": {"$in": list(ACTIVE_STATUSES)}}
        return self.tasks.find_one(query, session=self.session)

    def last_completed_clean(self, room: str) -> Document | None:
        query = {"room": room, "type": CLEANING, "status": COMPLETED}
        return self.tasks.find_one(query, sort=[LAST_DONE], session=self.session)

    def tasks_of(self, employee_code: str, statuses: Iterable[str]) -> list[Document]:
        query = {"employeeId": employee_code, "status": {"$in": list(statuses)}}
        return list(self.tasks.find(query, session=self.session).sort("createdAt", ASCENDING))

    def pending_tasks(self, department: str) -> list[Document]:
        query = {"department": department, "status": PENDING}
        return list(self.tasks.find(query, session=self.session).sort("createdAt", ASCENDING))

    def due_for_escalation(self, now: datetime, limit: int = 200) -> list[Document]:
        cursor = self.tasks.find({"nextEscalationAt": {"$lte": now}}, session=self.session)
        return list(cursor.sort("nextEscalationAt", ASCENDING).limit(limit))

    def all_tasks(self) -> Iterable[Document]:
        return self.tasks.find({}, session=self.session)

    # --- performance rollups -------------------------------------------------------------------

    def bump_daily_stats(self, key: Document, increments: Mapping[str, float]) -> None:
        """Add `increments` to the rollup row `key` ({_id, day, department, employeeId})."""
        self.daily_stats.update_one(
            {"_id": key["_id"]},
            {
                "$inc": dict(increments),
                "$setOnInsert": {k: v for k, v in key.items() if k != "_id"},
            },
            upsert=True,
            session=self.session,
        )

    def replace_daily_stats(self, rows: list[Document]) -> None:
        self.daily_stats.delete_many({}, session=self.session)
        if rows:
            self.daily_stats.insert_many(rows, ordered=False, session=self.session)

    def department_totals(self, first_day: str, last_day: str) -> list[Document]:
        """Each department's own rows in the period, summed (`_id` is the department)."""
        match = {**_period(first_day, last_day), "employeeId": None}
        return self._sum_stats("$department", match)

    def employee_totals(self, first_day: str, last_day: str) -> list[Document]:
        """Each employee's rows in the period, summed (`_id` is {employeeId, department})."""
        match = {**_period(first_day, last_day), "employeeId": {"$ne": None}}
        return self._sum_stats({"employeeId": "$employeeId", "department": "$department"}, match)

    def daily_totals(self, first_day: str, last_day: str) -> list[Document]:
        """The departments' rows in the period, summed per day (`_id` is the day)."""
        return self._sum_stats("$day", {**_period(first_day, last_day), "employeeId": None})

    def _sum_stats(self, group: Any, match: Document) -> list[Document]:
        # A few hundred rollup rows per period, never the tasks themselves.
        sums = {name: {"$sum": f"${name}"} for name in COUNTERS}
        pipeline = [{"$match": match}, {"$group": {"_id": group, **sums}}, {"$sort": {"_id": 1}}]
        return list(self.daily_stats.aggregate(pipeline, session=self.session))

    # --- compare-and-set -----------------------------------------------------------------------

    def _compare_and_set(
        self, collection: Any, key: str, document: Document, changes: Document
    ) -> Document:
        """Apply `changes` if the document still has the version read in this unit of work.

        A miss means a concurrent writer won: WriteContention reruns the use case on fresh reads.
        """
        saved = collection.find_one_and_update(
            {key: document[key], "version": document["version"]},
            {"$set": changes, "$inc": {"version": 1}},
            session=self.session,
            return_document=ReturnDocument.AFTER,
        )
        if saved is None:
            raise WriteContention(f"{collection.name} {document[key]} changed meanwhile; try again")
        return saved


def _period(first_day: str, last_day: str) -> Document:
    return {"day": {"$gte": first_day, "$lte": last_day}}
